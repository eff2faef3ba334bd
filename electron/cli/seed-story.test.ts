import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClientData } from '../../shared/flows/clientdata';
import type { Row } from '../sandbox/model';
import { startCliHarness, type CliHarness } from './test-support/cli-harness';

/**
 * The seed post's story, end to end through `patchbay` (issue §9): first wiring, a pipeline deploy that
 * turns every flow off, one command that turns them all back on as the connection owners (children
 * first), the SPN route with and without sharing, and settings files across environments.
 */

let c: CliHarness;
beforeAll(async () => {
  c = await startCliHarness();
});
afterAll(async () => {
  await c.close();
});

const SOLUTION = ['--solution', 'ContosoOperations'];
const store = () => c.h.sb.ctx.store;
const flows = (stage: 'test' | 'dev'): Row[] => store().rows(c.h.env(stage), 'workflow').filter((w) => w['solutionid'] !== null && w['category'] === 5);
const wiring = (stage: 'test' | 'dev'): Record<string, unknown> =>
  Object.fromEntries(store().rows(c.h.env(stage), 'connectionreference').map((r): [string, unknown] => [String(r['connectionreferencelogicalname']), r['connectionid']]));

interface LogEntry {
  seq: number;
  method: string;
  path: string;
  service: string;
  status: number;
}
const log = async (): Promise<LogEntry[]> => (await c.h.control('GET', 'log')).json()['entries'] as LogEntry[];

describe('the seed story', () => {
  it('wires Test, survives deploys, and turns every flow on as the connection owners, children first', async () => {
    const wire = await c.run('wire', ...SOLUTION, '--env', 'Test', '--as', 'connection-owner', '--yes', ...c.auth);
    expect(wire.code, wire.stderr + wire.stdout).toBe(0);
    expect(Object.values(wiring('test')).every((v) => typeof v === 'string')).toBe(true);

    for (let round = 0; round < 2; round++) {
      expect((await c.h.control('POST', 'deploy', { environment: 'Contoso Test', solution: 'ContosoOperations' })).status).toBe(200);
      expect(flows('test').every((f) => f['statecode'] === 0)).toBe(true);
      await c.h.control('DELETE', 'log');
      const activate = await c.run('activate', ...SOLUTION, '--env', 'Test', '--as', 'connection-owner', '--yes', ...c.auth);
      expect(activate.code, activate.stderr + activate.stdout).toBe(0);
      expect(flows('test').every((f) => f['statecode'] === 1)).toBe(true);
      expect(activate.stdout).toContain('16 steps: 16 done');

      // Children before parents, in the order the platform received the writes.
      const patches = (await log()).filter((e) => e.method === 'PATCH' && e.path.includes('/workflows(') && e.status === 204);
      const order = new Map(patches.map((e, i) => [/workflows\(([^)]+)\)/.exec(e.path)?.[1] ?? '', i]));
      for (const parent of flows('test')) {
        const parsed = parseClientData(String(parent['clientdata']));
        for (const child of parsed.ok ? parsed.value.childFlowIds : []) {
          expect(order.get(child), `${String(parent['name'])} after its child`).toBeLessThan(order.get(String(parent['workflowid'])) ?? -1);
        }
      }
    }
  });

  it('as the SPN, says which connections block and why; with --share it shares them and succeeds', async () => {
    await c.h.control('POST', 'deploy', { environment: 'Contoso Test', solution: 'ContosoOperations' });
    const dry = await c.run('activate', ...SOLUTION, '--env', 'Test', '--as', 'spn', '--dry-run', '--json', ...c.auth);
    expect(dry.code).toBe(1);
    const plan = dry.json<{ plan: { steps: { verdict: { outcome: string; blockers: { code: string; connectionName?: string }[] } }[] } }>().plan;
    const blocking = new Set(plan.steps.flatMap((s) => s.verdict.blockers.filter((b) => b.code === 'connection-not-usable').map((b) => b.connectionName)));
    const env = c.h.env('test');
    const spn = c.h.oid({ app: 'pipeline' });
    const notShared = store()
      .connectionsIn(env.id)
      .filter((conn) => Object.values(wiring('test')).includes(conn.name) && !conn.permissions.some((p) => p.principalId === spn))
      .map((conn) => conn.name);
    expect([...blocking].sort()).toEqual([...new Set(notShared)].sort());
    expect(flows('test').every((f) => f['statecode'] === 0)).toBe(true);

    const human = await c.run('activate', ...SOLUTION, '--env', 'Test', '--as', 'spn', '--dry-run', ...c.auth);
    expect(human.stdout).toMatch(/may not use connection \w+/);
    expect(human.stdout).toMatch(/fix: share connection/);

    const shared = await c.run('activate', ...SOLUTION, '--env', 'Test', '--as', 'spn', '--share', '--yes', ...c.auth);
    expect(shared.code, shared.stderr + shared.stdout).toBe(0);
    expect(flows('test').every((f) => f['statecode'] === 1)).toBe(true);
    expect(store().connectionsIn(env.id).filter((conn) => notShared.includes(conn.name)).every((conn) => conn.permissions.some((p) => p.principalId === spn))).toBe(true);
  });

  it('exports a wired Test, re-applies it to a reset Test, and refuses Dev’s file in Test before any write', async () => {
    const file = join(c.dataDir, 'test-settings.json');
    const exported = await c.run('settings', 'export', ...SOLUTION, '--env', 'Test', '--out', file, ...c.auth);
    expect(exported.code, exported.stderr).toBe(0);
    const before = wiring('test');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { ConnectionReferences: { LogicalName: string; ConnectionId: string }[] };
    expect(Object.fromEntries(settings.ConnectionReferences.map((r) => [r.LogicalName, r.ConnectionId]))).toEqual(before);

    await c.h.control('POST', 'reset');
    expect(Object.values(wiring('test')).every((v) => v === null)).toBe(true);
    const applied = await c.run('apply', '--settings', file, ...SOLUTION, '--env', 'Test', '--as', 'connection-owner', '--yes', ...c.auth);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(wiring('test')).toEqual(before);
    // The variable values travel too: Test's values were in the file.
    const values = store().rows(c.h.env('test'), 'environmentvariablevalue').map((v) => v['schemaname']);
    expect(values).toEqual(expect.arrayContaining(['cont_ErpBaseUrl', 'cont_OpsSiteUrl', 'cont_NotifyMailbox']));

    const devFile = join(c.dataDir, 'dev-settings.json');
    expect((await c.run('settings', 'export', ...SOLUTION, '--env', 'Dev', '--out', devFile, ...c.auth)).code).toBe(0);
    await c.h.control('POST', 'reset');
    await c.h.control('DELETE', 'log');
    const refused = await c.run('apply', '--settings', devFile, ...SOLUTION, '--env', 'Test', '--yes', ...c.auth);
    expect(refused.code).toBe(2);
    const devConnections = (JSON.parse(readFileSync(devFile, 'utf8')) as { ConnectionReferences: { ConnectionId: string }[] }).ConnectionReferences.map((r) => r.ConnectionId);
    for (const id of new Set(devConnections)) expect(refused.stderr).toContain(id);
    expect(refused.stderr).toContain('nothing was written');
    expect((await log()).filter((e) => e.method !== 'GET' && e.service !== 'login')).toEqual([]);
  });
});

describe('bad input', () => {
  it('gives each mistake a specific message and exit code 2, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['activate', '--solution', 'ContosoOperation', '--env', 'Test', '--yes', ...c.auth], /No environment has the solution 'ContosoOperation'\. Did you mean 'ContosoOperations'\?/],
      [['activate', ...SOLUTION, '--env', 'Staging', '--yes', ...c.auth], /Unknown environment 'Staging'\. .*Known: Contoso Dev, Contoso Test/],
      [['activate', ...SOLUTION, '--env', 'Contoso', '--yes', ...c.auth], /'Contoso' could mean 'Contoso Dev' or/],
      [['activate', ...SOLUTION, '--env', 'Test', '--yes', '--dry-run', ...c.auth], /--dry-run and --yes cannot be used together/],
      [['activate', ...SOLUTION, '--env', 'Test', '--as', 'robot', ...c.auth], /--as must be one of auto, me, spn, connection-owner; got 'robot'/],
      [['activate', ...SOLUTION, '--env', 'Test', '--sandbox-url', c.h.base, '--ca-file', c.h.sb.caCertPath, '--tenant', c.h.sb.tenantId, '--client-id', '00000000-0000-0000-0000-000000000001'], /Missing credentials/],
      [['frobnicate'], /Unknown command 'frobnicate'/],
      [['audit', ...SOLUTION, '--fail-on', 'everything', ...c.auth], /--fail-on takes a comma list of/],
    ];
    for (const [args, message] of cases) {
      const result = await c.run(...args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('refuses a malformed settings file with its line and column, and a hand-broken plan file', async () => {
    const broken = join(c.dataDir, 'broken.json');
    writeFileSync(broken, '{\n  "EnvironmentVariables": [],\n  "ConnectionReferences": [\n    { "LogicalName": "x", }\n  ]\n}\n');
    const settings = await c.run('apply', '--settings', broken, ...SOLUTION, '--env', 'Test', '--yes', ...c.auth);
    expect(settings.code).toBe(2);
    expect(settings.stderr).toMatch(/broken\.json\(4,\d+\): Invalid JSON: trailing comma/);

    const planFile = join(c.dataDir, 'plan.json');
    const planned = await c.run('plan', ...SOLUTION, '--env', 'UAT', '--as', 'connection-owner', '--out', planFile, ...c.auth);
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { steps: { kind: string; dependsOn: string[] }[] };
    plan.steps[0] = { ...(plan.steps[0] as { kind: string; dependsOn: string[] }), kind: 'explode' };
    writeFileSync(planFile, JSON.stringify(plan, null, 2));
    const applied = await c.run('apply', '--plan', planFile, '--yes', ...c.auth);
    expect(applied.code).toBe(2);
    expect(applied.stderr).toMatch(/plan\.json\(\d+,\d+\): steps\[0\]\.kind: /);
  });

  it('fails with exit code 3 when audit findings match --fail-on, 0 otherwise', async () => {
    await c.h.control('POST', 'reset');
    expect((await c.run('audit', ...SOLUTION, '--env', 'Prod', '--fail-on', 'unwired', ...c.auth)).code).toBe(3);
    expect((await c.run('audit', ...SOLUTION, '--env', 'Prod', '--fail-on', 'suspended', ...c.auth)).code).toBe(0);
    const junit = await c.run('audit', ...SOLUTION, '--env', 'Prod', '--format', 'junit', ...c.auth);
    expect(junit.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites/);
  });
});
