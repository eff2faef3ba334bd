import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox } from './server';
import { StateFileError, readStateFile } from './state-file';
import { httpCall } from './entra/test-support/https';

const dir = () => mkdtempSync(join(tmpdir(), 'patchbay-state-test-'));

describe('--state-file', () => {
  it('refuses a file that is not JSON, naming line and column, and leaves it untouched', async () => {
    const path = join(dir(), 'state.json');
    writeFileSync(path, '{\n  "format": "patchbay-sandbox-state",\n  oops\n}');
    expect(() => readStateFile(path)).toThrow(StateFileError);
    expect(() => readStateFile(path)).toThrow(/is not valid JSON at line 3, column 3/);
    await expect(startSandbox({ port: 0, stateFile: path })).rejects.toThrow(/It was left untouched/);
    expect(readFileSync(path, 'utf8')).toContain('oops');
  });

  it("refuses someone else's JSON and a damaged state, without overwriting either", async () => {
    const foreign = join(dir(), 'package.json');
    writeFileSync(foreign, '{"name":"not-ours"}');
    await expect(startSandbox({ port: 0, stateFile: foreign })).rejects.toThrow(/is not a Patchbay sandbox state file/);
    expect(readFileSync(foreign, 'utf8')).toBe('{"name":"not-ours"}');
    const damaged = join(dir(), 'state.json');
    writeFileSync(damaged, JSON.stringify({ format: 'patchbay-sandbox-state', formatVersion: 1, scenario: { name: 'contoso' } }));
    expect(() => readStateFile(damaged)).toThrow(/is damaged: scenario\.seed: /);
  });

  it('keeps the demo tenant across restarts', async () => {
    const path = join(dir(), 'state.json');
    const first = await startSandbox({ port: 0, stateFile: path });
    const env = first.ctx.store.environmentByOrg('contoso-test');
    const flow = env && first.ctx.store.rows(env, 'workflow').find((w) => w['name'] === 'Archive closed cases');
    const app = first.ctx.store.appByName('pipeline');
    const token = await httpCall(`${first.baseUrl}/login/${first.tenantId}/oauth2/v2.0/token`, {
      ca: first.caCertPem,
      form: { grant_type: 'client_credentials', client_id: app?.clientId ?? '', client_secret: app?.secrets[0]?.value ?? '', scope: `${first.baseUrl}/orgs/contoso-test/.default` },
    });
    const res = await httpCall(`${first.baseUrl}/orgs/contoso-test/api/data/v9.2/workflows(${String(flow?.['workflowid'])})`, {
      method: 'PATCH',
      ca: first.caCertPem,
      headers: { authorization: `Bearer ${String(token.json()['access_token'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ statecode: 1 }),
    });
    expect(res.status).toBe(204);
    await first.close();

    const second = await startSandbox({ port: 0, stateFile: path });
    const again = second.ctx.store.environmentByOrg('contoso-test');
    const reloaded = again && second.ctx.store.row(again, 'workflow', String(flow?.['workflowid']));
    expect(reloaded?.['statecode']).toBe(1);
    expect(second.tenantId).toBe(first.tenantId);
    await second.close();
  });
});
