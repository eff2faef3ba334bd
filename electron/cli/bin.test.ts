import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

/** The installed `patchbay` command as a pipeline runs it: a separate process, exit codes, CI annotations. */

it('runs as a process: help, and an audit in GitHub Actions that fails on unwired references with annotations', () => {
  const help = spawnSync(process.execPath, ['bin/patchbay.mjs', 'help'], { encoding: 'utf8' });
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('Usage: patchbay <command> [options]');

  const audit = spawnSync(process.execPath, ['bin/patchbay.mjs', 'audit', '--sandbox', '--solution', 'ContosoOperations', '--env', 'Prod', '--fail-on', 'unwired'], {
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: 'true', TF_BUILD: '' },
    timeout: 60_000,
  });
  expect(audit.status, audit.stderr).toBe(3);
  expect(audit.stdout).toMatch(/^::error title=[^:]+ in Contoso Prod::.*has no connection/m);
  expect(audit.stderr).toContain('finding(s) match --fail-on unwired');
}, 90_000);
