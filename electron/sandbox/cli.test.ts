import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { parseSandboxArgs } from './cli-args';
import { httpCall } from './entra/test-support/https';

const tsx = 'node_modules/.bin/tsx';

function run(args: string[]) {
  const child = spawn(tsx, ['electron/sandbox/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe('npm run sandbox', () => {
  it('prints exactly one ready line, serves HTTPS with its CA, and stops cleanly on SIGTERM', async () => {
    const { child, exited } = run(['--port', '0', '--seed', '3']);
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve) => rl.once('line', resolve));
    rl.on('line', (l) => lines.push(l));
    const ready = JSON.parse(first) as Record<string, unknown> & { baseUrl: string; caCertPath: string; apps: Record<string, unknown>[]; environments: Record<string, unknown>[]; users: Record<string, unknown>[] };
    expect(Object.keys(ready)).toEqual(['ready', 'baseUrl', 'caCertPath', 'controlKey', 'tenantId', 'apps', 'users', 'environments']);
    expect(ready.ready).toBe(true);
    expect(ready.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const pipeline = ready.apps.find((a) => a['isPipelineSpn'] === true);
    expect(pipeline).toMatchObject({ name: 'pipeline', clientId: expect.any(String) as string, clientSecret: expect.any(String) as string });
    expect(existsSync(String(pipeline?.['certificatePath']))).toBe(true);
    expect(ready.users.find((u) => u['disabled'] === true)).toMatchObject({ displayName: 'Isaiah Langer' });
    expect(ready.environments.map((e) => e['displayName'])).toEqual(['Contoso Dev', 'Contoso Test', 'Contoso UAT', 'Contoso Prod', 'Contoso (default)']);
    expect(ready.environments[0]?.['instanceUrl']).toBe(`${ready.baseUrl}/orgs/contoso-dev/`);

    const ca = readFileSync(ready.caCertPath, 'utf8');
    const discovery = await httpCall(`${ready.baseUrl}/login/${String(ready['tenantId'])}/v2.0/.well-known/openid-configuration`, { ca });
    expect(discovery.status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines).toEqual([]);
    expect(existsSync(ready.caCertPath)).toBe(false);
  });

  it('exits 2 with the problem and the usage for a bad flag', async () => {
    const r = run(['--scenario', 'fabrikam']);
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain("Unknown scenario 'fabrikam'. Known: contoso, scale.");
    expect(r.stderr()).toContain('Usage: npm run sandbox --');
  });

  it('names the exact problem of each bad flag', () => {
    expect(() => parseSandboxArgs(['--port', 'abc'])).toThrow("--port must be a whole number, got 'abc'.");
    expect(() => parseSandboxArgs(['--port', '70000'])).toThrow('--port must be between 0 and 65535, got 70000.');
    expect(() => parseSandboxArgs(['--flows', '10'])).toThrow('--envs, --flows, --refs and --connectors apply to --scenario scale only.');
    expect(() => parseSandboxArgs(['--nope'])).toThrow("Unknown option '--nope'");
    expect(() => parseSandboxArgs(['--state-file', ''])).toThrow('--state-file needs a path.');
  });

  it('parses every documented flag', () => {
    expect(parseSandboxArgs(['--port', '8443', '--scenario', 'scale', '--seed', '9', '--token-lifetime-s', '60', '--legacy-spn', '--state-file', 'x.json', '--envs', '3', '--flows', '50', '--refs', '20', '--connectors', '5'])).toEqual({
      scenario: 'scale',
      port: 8443,
      seed: 9,
      tokenLifetimeS: 60,
      switches: { legacySpn: true },
      stateFile: 'x.json',
      scale: { envs: 3, flows: 50, refs: 20, connectors: 5 },
    });
  });
});
