import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../model';
import { dvError, startHarness, type Harness } from '../test-support/harness';

/** The platform's rules for wiring, activation and impersonation, with their exact error texts. */

let h: Harness;
const spn = { app: 'pipeline' } as const;
const rm = { user: 'releaseManager' } as const;
type Stage = 'dev' | 'test' | 'uat' | 'prod';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  await h.control('POST', 'reset');
  Object.assign(h.sb.ctx.switches, { legacySpn: false, childFlowBlocksWhen: 'never-published', forbiddenWrapperStatus: 400 });
});

const store = () => h.sb.ctx.store;
const flow = (stage: Stage, name: string): Row => {
  const row = store().rows(h.env(stage), 'workflow').find((w) => w['name'] === name);
  if (!row) throw new Error(`no flow ${name}`);
  return row;
};
const reference = (stage: Stage, logicalName: string): Row => {
  const row = store().rows(h.env(stage), 'connectionreference').find((r) => r['connectionreferencelogicalname'] === logicalName);
  if (!row) throw new Error(`no reference ${logicalName}`);
  return row;
};
/** The healthy connection of a connector owned by a user (by role) in an environment. */
const connectionOf = (stage: Stage, apiName: string, role: string): string => {
  const owner = h.oid({ user: role });
  const c = store()
    .connectionsIn(h.env(stage).id)
    .find((x) => x.apiName === apiName && x.createdBy === owner && x.status.kind === 'Connected');
  if (!c) throw new Error(`no ${apiName} connection of ${role} in ${stage}`);
  return c.name;
};
const asOwner = (role: string) => ({ callerobjectid: h.oid({ user: role }) });

const turnOn = (stage: Stage, name: string, options: { as?: { app: 'pipeline' } | { user: string }; headers?: Record<string, string> } = {}) =>
  h.dv(stage, 'PATCH', `workflows(${String(flow(stage, name)['workflowid'])})`, {
    as: options.as ?? spn,
    headers: { 'if-match': '*', ...options.headers },
    body: { statecode: 1, statuscode: 2 },
  });

const wire = (stage: Stage, logicalName: string, connectionId: string | null, options: { as?: { app: 'pipeline' } | { user: string }; headers?: Record<string, string> } = {}) =>
  h.dv(stage, 'PATCH', `connectionreferences(${String(reference(stage, logicalName)['connectionreferenceid'])})`, {
    as: options.as ?? spn,
    headers: { 'if-match': '*', ...options.headers },
    body: { connectionid: connectionId },
  });

/** Wires every reference of the solution in an environment to the service account's connections. */
async function wireAllAsServiceAccount(stage: Stage): Promise<void> {
  for (const ref of store().rows(h.env(stage), 'connectionreference')) {
    const apiName = String(ref['connectorid']).split('/').pop() ?? '';
    const res = await wire(stage, String(ref['connectionreferencelogicalname']), connectionOf(stage, apiName, 'serviceAccount'), { headers: asOwner('serviceAccount') });
    expect(res.status, res.text).toBe(204);
  }
}

const wrapped = (status: string, inner: unknown): string => `Flow client error returned with status code "${status}" and details "${JSON.stringify(inner)}".`;

describe('activation', () => {
  it('refuses an unwired flow with XrmConnectionReferenceMissingConnection, exactly', async () => {
    const res = await turnOn('test', 'Weekly operations report', { headers: asOwner('serviceAccount') });
    expect(dvError(res)).toEqual({
      status: 400,
      code: '0x80060467',
      message: wrapped('BadRequest', {
        error: {
          code: 'MultipleErrorsOccurred',
          message: "Multiple errors occurred: 'BadRequest,BadRequest'. Please see details.",
          details: [
            { code: 'XrmConnectionReferenceMissingConnection', message: "Connection Id missing for connection reference logical name 'cont_sharedsql_9a1b6'." },
            { code: 'XrmConnectionReferenceMissingConnection', message: "Connection Id missing for connection reference logical name 'cont_sharedoffice365_b41e7'." },
          ],
        },
      }),
    });
    expect(flow('test', 'Weekly operations report')['statecode']).toBe(0);
  });

  it('reports a single missing connection without the Multiple wrapper', async () => {
    const res = await turnOn('test', 'Child – Post Teams notification', { headers: asOwner('serviceAccount') });
    expect(dvError(res).message).toBe(
      wrapped('BadRequest', { error: { code: 'XrmConnectionReferenceMissingConnection', message: "Connection Id missing for connection reference logical name 'cont_sharedteams_2b7a4'." } }),
    );
  });

  it('turns a flow on once wired, impersonating the connection owner, and records who did it', async () => {
    await wireAllAsServiceAccount('test');
    const res = await turnOn('test', 'Weekly operations report', { headers: asOwner('serviceAccount') });
    expect(res.status, res.text).toBe(204);
    const row = flow('test', 'Weekly operations report');
    const env = h.env('test');
    const users = store().rows(env, 'systemuser');
    const idOf = (oid: string) => String(users.find((u) => u['azureactivedirectoryobjectid'] === oid)?.['systemuserid']);
    expect({ state: row['statecode'], status: row['statuscode'] }).toEqual({ state: 1, status: 2 });
    expect(row['modifiedby']).toBe(idOf(h.oid({ user: 'serviceAccount' })));
    expect(row['modifiedonbehalfby']).toBe(idOf(h.oid(spn)));
  });

  it('refuses a connection the activating identity neither owns nor was shared, naming its object id', async () => {
    await wireAllAsServiceAccount('test');
    const sql = connectionOf('test', 'shared_sql', 'serviceAccount');
    const notify = reference('test', 'cont_sharedoffice365_b41e7')['connectionid'] as string;
    const res = await turnOn('test', 'Weekly operations report', { as: rm });
    const oid = h.oid(rm);
    const forbidden = (api: string, conn: string) => ({
      code: 'ConnectionAuthorizationFailed',
      message: `The caller object id is '${oid}'. Connection '/providers/Microsoft.PowerApps/apis/${api}/connections/${conn}' to '${api}' cannot be used to activate this flow, either because this is not a valid connection or because it is not a connection you have access permission for. Either replace the connection with a valid connection you can access or have the connection owner activate the flow, so the connection is shared with you in the context of this flow.`,
    });
    expect(dvError(res)).toEqual({
      status: 400,
      code: '0x80060467',
      message: wrapped('BadRequest', {
        error: {
          code: 'MultipleErrorsOccurred',
          message: "Multiple errors occurred: 'Forbidden,Forbidden'. Please see details.",
          details: [forbidden('shared_sql', sql), forbidden('shared_office365', notify)],
        },
      }),
    });
  });

  it('uses the Forbidden status switch for a lone ConnectionAuthorizationFailed', async () => {
    await wireAllAsServiceAccount('test');
    h.sb.ctx.switches.forbiddenWrapperStatus = 403;
    const res = await turnOn('test', 'Child – Post Teams notification', { as: rm });
    expect(res.status).toBe(403);
    expect(dvError(res).message).toMatch(/^Flow client error returned with status code "Forbidden" and details "\{"error":\{"code":"ConnectionAuthorizationFailed"/);
  });

  it('lets the SPN turn a flow on when every connection is shared with it', async () => {
    await wireAllAsServiceAccount('test');
    // In Test the service account shared Outlook, SharePoint, Teams and Dataverse with the pipeline SPN.
    expect((await turnOn('test', 'Child – Post Teams notification')).status).toBe(204);
    const blocked = await turnOn('test', 'Purchase order sync');
    expect(blocked.status).toBe(400);
    expect(dvError(blocked).message).toContain(`The caller object id is '${h.oid(spn)}'`);
  });

  it('refuses a parent before its children have ever been published, then accepts it after', async () => {
    await wireAllAsServiceAccount('test');
    const parent = flow('test', 'Vendor onboarding');
    const child = flow('test', 'Child – Request manager approval');
    const grandchild = flow('test', 'Child – Post Teams notification');
    const neverPublished = (id: unknown) =>
      wrapped('BadRequest', {
        error: {
          code: 'ChildFlowNeverPublished',
          message: `The workflow with id '${String(id)}' cannot be used as a child workflow because it has never been published. Child workflows need to be published at least once before they can be included in a published parent workflow.`,
        },
      });
    expect(dvError(await turnOn('test', 'Vendor onboarding', { headers: asOwner('serviceAccount') })).message).toBe(neverPublished(child['workflowid']));
    expect(dvError(await turnOn('test', 'Child – Request manager approval', { headers: asOwner('serviceAccount') })).message).toBe(neverPublished(grandchild['workflowid']));
    expect((await turnOn('test', 'Child – Post Teams notification', { headers: asOwner('serviceAccount') })).status).toBe(204);
    expect((await turnOn('test', 'Child – Request manager approval', { headers: asOwner('serviceAccount') })).status).toBe(204);
    expect((await turnOn('test', 'Vendor onboarding', { headers: asOwner('serviceAccount') })).status).toBe(204);
    expect(parent['statecode']).toBe(1);
  });

  it('by default a child that was published once but is off does not block; the switch makes it block', async () => {
    await wireAllAsServiceAccount('test');
    for (const name of ['Child – Post Teams notification', 'Child – Request manager approval']) {
      expect((await turnOn('test', name, { headers: asOwner('serviceAccount') })).status).toBe(204);
    }
    const childId = String(flow('test', 'Child – Request manager approval')['workflowid']);
    expect((await h.dv('test', 'PATCH', `workflows(${childId})`, { as: spn, headers: { 'if-match': '*' }, body: { statecode: 0, statuscode: 1 } })).status).toBe(204);
    h.sb.ctx.switches.childFlowBlocksWhen = 'currently-off';
    expect((await turnOn('test', 'Vendor onboarding', { headers: asOwner('serviceAccount') })).status).toBe(400);
    h.sb.ctx.switches.childFlowBlocksWhen = 'never-published';
    expect((await turnOn('test', 'Vendor onboarding', { headers: asOwner('serviceAccount') })).status).toBe(204);
  });

  it('turns on a flow that uses only the current-environment Dataverse connector without wiring', async () => {
    expect((await turnOn('prod', 'Archive closed cases', { as: rm })).status).toBe(204);
    expect(reference('prod', 'cont_sharedcommondataserviceforapps_7f3c9')['connectionid']).toBeNull();
  });

  it('refuses a dangling reference (its connection id is not in this environment)', async () => {
    // Dev's ERP reference points at a connection that was deleted; turning its flows off and on fails.
    const id = String(flow('dev', 'Purchase order sync')['workflowid']);
    expect((await h.dv('dev', 'PATCH', `workflows(${id})`, { as: rm, body: { statecode: 0 } })).status).toBe(204);
    const res = await turnOn('dev', 'Purchase order sync', { as: rm, headers: asOwner('maker') });
    const dangling = String(reference('dev', 'cont_sharedcontosoerp_3c6f8')['connectionid']);
    expect(dvError(res).message).toContain(`Connection '/providers/Microsoft.PowerApps/apis/shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04/connections/${dangling}'`);
  });

  it('with --legacy-spn an application user cannot turn flows on (BapListServicePlansFailed)', async () => {
    await wireAllAsServiceAccount('test');
    h.sb.ctx.switches.legacySpn = true;
    const res = await turnOn('test', 'Child – Post Teams notification');
    const inner = { error: { code: 'MissingUserDetails', message: `The user details for tenant id '${h.sb.tenantId}' and principal id '${h.oid(spn)}' doesn't exist.` } };
    expect(dvError(res)).toEqual({
      status: 400,
      code: '0x80060467',
      message: wrapped('BadRequest', { error: { code: 'BapListServicePlansFailed', message: JSON.stringify(inner) } }),
    });
    // Impersonating a real user still works, which is why the seed's script impersonates.
    expect((await turnOn('test', 'Child – Post Teams notification', { headers: asOwner('serviceAccount') })).status).toBe(204);
  });

  it('turns flows off whatever their connections, and fills the default status for a lone statecode', async () => {
    const id = String(flow('dev', 'Invoice approval')['workflowid']);
    expect((await h.dv('dev', 'PATCH', `workflows(${id})`, { as: rm, body: { statecode: 0 } })).status).toBe(204);
    expect(flow('dev', 'Invoice approval')['statuscode']).toBe(1);
    const bad = await h.dv('dev', 'PATCH', `workflows(${id})`, { as: rm, body: { statecode: 1, statuscode: 1 } });
    expect(dvError(bad)).toEqual({
      status: 400,
      code: '0x80048408',
      message: `1 is not a valid status code for state code WorkflowState.Activated on workflow with Id ${id}.`,
    });
  });
});

describe('impersonation', () => {
  it('needs the Delegate privilege: the pipeline SPN has it in Test, not in Prod', async () => {
    const res = await turnOn('prod', 'Archive closed cases', { headers: asOwner('serviceAccount') });
    expect(dvError(res)).toEqual({ status: 403, code: '0x8004A110', message: 'User does not have the privilege to act on behalf another user.' });
    const who = await h.dv('test', 'GET', 'WhoAmI', { as: spn, headers: asOwner('serviceAccount') });
    const svc = store().rows(h.env('test'), 'systemuser').find((u) => u['azureactivedirectoryobjectid'] === h.oid({ user: 'serviceAccount' }));
    expect(who.json()['UserId']).toBe(svc?.['systemuserid']);
  });

  it('accepts MSCRMCallerID (systemuserid) and treats naming yourself as no impersonation', async () => {
    const svc = store().rows(h.env('test'), 'systemuser').find((u) => u['azureactivedirectoryobjectid'] === h.oid({ user: 'serviceAccount' }));
    const legacy = await h.dv('test', 'GET', 'WhoAmI', { as: spn, headers: { mscrmcallerid: String(svc?.['systemuserid']) } });
    expect(legacy.json()['UserId']).toBe(svc?.['systemuserid']);
    await wireAllAsServiceAccount('test');
    const self = await turnOn('test', 'Child – Post Teams notification', { headers: { callerobjectid: h.oid(spn) } });
    expect(self.status).toBe(204);
    expect(flow('test', 'Child – Post Teams notification')['modifiedonbehalfby']).toBeNull();
  });

  it('refuses a disabled user, an unknown user and a malformed id', async () => {
    const disabled = await h.dv('dev', 'GET', 'WhoAmI', { as: rm, headers: asOwner('formerEmployee') });
    expect(dvError(disabled)).toMatchObject({ status: 403, code: '0x80040225' });
    expect(dvError(disabled).message).toMatch(/is disabled\. Disabled users cannot access the system\./);
    const unknown = await h.dv('dev', 'GET', 'WhoAmI', { as: rm, headers: { callerobjectid: '00000000-0000-0000-0000-00000000abcd' } });
    expect(dvError(unknown)).toEqual({ status: 404, code: '0x80040217', message: 'systemuser With azureactivedirectoryobjectid = 00000000-0000-0000-0000-00000000abcd Does Not Exist' });
    const malformed = await h.dv('dev', 'GET', 'WhoAmI', { as: rm, headers: { callerobjectid: 'bob' } });
    expect(dvError(malformed)).toEqual({ status: 400, code: '0x80040203', message: "The value 'bob' of the CallerObjectId header is not a valid GUID." });
  });

  it('needs both the caller and the impersonated user to hold a privilege', async () => {
    // The maker is a Basic User in Test: read-only, so the SPN impersonating them cannot write.
    const res = await wire('test', 'cont_sharedteams_2b7a4', null, { headers: asOwner('maker') });
    expect(dvError(res)).toMatchObject({ status: 403, code: '0x80040220' });
    expect(dvError(res).message).toMatch(/is missing prvWriteconnectionreference privilege \(Id=[0-9a-f-]{36}\) on OTC=0 for entity 'connectionreference'\. context\.Caller=/);
  });
});

describe('wiring', () => {
  it('wires when the connection exists here, matches the connector and the identity may use it', async () => {
    const teams = connectionOf('test', 'shared_teams', 'serviceAccount');
    const res = await wire('test', 'cont_sharedteams_2b7a4', teams);
    expect(res.status).toBe(204);
    expect(reference('test', 'cont_sharedteams_2b7a4')['connectionid']).toBe(teams);
  });

  it("refuses a connection id from another environment, another connector's connection, and one it may not use", async () => {
    const devOutlook = connectionOf('dev', 'shared_office365', 'maker');
    expect(dvError(await wire('test', 'cont_sharedoffice365_8c1f2', devOutlook))).toEqual({
      status: 400,
      code: '0x80040203',
      message: `Could not find connection '${devOutlook}' for API 'shared_office365'.`,
    });
    const sql = connectionOf('test', 'shared_sql', 'serviceAccount');
    expect(dvError(await wire('test', 'cont_sharedoffice365_8c1f2', sql)).message).toBe(`Could not find connection '${sql}' for API 'shared_office365'.`);
    const notShared = await wire('test', 'cont_sharedsql_9a1b6', sql);
    expect(dvError(notShared).code).toBe('0x80060467');
    expect(dvError(notShared).message).toContain('ConnectionAuthorizationFailed');
    expect(reference('test', 'cont_sharedsql_9a1b6')['connectionid']).toBeNull();
  });

  it('keeps wiring across a deploy and turns every flow back off', async () => {
    await wireAllAsServiceAccount('uat');
    expect((await turnOn('uat', 'Child – Post Teams notification', { headers: asOwner('serviceAccount') })).status).toBe(204);
    const before = reference('uat', 'cont_sharedteams_2b7a4')['connectionid'];
    const res = await h.control('POST', 'deploy', { environment: 'Contoso UAT', solution: 'ContosoOperations' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ solution: 'ContosoOperations', flowsTurnedOff: 1, added: { connectionReferences: 0, flows: 0, environmentVariables: 0 } });
    expect(reference('uat', 'cont_sharedteams_2b7a4')['connectionid']).toBe(before);
    expect(flow('uat', 'Child – Post Teams notification')['statecode']).toBe(0);
  });
});

describe('$batch', () => {
  it('runs a change set atomically: one refused activation rolls back the wiring before it', async () => {
    const env = h.env('test');
    const base = `${h.base}/orgs/contoso-test/api/data/v9.2`;
    const teams = connectionOf('test', 'shared_teams', 'serviceAccount');
    const refId = String(reference('test', 'cont_sharedteams_2b7a4')['connectionreferenceid']);
    const flowId = String(flow('test', 'Purchase order sync')['workflowid']);
    const body = [
      '--batch_1',
      'Content-Type: multipart/mixed; boundary=changeset_1',
      '',
      '--changeset_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      `PATCH ${base}/connectionreferences(${refId}) HTTP/1.1`,
      'Content-Type: application/json',
      '',
      JSON.stringify({ connectionid: teams }),
      '--changeset_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      `PATCH ${base}/workflows(${flowId}) HTTP/1.1`,
      'Content-Type: application/json',
      '',
      JSON.stringify({ statecode: 1, statuscode: 2 }),
      '--changeset_1--',
      '--batch_1--',
      '',
    ].join('\r\n');
    const res = await h.dv('test', 'POST', '$batch', { as: spn, headers: { 'content-type': 'multipart/mixed; boundary=batch_1', ...asOwner('serviceAccount') }, body });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    expect(res.text).toContain('HTTP/1.1 400 Bad Request');
    expect(res.text).toContain('XrmConnectionReferenceMissingConnection');
    expect(store().row(env, 'connectionreference', refId)?.['connectionid']).toBeNull();
  });

  it('continues on error when asked and reports each part', async () => {
    const body = ['--b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', 'GET WhoAmI HTTP/1.1', '', '', '--b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', 'GET nosuchset HTTP/1.1', '', '', '--b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', 'GET connectionreferences/$count HTTP/1.1', '', '', '--b--', ''].join('\n');
    const res = await h.dv('dev', 'POST', '$batch', { as: rm, headers: { 'content-type': 'multipart/mixed;boundary=b', prefer: 'odata.continue-on-error' }, body });
    expect(res.status).toBe(200);
    const statuses = [...res.text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '404', '200']);
  });
});
