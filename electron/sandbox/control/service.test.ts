import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support/harness';

/** The control API: key check, state, reset, scenario switch, deploy, request log. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('control API', () => {
  it('refuses requests without the control key or with a wrong one', async () => {
    const none = await h.raw('GET', `${h.base}/_sandbox/state`);
    const wrong = await h.raw('GET', `${h.base}/_sandbox/state`, { headers: { 'x-sandbox-key': 'guess' } });
    for (const res of [none, wrong]) {
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'SandboxControlError', message: 'Missing or wrong x-sandbox-key header.' } });
    }
  });

  it('shows every entity per environment, without the token signing key', async () => {
    const state = (await h.control('GET', 'state')).json() as { environments: { displayName: string; tables: Record<string, Record<string, unknown>> }[]; entra: Record<string, unknown> };
    expect(state.environments.map((e) => e.displayName)).toEqual(['Contoso Dev', 'Contoso Test', 'Contoso UAT', 'Contoso Prod', 'Contoso (default)']);
    expect(Object.keys(state.environments[0]?.tables ?? {})).toEqual(expect.arrayContaining(['workflow', 'connectionreference', 'systemuser', 'solution', 'solutioncomponent', 'environmentvariabledefinition']));
    expect(state.entra).toEqual({ tokensValidAfter: {} });
  });

  it('logs requests with method, path, caller and status, and clears the log', async () => {
    await h.control('DELETE', 'log');
    await h.dv('dev', 'GET', 'WhoAmI', { as: { app: 'pipeline' } });
    await h.dv('dev', 'GET', 'WhoAmI');
    const entries = (await h.control('GET', 'log')).json()['entries'] as { method: string; path: string; service: string; caller: string | null; status: number; seq: number }[];
    const dataverse = entries.filter((e) => e.service === 'dataverse');
    expect(dataverse.map((e) => ({ method: e.method, path: e.path, caller: e.caller, status: e.status }))).toEqual([
      { method: 'GET', path: '/orgs/contoso-dev/api/data/v9.2/WhoAmI', caller: h.oid({ app: 'pipeline' }), status: 200 },
      { method: 'GET', path: '/orgs/contoso-dev/api/data/v9.2/WhoAmI', caller: null, status: 401 },
    ]);
    const last = dataverse[1]?.seq ?? 0;
    expect((await h.control('GET', `log?since=${last}`)).json()['entries']).toEqual([]);
  });

  it('deploys a solution like a pipeline import: added components arrive unwired and off, every flow is turned off', async () => {
    const store = h.sb.ctx.store;
    const dev = h.env('dev');
    const prod = h.env('prod');
    // A new flow and a new reference appear in Dev's unmanaged solution.
    const solution = store.rows(dev, 'solution').find((s) => s['uniquename'] === 'ContosoOperations');
    const template = store.rows(dev, 'workflow').find((w) => w['name'] === 'Archive closed cases');
    const newId = '11111111-2222-4333-8444-555555555555';
    store.insert(dev, 'workflow', 'workflowid', { ...template, workflowid: newId, name: 'Brand new flow' });
    store.insert(dev, 'solutioncomponent', 'solutioncomponentid', {
      solutioncomponentid: '11111111-2222-4333-8444-666666666666',
      componenttype: 29,
      objectid: newId,
      solutionid: String(solution?.['solutionid']),
      rootcomponentbehavior: 0,
    });
    const dataverseOnly = store.rows(prod, 'workflow').find((w) => w['name'] === 'Archive closed cases');
    const turnOn = await h.dv('prod', 'PATCH', `workflows(${String(dataverseOnly?.['workflowid'])})`, { as: { user: 'releaseManager' }, body: { statecode: 1 } });
    expect(turnOn.status).toBe(204);
    const versionBefore = dataverseOnly?.['versionnumber'];

    const res = await h.control('POST', 'deploy', { environment: 'contoso-prod', solution: 'ContosoOperations' });
    expect(res.json()).toEqual({
      environment: prod.id,
      solution: 'ContosoOperations',
      version: '1.4.3.0',
      added: { connectionReferences: 0, flows: 1, environmentVariables: 0 },
      flowsTurnedOff: 1,
    });
    const arrived = store.row(prod, 'workflow', newId);
    expect(arrived?.['statecode']).toBe(0);
    expect(arrived?.['ismanaged']).toBe(true);
    const again = store.row(prod, 'workflow', String(dataverseOnly?.['workflowid']));
    expect(again?.['statecode']).toBe(0);
    expect(again?.['versionnumber']).not.toBe(versionBefore);
    const prodSolution = store.rows(prod, 'solution').find((s) => s['uniquename'] === 'ContosoOperations');
    expect(store.rows(prod, 'solutioncomponent').some((c) => c['objectid'] === newId && c['solutionid'] === prodSolution?.['solutionid'])).toBe(true);
  });

  it('answers bad deploy requests specifically', async () => {
    expect((await h.control('POST', 'deploy', { environment: 'Nowhere', solution: 'ContosoOperations' })).json()).toEqual({
      error: { code: 'SandboxControlError', message: "No environment 'Nowhere' in this sandbox." },
    });
    expect((await h.control('POST', 'deploy', { environment: 'Contoso Test', solution: 'Nope' })).status).toBe(404);
    const badJson = await h.raw('POST', `${h.base}/_sandbox/deploy`, { headers: { 'x-sandbox-key': h.sb.controlKey }, body: '{' });
    expect(badJson.json()).toEqual({ error: { code: 'SandboxControlError', message: 'The body is not valid JSON.' } });
    expect((await h.control('POST', 'deploy', { environment: 3 })).json()['error']).toMatchObject({ message: expect.stringMatching(/^Invalid body: environment: /) as string });
  });

  it('resets to the scenario and switches scenario (tokens stay valid for the same tenant)', async () => {
    await h.dv('test', 'PATCH', `workflows(${String(h.sb.ctx.store.rows(h.env('test'), 'workflow')[0]?.['workflowid'])})`, { as: { user: 'releaseManager' }, body: { description: 'touched' } });
    const keys = (): { signing: string; pipeline: string | undefined } => ({
      signing: h.sb.ctx.store.state.entra.signingKey.certificatePem,
      pipeline: h.sb.ctx.store.appByName('pipeline')?.certificates[0]?.certificatePem,
    });
    const before = keys();
    const reset = await h.control('POST', 'reset');
    expect(reset.json()).toMatchObject({ scenario: 'contoso', seed: 1 });
    expect(h.sb.ctx.store.rows(h.env('test'), 'workflow').some((w) => w['description'] === 'touched')).toBe(false);
    expect((await h.dv('dev', 'GET', 'WhoAmI', { as: { app: 'pipeline' } })).status).toBe(200);
    // The same tenant keeps its signing key and the pipeline's certificate.
    expect(keys()).toEqual(before);

    const scale = await h.control('POST', 'scenario', { name: 'scale', seed: 7, parameters: { envs: 2, flows: 30, refs: 10, connectors: 4 } });
    expect(scale.status).toBe(200);
    // Another tenant gets its own keys.
    expect(keys().signing).not.toBe(before.signing);
    expect(keys().pipeline).not.toBe(before.pipeline);
    expect(h.sb.ctx.store.state.environments.map((e) => e.orgName)).toEqual(['fabrikam-1', 'fabrikam-2']);
    expect(h.sb.ready().environments.map((e) => e.instanceUrl)).toEqual([`${h.base}/orgs/fabrikam-1/`, `${h.base}/orgs/fabrikam-2/`]);
    expect((await h.control('POST', 'scenario', { name: 'nope' })).json()).toEqual({ error: { code: 'SandboxControlError', message: "Unknown scenario 'nope'. Known: contoso, scale." } });
    await h.control('POST', 'scenario', { name: 'contoso', seed: 1 });
  });
});
