import { expect, test } from '@playwright/test';
import { startHost, type RunningHost, type SandboxControl } from '../../host-fixtures';
import { VIEWPORT } from './app';

/**
 * One web host with the demo sandbox per story file, started before its test and stopped (cleanly)
 * after; the story reads the host (and its sandbox's control API) through the returned function.
 */
export function useStoryHost(): () => RunningHost & { sandbox: SandboxControl } {
  let host: RunningHost;
  test.use({ viewport: VIEWPORT });
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    host = await startHost([], { sandboxControl: true });
  });
  test.afterAll(async () => {
    const code = await host.stop();
    expect(code, host.stderr().slice(-2000)).toBe(0);
  });
  return () => {
    const sandbox = host.sandbox;
    if (!sandbox) throw new Error('the host did not hand over its sandbox control');
    return { ...host, sandbox };
  };
}
