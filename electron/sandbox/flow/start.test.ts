import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../model';
import { dvError, startHarness, type Harness, type Identity } from '../test-support/harness';
import { aliasName } from './names';
import { flowApi, flowError, flowRow, items, type FlowApi, type Stage } from './testkit';

/**
 * Turning flows on and off through the Flow API: the same activation rules as Dataverse, answered in
 * the Flow service's shape, and the same effect on the workflow row as a Dataverse PATCH.
 */

let h: Harness;
let f: FlowApi;
const spn = { app: 'pipeline' } as const;
const rm = { user: 'releaseManager' } as const;
const svc = { user: 'serviceAccount' } as const;

/** Set when a case changed the state; only then is the scenario rebuilt after it. */
let dirty = false;

beforeAll(async () => {
  h = await startHarness();
  f = flowApi(h);
  h.sb.ctx.store.onChange(() => {
    dirty = true;
  });
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  if (dirty) await h.control('POST', 'reset');
  dirty = false;
  Object.assign(h.sb.ctx.switches, { legacySpn: false, childFlowBlocksWhen: 'never-published' });
});

const store = () => h.sb.ctx.store;
const idOf = (stage: Stage, name: string) => String(flowRow(h, stage, name)['workflowid']);
const systemUserId = (stage: Stage, oid: string) =>
  String(store().rows(h.env(stage), 'systemuser').find((u) => u['azureactivedirectoryobjectid'] === oid)?.['systemuserid']);

const start = (stage: Stage, name: string, as: Identity, scope: 'maker' | 'admin' = 'maker') =>
  f.call('POST', `${scope === 'maker' ? f.makerFlows(stage) : f.adminFlows(stage)}/${idOf(stage, name)}/start`, { as, body: '{}' });
const stop = (stage: Stage, name: string, as: Identity, scope: 'maker' | 'admin' = 'maker') =>
  f.call('POST', `${scope === 'maker' ? f.makerFlows(stage) : f.adminFlows(stage)}/${idOf(stage, name)}/stop`, { as, body: '{}' });

/** The flow row as Dataverse returns it. */
async function dvFlow(stage: Stage, name: string): Promise<Record<string, unknown>> {
  const res = await h.dv(stage, 'GET', `workflows(${idOf(stage, name)})?$select=statecode,statuscode,_modifiedby_value,_modifiedonbehalfby_value,modifiedon,versionnumber`, { as: rm });
  expect(res.status, res.text).toBe(200);
  return res.json();
}

/** The healthy connection of a connector owned by a user in an environment. */
function connectionOf(stage: Stage, apiName: string, role: string): string {
  const owner = h.oid({ user: role });
  const c = store()
    .connectionsIn(h.env(stage).id)
    .find((x) => x.apiName === apiName && x.createdBy === owner && x.status.kind === 'Connected');
  if (!c) throw new Error(`no ${apiName} connection of ${role} in ${stage}`);
  return c.name;
}

/** Wires every reference to the service account's connections: the SPN impersonating the account through Dataverse. */
async function wireAllAsServiceAccount(stage: Stage): Promise<void> {
  for (const ref of store().rows(h.env(stage), 'connectionreference')) {
    const apiName = String(ref['connectorid']).split('/').pop() ?? '';
    const res = await h.dv(stage, 'PATCH', `connectionreferences(${String(ref['connectionreferenceid'])})`, {
      as: spn,
      headers: { 'if-match': '*', callerobjectid: h.oid(svc) },
      body: { connectionid: connectionOf(stage, apiName, 'serviceAccount') },
    });
    expect(res.status, res.text).toBe(204);
  }
}

/** Makes a user the flow's owner through Dataverse, as the SPN (System Administrator in Dev, Test, UAT). */
async function assignTo(stage: Stage, name: string, who: { user: string }): Promise<void> {
  const res = await h.dv(stage, 'PATCH', `workflows(${idOf(stage, name)})`, {
    as: spn,
    headers: { 'if-match': '*' },
    body: { 'ownerid@odata.bind': `/systemusers(${systemUserId(stage, h.oid(who))})` },
  });
  expect(res.status, res.text).toBe(204);
}

const missing = (logicalName: string) => ({
  code: 'XrmConnectionReferenceMissingConnection',
  message: `Connection Id missing for connection reference logical name '${logicalName}'.`,
});
const forbidden = (oid: string, api: string, connection: string) => ({
  code: 'ConnectionAuthorizationFailed',
  message: `The caller object id is '${oid}'. Connection '/providers/Microsoft.PowerApps/apis/${api}/connections/${connection}' to '${api}' cannot be used to activate this flow, either because this is not a valid connection or because it is not a connection you have access permission for. Either replace the connection with a valid connection you can access or have the connection owner activate the flow, so the connection is shared with you in the context of this flow.`,
});
const neverPublished = (id: string) => ({
  code: 'ChildFlowNeverPublished',
  message: `The workflow with id '${id}' cannot be used as a child workflow because it has never been published. Child workflows need to be published at least once before they can be included in a published parent workflow.`,
});

describe('start', () => {
  it('turns a flow on with 200 and no body; Dataverse then reads it as on, changed by the caller', async () => {
    await wireAllAsServiceAccount('test');
    const before = await dvFlow('test', 'Child – Post Teams notification');
    // In Test the service account shared Teams with the pipeline SPN, which owns the imported flows.
    const res = await start('test', 'Child – Post Teams notification', spn);
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe('');
    const after = await dvFlow('test', 'Child – Post Teams notification');
    expect(after).toMatchObject({ statecode: 1, statuscode: 2, _modifiedby_value: systemUserId('test', h.oid(spn)), _modifiedonbehalfby_value: null });
    expect(Number(after['versionnumber'])).toBeGreaterThan(Number(before['versionnumber']));
    expect(Date.parse(String(after['modifiedon']))).toBeGreaterThan(Date.parse(String(before['modifiedon'])));
    const flow = await f.call('GET', `${f.makerFlows('test')}/${idOf('test', 'Child – Post Teams notification')}`, { as: spn });
    expect(flow.json()).toMatchObject({ properties: { state: 'Started' } });
  });

  it('changes exactly the columns a Dataverse PATCH changes', async () => {
    await wireAllAsServiceAccount('test');
    const changed = (before: Row, after: Row) => Object.keys(after).filter((k) => after[k] !== before[k]).sort();
    const viaFlowBefore = { ...flowRow(h, 'test', 'Child – Post Teams notification') };
    expect((await start('test', 'Child – Post Teams notification', spn)).status).toBe(200);
    const viaFlow = changed(viaFlowBefore, flowRow(h, 'test', 'Child – Post Teams notification'));
    const viaDvBefore = { ...flowRow(h, 'test', 'Child – Write audit record') };
    const patch = await h.dv('test', 'PATCH', `workflows(${idOf('test', 'Child – Write audit record')})`, { as: spn, body: { statecode: 1, statuscode: 2 } });
    expect(patch.status, patch.text).toBe(204);
    expect(viaFlow).toEqual(changed(viaDvBefore, flowRow(h, 'test', 'Child – Write audit record')));
    expect(viaFlow).toEqual(['modifiedon', 'statecode', 'statuscode', 'versionnumber']);
    expect(h.env('test').internals.publishedFlowIds).toContain(idOf('test', 'Child – Post Teams notification'));
  });

  it('publishes for Dataverse too: a child started through the Flow API lets its parent turn on through Dataverse', async () => {
    await wireAllAsServiceAccount('test');
    const parent = () =>
      h.dv('test', 'PATCH', `workflows(${idOf('test', 'Order intake – notify sales')})`, { as: spn, body: { statecode: 1, statuscode: 2 } });
    expect(dvError(await parent()).message).toContain('ChildFlowNeverPublished');
    expect((await start('test', 'Child – Post Teams notification', spn)).status).toBe(200);
    expect((await parent()).status).toBe(204);
  });

  it('succeeds for the connection owner once the flow is theirs (after being refused while it is not)', async () => {
    await wireAllAsServiceAccount('test');
    // Purchase order sync uses the ERP and SQL connections, shared with nobody: only their owner can turn it on.
    expect(flowError(await start('test', 'Purchase order sync', svc))).toMatchObject({ status: 403, code: 'ConnectionAuthorizationFailed' });
    expect(flowError(await start('test', 'Purchase order sync', svc)).message).toContain("under Api 'shared_logicflows'");
    await assignTo('test', 'Purchase order sync', svc);
    const res = await start('test', 'Purchase order sync', svc);
    expect(res.status, res.text).toBe(200);
    expect(await dvFlow('test', 'Purchase order sync')).toMatchObject({ statecode: 1, statuscode: 2, _modifiedby_value: systemUserId('test', h.oid(svc)) });
  });

  it('turns the quirky flow on and off by its listed name and by its workflowid', async () => {
    // In contoso (seed 1) the flow listed under another name is "New ERP customer to Dataverse".
    const quirky = 'New ERP customer to Dataverse';
    const alias = aliasName(idOf('dev', quirky));
    expect(items(await f.call('GET', f.adminFlows('dev'), { as: rm })).find((i) => i.properties.workflowEntityId === idOf('dev', quirky))?.name).toBe(alias);
    expect((await f.call('POST', `${f.makerFlows('dev')}/${alias}/stop`, { as: { user: 'maker' }, body: '{}' })).status).toBe(200);
    expect(flowRow(h, 'dev', quirky)['statecode']).toBe(0);

    await wireAllAsServiceAccount('test');
    expect((await start('test', 'Child – Write audit record', spn)).status).toBe(200);
    await assignTo('test', quirky, svc);
    const res = await f.call('POST', `${f.makerFlows('test')}/${alias}/start`, { as: svc, body: '{}' });
    expect(res.status, res.text).toBe(200);
    expect(await dvFlow('test', quirky)).toMatchObject({ statecode: 1, statuscode: 2 });
    expect((await stop('test', quirky, svc)).status).toBe(200);
    expect(flowRow(h, 'test', quirky)['statecode']).toBe(0);
  });

  it('turns on through the admin route as a Power Platform admin (a Dataverse-only flow needs no wiring)', async () => {
    const res = await start('prod', 'Archive closed cases', rm, 'admin');
    expect(res.status, res.text).toBe(200);
    expect(await dvFlow('prod', 'Archive closed cases')).toMatchObject({ statecode: 1, statuscode: 2, _modifiedby_value: systemUserId('prod', h.oid(rm)) });
  });

  it('starting a flow that is on changes nothing', async () => {
    const before = await dvFlow('dev', 'Invoice approval');
    const res = await start('dev', 'Invoice approval', { user: 'maker' });
    expect(res.status).toBe(200);
    expect(await dvFlow('dev', 'Invoice approval')).toEqual(before);
  });
});

describe('activation errors, in the Flow service’s shape', () => {
  it('refuses an unwired reference: 400 XrmConnectionReferenceMissingConnection', async () => {
    expect(flowError(await start('test', 'Child – Post Teams notification', spn))).toEqual({ status: 400, ...missing('cont_sharedteams_2b7a4') });
    expect(flowRow(h, 'test', 'Child – Post Teams notification')['statecode']).toBe(0);
  });

  it('refuses a connection the caller may not use: 403 ConnectionAuthorizationFailed naming the caller', async () => {
    await wireAllAsServiceAccount('test');
    const teams = connectionOf('test', 'shared_teams', 'serviceAccount');
    // Adele administers Test (so the maker route lets her act) but nobody shared the Teams connection with her.
    expect(flowError(await start('test', 'Child – Post Teams notification', rm))).toEqual({ status: 403, ...forbidden(h.oid(rm), 'shared_teams', teams) });
  });

  it('refuses a parent whose child was never published: 400 ChildFlowNeverPublished', async () => {
    await wireAllAsServiceAccount('test');
    // Outlook and Dataverse are shared with the SPN in Test; only the Teams child blocks.
    expect(flowError(await start('test', 'Order intake – notify sales', spn))).toEqual({ status: 400, ...neverPublished(idOf('test', 'Child – Post Teams notification')) });
  });

  it('reports several failures as 400 MultipleErrorsOccurred with details', async () => {
    expect(flowError(await start('test', 'Weekly operations report', spn))).toEqual({
      status: 400,
      code: 'MultipleErrorsOccurred',
      message: "Multiple errors occurred: 'BadRequest,BadRequest'. Please see details.",
      details: [missing('cont_sharedsql_9a1b6'), missing('cont_sharedoffice365_b41e7')],
    });
    await wireAllAsServiceAccount('test');
    const erp = connectionOf('test', 'shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04', 'serviceAccount');
    expect(flowError(await start('test', 'Vendor onboarding', spn))).toEqual({
      status: 400,
      code: 'MultipleErrorsOccurred',
      message: "Multiple errors occurred: 'Forbidden,BadRequest'. Please see details.",
      details: [forbidden(h.oid(spn), 'shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04', erp), neverPublished(idOf('test', 'Child – Request manager approval'))],
    });
  });

  it('says exactly what Dataverse embeds in its 0x80060467 wrapper for the same refusal', async () => {
    const viaFlow = (await start('test', 'Weekly operations report', spn)).json();
    const viaDv = await h.dv('test', 'PATCH', `workflows(${idOf('test', 'Weekly operations report')})`, { as: spn, body: { statecode: 1, statuscode: 2 } });
    expect(dvError(viaDv).message).toBe(`Flow client error returned with status code "BadRequest" and details "${JSON.stringify(viaFlow)}".`);
  });

  it('with --legacy-spn refuses the application user (BapListServicePlansFailed)', async () => {
    await wireAllAsServiceAccount('test');
    h.sb.ctx.switches.legacySpn = true;
    const res = await start('test', 'Child – Post Teams notification', spn);
    expect(flowError(res)).toMatchObject({ status: 400, code: 'BapListServicePlansFailed' });
    expect(JSON.parse(flowError(res).message)).toEqual({
      error: { code: 'MissingUserDetails', message: `The user details for tenant id '${h.sb.tenantId}' and principal id '${h.oid(spn)}' doesn't exist.` },
    });
  });
});

describe('stop', () => {
  it('turns a flow off whatever its connections; Dataverse reads it as off; stopping again changes nothing', async () => {
    const res = await stop('dev', 'Purchase order sync', { user: 'maker' });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe('');
    const after = await dvFlow('dev', 'Purchase order sync');
    expect(after).toMatchObject({ statecode: 0, statuscode: 1, _modifiedby_value: systemUserId('dev', h.oid({ user: 'maker' })) });
    expect((await stop('dev', 'Purchase order sync', { user: 'maker' })).status).toBe(200);
    expect(await dvFlow('dev', 'Purchase order sync')).toEqual(after);
    // Off once, it stays published: turning it back on is judged on its connections (the ERP one dangles).
    expect(flowError(await start('dev', 'Purchase order sync', { user: 'maker' }))).toMatchObject({
      status: 400,
      code: 'MultipleErrorsOccurred',
      message: "Multiple errors occurred: 'Forbidden,Forbidden'. Please see details.",
    });
  });

  it('as a management app without a systemuser in the environment records the org’s SYSTEM user', async () => {
    const res = await stop('default', 'Remind me of release notes', spn, 'admin');
    expect(res.status, res.text).toBe(200);
    const system = store().rows(h.env('default'), 'systemuser').find((u) => u['fullname'] === 'SYSTEM');
    expect(flowRow(h, 'default', 'Remind me of release notes')).toMatchObject({ statecode: 0, statuscode: 1, modifiedby: system?.['systemuserid'] });
  });

  it('refuses makers the flows they may not manage, as for reads', async () => {
    const res = await stop('dev', 'Invoice approval', svc);
    expect(flowError(res)).toEqual({
      status: 403,
      code: 'ConnectionAuthorizationFailed',
      message: `The caller with object id '${h.oid(svc)}' does not have permission for connection '${idOf('dev', 'Invoice approval')}' under Api 'shared_logicflows'.`,
    });
    expect(flowRow(h, 'dev', 'Invoice approval')['statecode']).toBe(1);
  });
});
