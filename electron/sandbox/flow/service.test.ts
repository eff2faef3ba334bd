import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POWERAPPS_AUDIENCE } from '../entra/resources';
import { createHash, randomUUID } from 'node:crypto';
import { startHarness, type Harness } from '../test-support/harness';
import { aliasName } from './names';
import { createFlowService } from './service';
import { flowApi, flowError, flowRow, items, type FlowApi, type FlowItem, type Stage } from './testkit';

/** The Flow API's read side over real HTTPS: routes, shapes, names, permissions, paging, 401s, headers. */

let h: Harness;
let f: FlowApi;
const spn = { app: 'pipeline' } as const;
const rm = { user: 'releaseManager' } as const;
const maker = { user: 'maker' } as const;
const svc = { user: 'serviceAccount' } as const;
const withSolutions = 'include=includeSolutionCloudFlows';

beforeAll(async () => {
  h = await startHarness();
  f = flowApi(h);
});
afterAll(async () => {
  await h.close();
});

const store = () => h.sb.ctx.store;
const cloudRows = (stage: Stage) => store().rows(h.env(stage), 'workflow').filter((w) => w['category'] === 5);
const names = (res: { json(): Record<string, unknown> }) => items(res as never).map((i) => i.properties.displayName).sort();

const LIST_PROPERTIES = [
  'apiId', 'displayName', 'state', 'connectionReferences', 'createdTime', 'lastModifiedTime', 'flowSuspensionReason', 'environment',
  'definitionSummary', 'creator', 'provisioningMethod', 'flowFailureAlertSubscribed', 'isManaged', 'workflowEntityId',
];
const GET_ONLY = ['definition', 'plan', 'installedConnectionReferences', 'installationStatus', 'referencedResources'];

describe('lists', () => {
  it('lists the caller’s solution flows with include=includeSolutionCloudFlows, in the platform’s shape', async () => {
    const res = await f.call('GET', f.makerFlows('test'), { as: spn, query: withSolutions });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.json())).toEqual(['value']);
    const list = items(res);
    const env = h.env('test');
    expect(list).toHaveLength(16);
    for (const item of list) {
      expect(Object.keys(item)).toEqual(['name', 'id', 'type', 'properties']);
      expect(item.id).toBe(`/providers/Microsoft.ProcessSimple/environments/${env.id}/flows/${item.name}`);
      expect(item.type).toBe('Microsoft.ProcessSimple/environments/flows');
      const keys = Object.keys(item.properties);
      for (const k of [...LIST_PROPERTIES, 'userType', 'sharingType']) expect(keys).toContain(k);
      for (const k of GET_ONLY) expect(keys).not.toContain(k);
      expect(item.properties).toMatchObject({
        apiId: '/providers/Microsoft.PowerApps/apis/shared_logicflows',
        userType: 'Owner',
        state: 'Stopped',
        flowSuspensionReason: 'None',
        provisioningMethod: 'FromDefinition',
        isManaged: true,
        sharingType: 'CommonDataService',
        environment: { name: env.id, type: 'Microsoft.ProcessSimple/environments', id: `/providers/Microsoft.ProcessSimple/environments/${env.id}` },
        creator: { tenantId: h.sb.tenantId, objectId: h.oid(spn), userId: h.oid(spn), userType: 'ServicePrincipal' },
      });
      expect(item.properties['createdTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    }
  });

  it('maps workflowEntityId to the Dataverse workflowid of every cloud flow, in every environment', async () => {
    for (const stage of ['dev', 'test', 'uat', 'prod', 'default'] as const) {
      const list = items(await f.call('GET', f.adminFlows(stage), { as: rm }));
      const rows = cloudRows(stage);
      expect(list.map((i) => i.properties.workflowEntityId).sort()).toEqual(rows.map((r) => String(r['workflowid'])).sort());
      for (const item of list) {
        const row = rows.find((r) => r['workflowid'] === item.properties.workflowEntityId);
        expect(item.properties.displayName).toBe(row?.['name']);
        expect(item.properties.state).toBe(row?.['statecode'] === 1 ? 'Started' : 'Stopped');
      }
    }
  });

  it('without include, maker lists leave solution flows out; personal equals the default and team is empty', async () => {
    expect(names(await f.call('GET', f.makerFlows('dev'), { as: maker }))).toEqual(['My test flow (personal)']);
    expect(names(await f.call('GET', f.makerFlows('dev'), { as: maker, query: "$filter=search('personal')" }))).toEqual(['My test flow (personal)']);
    expect(items(await f.call('GET', f.makerFlows('dev'), { as: maker, query: "$filter=search('team')&" + withSolutions }))).toEqual([]);
    expect(items(await f.call('GET', f.makerFlows('dev'), { as: maker, query: withSolutions }))).toHaveLength(17);
    expect(items(await f.call('GET', f.makerFlows('test'), { as: spn }))).toEqual([]);
    const personal = items(await f.call('GET', f.makerFlows('dev'), { as: maker }))[0];
    expect(personal?.properties).not.toHaveProperty('sharingType');
    expect(personal?.properties.workflowEntityId).toBe(flowRow(h, 'dev', 'My test flow (personal)')['workflowid']);
  });

  it('maker lists hold only the caller’s own flows, even for a System Administrator', async () => {
    // Adele is System Administrator in Test but owns none of its flows (the pipeline imported them).
    expect(items(await f.call('GET', f.makerFlows('test'), { as: rm, query: withSolutions }))).toEqual([]);
    expect(names(await f.call('GET', f.makerFlows('default'), { as: rm }))).toEqual(['Remind me of release notes']);
  });

  it('admin lists hold every cloud flow (never classic processes), in the scopes/admin and v2 forms', async () => {
    const admin = await f.call('GET', f.adminFlows('dev'), { as: rm });
    const v2 = await f.call('GET', `/scopes/admin/environments/${h.env('dev').id}/v2/flows`, { as: rm });
    expect(admin.status).toBe(200);
    expect(items(admin)).toHaveLength(17);
    expect(names(v2)).toEqual(names(admin));
    expect(names(admin)).not.toContain('Account: set credit hold');
    for (const item of items(admin)) expect(item.properties).not.toHaveProperty('userType');
    // A management application (the pipeline SPN) may use admin routes too.
    expect(items(await f.call('GET', f.adminFlows('prod'), { as: spn }))).toHaveLength(16);
  });

  it('addresses the default environment by Default-{tenantId}', async () => {
    const env = h.env('default');
    expect(env.id).toBe(`Default-${h.sb.tenantId}`);
    const res = await f.call('GET', `/scopes/admin/environments/Default-${h.sb.tenantId}/flows`, { as: rm });
    expect(names(res)).toEqual(['Remind me of release notes']);
    expect(items(res)[0]?.properties).toMatchObject({ state: 'Started', isManaged: false, creator: { objectId: h.oid(rm), userType: 'ActiveDirectory' } });
  });
});

describe('one flow', () => {
  it('answers GET with the definition, the connections and the installation details', async () => {
    const row = flowRow(h, 'dev', 'Weekly operations report');
    const res = await f.call('GET', `${f.makerFlows('dev')}/${String(row['workflowid'])}`, { as: maker });
    expect(res.status, res.text).toBe(200);
    const flow = res.json() as unknown as FlowItem;
    const keys = Object.keys(flow.properties);
    for (const k of [...LIST_PROPERTIES, ...GET_ONLY, 'userType', 'sharingType']) expect(keys).toContain(k);
    const clientdata = JSON.parse(String(row['clientdata'])) as { properties: { definition: unknown } };
    expect(flow.properties['definition']).toEqual(clientdata.properties.definition);
    expect(flow.properties).toMatchObject({ state: 'Started', isManaged: false, plan: 'NotSpecified', installationStatus: 'Installed', referencedResources: [] });
    expect(flow.properties['definitionSummary']).toEqual({
      triggers: [{ type: 'Recurrence' }],
      actions: [
        { type: 'OpenApiConnection', swaggerOperationId: 'GetItems_V2' },
        { type: 'OpenApiConnection', swaggerOperationId: 'SendEmailV2' },
      ],
    });
    const refs = (logicalName: string) => store().rows(h.env('dev'), 'connectionreference').find((r) => r['connectionreferencelogicalname'] === logicalName);
    expect(flow.properties['connectionReferences']).toEqual({
      shared_sql: {
        connectionName: refs('cont_sharedsql_9a1b6')?.['connectionid'],
        source: 'Embedded',
        id: '/providers/Microsoft.PowerApps/apis/shared_sql',
        displayName: 'SQL Server',
        iconUri: 'https://connectoricons-prod.azureedge.net/releases/v1.0.1682/1.0.1682.3671/sql/icon.png',
        brandColor: '#BA141A',
        tier: 'Premium',
        connectionReferenceLogicalName: 'cont_sharedsql_9a1b6',
      },
      shared_office365: expect.objectContaining({ connectionName: refs('cont_sharedoffice365_b41e7')?.['connectionid'], connectionReferenceLogicalName: 'cont_sharedoffice365_b41e7' }) as unknown,
    });
    const installed = flow.properties['installedConnectionReferences'] as Record<string, { apiDefinition: unknown }>;
    expect(Object.keys(installed)).toEqual(['shared_sql', 'shared_office365']);
    expect(installed['shared_sql']?.apiDefinition).toMatchObject({ name: 'shared_sql', id: '/providers/Microsoft.PowerApps/apis/shared_sql', type: '/providers/Microsoft.PowerApps/apis' });
  });

  it('reports a dangling reference (its connection is gone) in connectionReferences but not as installed', async () => {
    const row = flowRow(h, 'dev', 'Purchase order sync');
    const flow = (await f.call('GET', `${f.adminFlows('dev')}/${String(row['workflowid'])}`, { as: rm })).json() as unknown as FlowItem;
    const erp = 'shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04';
    expect((flow.properties['connectionReferences'] as Record<string, unknown>)[erp]).toMatchObject({ displayName: 'Contoso ERP', tier: 'NotSpecified', brandColor: '#007ee5' });
    expect(Object.keys(flow.properties['installedConnectionReferences'] as object)).toEqual(['shared_sql']);
  });

  it('reports an unwired reference without a connectionName, and an invoker one as Invoker', async () => {
    const row = flowRow(h, 'test', 'Request site access');
    const flow = (await f.call('GET', `${f.makerFlows('test')}/${String(row['workflowid'])}`, { as: spn })).json() as unknown as FlowItem;
    const refs = flow.properties['connectionReferences'] as Record<string, Record<string, unknown>>;
    expect(refs['shared_teams']).toMatchObject({ source: 'Invoker', connectionReferenceLogicalName: 'cont_sharedteams_2b7a4' });
    expect(refs['shared_teams']).not.toHaveProperty('connectionName');
    expect(refs['shared_sharepointonline']?.['source']).toBe('Embedded');
    expect(flow.properties['installedConnectionReferences']).toEqual({});
  });

  it('lets a System Administrator GET a flow they do not own on the maker route (without userType)', async () => {
    const row = flowRow(h, 'test', 'Invoice approval');
    const res = await f.call('GET', `${f.makerFlows('test')}/${String(row['workflowid'])}`, { as: rm });
    expect(res.status).toBe(200);
    expect((res.json() as unknown as FlowItem).properties).not.toHaveProperty('userType');
  });
});

describe('Flow-API names versus workflowid', () => {
  it('lists exactly one flow per environment under another name, the same flow everywhere; clients join on workflowEntityId', async () => {
    const quirky = new Set<string>();
    for (const stage of ['dev', 'test', 'uat', 'prod'] as const) {
      const list = items(await f.call('GET', f.adminFlows(stage), { as: rm }));
      const differing = list.filter((i) => i.name !== i.properties.workflowEntityId);
      expect(differing).toHaveLength(1);
      const [one] = differing;
      expect(one?.name).toBe(aliasName(one?.properties.workflowEntityId ?? ''));
      expect(one?.id.endsWith(`/flows/${one.name}`)).toBe(true);
      quirky.add(one?.properties.workflowEntityId ?? '');
    }
    expect(quirky.size).toBe(1);
    // The default environment has no solution flow: its personal flow keeps its workflowid.
    const personal = items(await f.call('GET', f.adminFlows('default'), { as: rm }))[0];
    expect(personal?.name).toBe(personal?.properties.workflowEntityId);
  });

  it('answers GET by either id with the listed name', async () => {
    const list = items(await f.call('GET', f.makerFlows('dev'), { as: maker, query: withSolutions }));
    const one = list.find((i) => i.name !== i.properties.workflowEntityId);
    if (!one) throw new Error('no quirky flow');
    for (const id of [one.name, one.properties.workflowEntityId, one.name.toUpperCase()]) {
      const res = await f.call('GET', `${f.makerFlows('dev')}/${id}`, { as: maker });
      expect(res.status, id).toBe(200);
      expect(res.json()).toMatchObject({ name: one.name, properties: { workflowEntityId: one.properties.workflowEntityId } });
    }
    expect((await f.call('GET', `${f.adminFlows('dev')}/${one.properties.workflowEntityId}`, { as: rm })).json()['name']).toBe(one.name);
  });

  it('derives the name deterministically from the workflowid (no state needed)', () => {
    const id = '2258af0e-1111-4222-8333-444455556666';
    const digest = createHash('sha256').update(`Microsoft.ProcessSimple/flows/${id}`).digest('hex');
    expect(aliasName(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(aliasName(id)).toBe(aliasName(id.toUpperCase()));
    expect(aliasName(id).slice(0, 8)).toBe(digest.slice(0, 8));
  });
});

describe('permissions', () => {
  it('answers a maker who neither owns the flow nor administers the environment as the platform does', async () => {
    const id = String(flowRow(h, 'test', 'Invoice approval')['workflowid']);
    const res = await f.call('GET', `${f.makerFlows('test')}/${id}`, { as: svc });
    expect(flowError(res)).toEqual({
      status: 403,
      code: 'ConnectionAuthorizationFailed',
      message: `The caller with object id '${h.oid(svc)}' does not have permission for connection '${id}' under Api 'shared_logicflows'.`,
    });
  });

  it('answers unknown and malformed flow ids per route: ConnectionAuthorizationFailed (maker), FlowNotFound (admin)', async () => {
    const unknown = randomUUID();
    expect(flowError(await f.call('GET', `${f.makerFlows('dev')}/${unknown}`, { as: maker }))).toEqual({
      status: 403,
      code: 'ConnectionAuthorizationFailed',
      message: `The caller with object id '${h.oid(maker)}' does not have permission for connection '${unknown}' under Api 'shared_logicflows'.`,
    });
    expect(flowError(await f.call('GET', `${f.adminFlows('dev')}/${unknown}`, { as: rm }))).toEqual({ status: 404, code: 'FlowNotFound', message: `Could not find flow '${unknown}'.` });
    expect(flowError(await f.call('POST', `${f.adminFlows('dev')}/not-a-flow/start`, { as: rm, body: '{}' }))).toEqual({
      status: 404,
      code: 'FlowNotFound',
      message: "Could not find flow 'not-a-flow'.",
    });
    expect(flowError(await f.call('GET', `${f.makerFlows('dev')}/not%20a%20flow`, { as: maker })).message).toContain("for connection 'not a flow'");
    // A classic process is a workflow row but not a cloud flow.
    const classic = store().rows(h.env('dev'), 'workflow').find((w) => w['category'] === 0);
    expect(flowError(await f.call('GET', `${f.adminFlows('dev')}/${String(classic?.['workflowid'])}`, { as: rm })).code).toBe('FlowNotFound');
  });

  it('refuses admin routes to callers who are not Power Platform admins', async () => {
    const env = h.env('test').id;
    expect(flowError(await f.call('GET', f.adminFlows('test'), { as: maker }))).toEqual({
      status: 403,
      code: 'EnvironmentAccessDenied',
      message: `Access to the environment '${env}' is denied.`,
    });
    const id = String(flowRow(h, 'test', 'Invoice approval')['workflowid']);
    expect(flowError(await f.call('POST', `${f.adminFlows('test')}/${id}/start`, { as: svc, body: '{}' })).code).toBe('EnvironmentAccessDenied');
  });

  it('refuses an environment the caller has no systemuser in, and an unknown one', async () => {
    // The pipeline SPN has no application user in the default environment; analytics has none anywhere.
    const def = h.env('default').id;
    expect(flowError(await f.call('GET', f.makerFlows('default'), { as: spn }))).toEqual({ status: 403, code: 'EnvironmentAccessDenied', message: `Access to the environment '${def}' is denied.` });
    expect(flowError(await f.call('GET', f.makerFlows('dev'), { as: { app: 'analytics' } })).code).toBe('EnvironmentAccessDenied');
    const unknown = randomUUID();
    for (const path of [`/environments/${unknown}/flows`, `/scopes/admin/environments/${unknown}/flows`]) {
      expect(flowError(await f.call('GET', path, { as: rm }))).toEqual({ status: 403, code: 'EnvironmentAccessDenied', message: `Access to the environment '${unknown}' is denied.` });
    }
  });
});

describe('paging', () => {
  it('pages by $top with a top-level nextLink that keeps the query; following it yields every flow once', async () => {
    const all = items(await f.call('GET', f.adminFlows('dev'), { as: rm }));
    const token = await h.token(rm, 'https://service.flow.microsoft.com/');
    let url: string | undefined = f.url(f.adminFlows('dev'), '$top=5');
    const seen: string[] = [];
    const sizes: number[] = [];
    while (url) {
      const res = await h.raw('GET', url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, res.text).toBe(200);
      const body = res.json() as { value: FlowItem[]; nextLink?: string };
      sizes.push(body.value.length);
      seen.push(...body.value.map((i) => i.name));
      if (body.nextLink) {
        expect(body.nextLink).toMatch(new RegExp(`^${h.base}/flow/providers/Microsoft\\.ProcessSimple/scopes/admin/environments/[^/]+/flows\\?api-version=2016-11-01&\\$top=5&\\$skiptoken=[A-Za-z0-9_-]+$`));
      }
      url = body.nextLink;
    }
    expect(sizes).toEqual([5, 5, 5, 2]);
    expect(seen).toEqual(all.map((i) => i.name));
    expect(new Set(seen).size).toBe(17);
  });

  it('keeps $filter and include on the maker route’s next link', async () => {
    const res = await f.call('GET', f.makerFlows('dev'), { as: maker, query: `$filter=search('personal')&${withSolutions}&$top=10` });
    const nextLink = String(res.json()['nextLink']);
    expect(decodeURIComponent(nextLink)).toContain("$filter=search('personal')&include=includeSolutionCloudFlows&$top=10&$skiptoken=");
    const next = await h.raw('GET', nextLink, { headers: { authorization: `Bearer ${await h.token(maker, 'https://service.flow.microsoft.com/')}` } });
    expect(items(next)).toHaveLength(7);
    expect(next.json()).not.toHaveProperty('nextLink');
  });

  it('uses the service’s default page size without $top, and refuses a forged skip token', async () => {
    const unpaged = await f.call('GET', f.adminFlows('dev'), { as: rm });
    expect(unpaged.json()).not.toHaveProperty('nextLink');
    const service = createFlowService(h.sb.ctx, { pageSize: 4 });
    const token = await h.token(rm, 'https://service.flow.microsoft.com/');
    const path = `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${h.env('dev').id}/flows`;
    const res = await service({
      method: 'GET',
      url: new URL(`${h.base}/flow${path}?api-version=2016-11-01`),
      path,
      headers: { authorization: `Bearer ${token}` },
      body: Buffer.alloc(0),
      remoteAddress: '127.0.0.1',
      requestId: randomUUID(),
    });
    const body = JSON.parse(String(res.body)) as { value: unknown[]; nextLink?: string };
    expect(body.value).toHaveLength(4);
    expect(body.nextLink).toContain('$skiptoken=');
    expect(flowError(await f.call('GET', f.adminFlows('dev'), { as: rm, query: '$skiptoken=bogus' }))).toEqual({ status: 400, code: 'InvalidSkipToken', message: "The skip token 'bogus' is not valid." });
  });
});

describe('protocol', () => {
  it('answers a missing token with the gateways\' 401 and a challenge', async () => {
    const res = await f.call('GET', f.adminFlows('dev'));
    expect(flowError(res)).toEqual({ status: 401, code: 'MissingAuthorizationHeaderAndClientCertificate', message: 'A client certificate or authorization header was not provided.' });
    expect(res.headers['www-authenticate']).toBe(
      `Bearer authorization_uri="${h.base}/login/common/oauth2/authorize", error="invalid_token", error_description="A client certificate or authorization header was not provided."`,
    );
  });

  it('answers a token for another audience with 401 InvalidAuthenticationAudience naming it', async () => {
    const token = await h.token(rm, POWERAPPS_AUDIENCE);
    const res = await h.raw('GET', f.url(f.adminFlows('dev')), { headers: { authorization: `Bearer ${token}` } });
    expect(flowError(res)).toEqual({
      status: 401,
      code: 'InvalidAuthenticationAudience',
      message: `The received access token has been obtained from wrong audience or resource '${POWERAPPS_AUDIENCE}'. It should exactly match (including forward slash) with one of the allowed audiences 'https://service.flow.microsoft.com/'.`,
    });
  });

  it('answers a malformed or tampered token with 401 InvalidAuthenticationToken', async () => {
    const token = await h.token(rm, 'https://service.flow.microsoft.com/');
    for (const bad of ['not-a-jwt', `${token.slice(0, -4)}AAAA`]) {
      const res = await h.raw('GET', f.url(f.adminFlows('dev')), { headers: { authorization: `Bearer ${bad}` } });
      expect(flowError(res)).toEqual({ status: 401, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' });
    }
  });

  it('requires api-version, and answers unknown routes and wrong methods', async () => {
    expect(flowError(await f.call('GET', f.adminFlows('dev'), { as: rm, noApiVersion: true }))).toEqual({
      status: 400,
      code: 'MissingApiVersionParameter',
      message: 'The api-version query parameter (?api-version=) is required for all requests.',
    });
    const id = String(flowRow(h, 'dev', 'Invoice approval')['workflowid']);
    expect(flowError(await f.call('GET', `${f.makerFlows('dev')}/${id}/runs`, { as: maker })).status).toBe(404);
    expect(flowError(await f.call('GET', `/environments/${h.env('dev').id}/v2/flows`, { as: maker })).code).toBe('RouteNotFound');
    expect(flowError(await f.call('DELETE', `${f.makerFlows('dev')}/${id}`, { as: maker }))).toEqual({
      status: 405,
      code: 'MethodNotAllowed',
      message: "The requested resource does not support http method 'DELETE'.",
    });
    expect(flowError(await f.call('GET', `${f.makerFlows('dev')}/${id}/start`, { as: maker })).status).toBe(405);
  });

  it('carries the Flow service’s request and correlation headers, echoing the client’s correlation id', async () => {
    const res = await f.call('GET', f.makerFlows('dev'), { as: maker });
    for (const name of ['x-ms-request-id', 'x-ms-correlation-request-id', 'x-ms-correlation-id', 'x-ms-service-request-id']) {
      expect(res.headers[name], name).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(res.headers['x-ms-flow-routing-request-id']).toMatch(/^[A-Z]+:\d{8}T\d{6}Z:[0-9a-f-]{36}$/);
    const correlation = randomUUID();
    const echoed = await f.call('GET', f.makerFlows('dev'), { as: maker, headers: { 'x-ms-client-request-id': correlation } });
    expect(echoed.headers['x-ms-correlation-request-id']).toBe(correlation);
    const refused = await f.call('GET', f.adminFlows('dev'));
    expect(refused.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs the caller of each request', async () => {
    await h.control('DELETE', 'log');
    await f.call('GET', f.makerFlows('dev'), { as: maker });
    const { entries } = (await h.control('GET', 'log')).json() as unknown as { entries: { service: string; caller: string }[] };
    expect(entries.some((e) => e.service === 'flow' && e.caller === h.oid(maker))).toBe(true);
  });
});
