import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, gatewayCall, sortedKeys } from '../bap/testkit';
import type { Connection } from '../model';
import { startHarness, type Harness } from '../test-support/harness';
import { DEFAULT_CONNECTION_PAGE_SIZE, connectionPageSize, setConnectionPageSize } from './settings';

/** The Power Apps connections API: admin and maker lists, one connection, paging, refusals. */

let h: Harness;
const spn = { app: 'pipeline' } as const;
const rm = { user: 'releaseManager' } as const;
const maker = { user: 'maker' } as const;
const svc = { user: 'serviceAccount' } as const;
const analytics = { app: 'analytics' } as const;

const P = '/powerapps/providers/Microsoft.PowerApps';
const adminEnv = (stage: 'dev' | 'test' | 'uat' | 'prod' | 'default') => `${P}/scopes/admin/environments/${h.env(stage).id}`;
const filter = (stage: 'dev' | 'test' | 'uat' | 'prod' | 'default') => `$filter=environment eq '${h.env(stage).id}'`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  setConnectionPageSize(h.sb.ctx, DEFAULT_CONNECTION_PAGE_SIZE);
});

type Json = Record<string, unknown>;
const valueOf = (body: Json) => body['value'] as Json[];
const props = (c: Json | undefined) => (c?.['properties'] ?? {}) as Json;
const connectionsIn = (stage: 'dev' | 'test' | 'uat' | 'prod' | 'default'): Connection[] => h.sb.ctx.store.connectionsIn(h.env(stage).id);
const ownedBy = (stage: 'test' | 'prod' | 'dev', api: string, role: string): Connection => {
  const c = connectionsIn(stage).find((x) => x.apiName === api && x.createdBy === h.oid({ user: role }) && x.status.kind === 'Connected');
  if (!c) throw new Error(`no ${api} of ${role} in ${stage}`);
  return c;
};

describe('admin routes', () => {
  it('lists every connection of an environment in the admin-scope shape', async () => {
    const test = h.env('test');
    const res = await gatewayCall(h, 'GET', `${adminEnv('test')}/connections?api-version=2016-11-01`, { as: rm });
    expect(res.status, res.text).toBe(200);
    const list = valueOf(res.json());
    expect(sortedKeys(res.json())).toEqual(['value']);
    expect(list.map((c) => c['name'])).toEqual(connectionsIn('test').map((c) => c.name));
    const sql = ownedBy('test', 'shared_sql', 'serviceAccount');
    const json = list.find((c) => c['name'] === sql.name);
    expect(sortedKeys(json)).toEqual(['id', 'name', 'properties', 'type']);
    expect(json).toMatchObject({
      id: `/providers/Microsoft.PowerApps/scopes/admin/environments/${test.id}/apis/shared_sql/connections/${sql.name}`,
      type: 'Microsoft.PowerApps/scopes/apis/connections',
    });
    expect(sortedKeys(props(json))).toEqual([
      'accountName',
      'apiId',
      'connectionParameters',
      'connectionParametersSet',
      'createdBy',
      'createdTime',
      'displayName',
      'environment',
      'iconUri',
      'lastModifiedTime',
      'statuses',
    ]);
    const svcUser = h.sb.ctx.store.userByRole('serviceAccount');
    expect(props(json)).toEqual({
      apiId: `/providers/Microsoft.PowerApps/scopes/admin/environments/${test.id}/apis/shared_sql`,
      displayName: svcUser?.userPrincipalName,
      iconUri: 'https://connectoricons-prod.azureedge.net/releases/v1.0.1705/1.0.1705.3833/sql/icon.png',
      statuses: [{ status: 'Connected' }],
      connectionParameters: {},
      connectionParametersSet: { name: 'sqlAuthentication', values: {} },
      createdBy: {
        id: svcUser?.objectId,
        displayName: 'Contoso Integration Service',
        email: svcUser?.mail,
        type: 'User',
        tenantId: h.sb.tenantId,
        userPrincipalName: svcUser?.userPrincipalName,
      },
      createdTime: sql.createdTime,
      lastModifiedTime: sql.lastModifiedTime,
      environment: { id: `/providers/Microsoft.PowerApps/environments/${test.id}`, name: test.id },
      accountName: svcUser?.userPrincipalName,
    });
  });

  it('reports a broken connection with its error status, and OAuth parameter sets with their grant type', async () => {
    const list = valueOf((await gatewayCall(h, 'GET', `${adminEnv('test')}/connections?api-version=2016-11-01`, { as: spn })).json());
    const broken = connectionsIn('test').find((c) => c.status.kind === 'Error');
    const json = list.find((c) => c['name'] === broken?.name);
    const statuses = props(json)['statuses'] as Json[];
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({ status: 'Error', target: 'token', error: { code: 'Unauthorized' } });
    expect(String((statuses[0]?.['error'] as Json)['message'])).toMatch(/AADSTS700082/);
    const outlook = list.find((c) => c['name'] === ownedBy('test', 'shared_office365', 'serviceAccount').name);
    expect(props(outlook)['connectionParametersSet']).toEqual({ name: 'oauth', values: { 'token:grantType': { value: 'code' } } });
    const approvals = list.find((c) => c['name'] === ownedBy('test', 'shared_approvals', 'serviceAccount').name);
    expect(props(approvals)).not.toHaveProperty('connectionParametersSet');
    const erp = list.find((c) => c['name'] === ownedBy('test', 'shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04', 'serviceAccount').name);
    expect(props(erp)['iconUri']).toBe('https://az787822.vo.msecnd.net/defaulticons/api-dedicated.png');
  });

  it('lists one connector’s connections, as Get-AdminPowerAppConnection -ConnectorName calls it', async () => {
    const res = await gatewayCall(h, 'GET', `${adminEnv('test')}/apis/shared_office365/connections?api-version=2016-11-01`, { as: rm });
    const names = valueOf(res.json()).map((c) => c['name']);
    expect(names).toEqual(connectionsIn('test').filter((c) => c.apiName === 'shared_office365').map((c) => c.name));
    expect(names.length).toBe(2);
    const none = await gatewayCall(h, 'GET', `${adminEnv('test')}/apis/shared_nothing/connections?api-version=2016-11-01`, { as: rm });
    expect(none.json()).toEqual({ value: [] });
  });

  it('answers one connection, and ConnectionNotFound for an unknown one', async () => {
    const teams = ownedBy('test', 'shared_teams', 'serviceAccount');
    const one = await gatewayCall(h, 'GET', `${adminEnv('test')}/apis/shared_teams/connections/${teams.name}?api-version=2016-11-01`, { as: spn });
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ name: teams.name, type: 'Microsoft.PowerApps/scopes/apis/connections' });
    const missing = await gatewayCall(h, 'GET', `${adminEnv('test')}/apis/shared_teams/connections/nope?api-version=2016-11-01`, { as: spn });
    expect(missing.json()).toEqual({ error: { code: 'ConnectionNotFound', message: "Could not find connection 'nope' for API 'shared_teams'." } });
    expect(missing.status).toBe(404);
    // Right name, wrong connector: still not found.
    const wrongApi = await gatewayCall(h, 'GET', `${adminEnv('test')}/apis/shared_sql/connections/${teams.name}?api-version=2016-11-01`, { as: spn });
    expect(errorOf(wrongApi)).toEqual({ status: 404, code: 'ConnectionNotFound', message: `Could not find connection '${teams.name}' for API 'shared_sql'.` });
  });

  it('answers an unknown environment with EnvironmentNotFound', async () => {
    const res = await gatewayCall(h, 'GET', `${P}/scopes/admin/environments/nowhere/connections?api-version=2016-11-01`, { as: rm });
    expect(errorOf(res)).toEqual({ status: 404, code: 'EnvironmentNotFound', message: `The environment 'nowhere' could not be found in the tenant '${h.sb.tenantId}'.` });
  });

  it('refuses callers that are neither admins nor management applications', async () => {
    const asMaker = await gatewayCall(h, 'GET', `${adminEnv('test')}/connections?api-version=2016-11-01`, { as: maker });
    expect(errorOf(asMaker)).toMatchObject({ status: 403, code: 'Forbidden' });
    expect(errorOf(asMaker).message).toContain(`The user with object id '${h.oid(maker)}' does not have permission to access the path`);
    const asApp = await gatewayCall(h, 'GET', `${adminEnv('test')}/connections?api-version=2016-11-01`, { as: analytics });
    const app = h.sb.ctx.store.appByName('analytics');
    expect(errorOf(asApp).message).toBe(
      `The service principal with id '${h.oid(analytics)}' for application ${app?.clientId ?? ''} does not have permission to access the path 'https://10.0.7.17:20054/providers/Microsoft.PowerApps/scopes/admin/environments/${h.env('test').id}/connections?api-version=2016-11-01' in tenant ${h.sb.tenantId}.`,
    );
  });

  it('refuses a Dataverse token', async () => {
    const res = await gatewayCall(h, 'GET', `${adminEnv('test')}/connections?api-version=2016-11-01`, { as: rm, resource: `${h.base}/orgs/contoso-test` });
    expect(errorOf(res)).toMatchObject({ status: 401, code: 'InvalidAuthenticationAudience' });
  });
});

describe('maker routes', () => {
  it('lists only connections the caller owns or holds a share on, with the filter plain or URL-encoded', async () => {
    const test = h.env('test');
    const asMaker = await gatewayCall(h, 'GET', `${P}/connections?api-version=2016-11-01&${filter('test')}`, { as: maker });
    expect(asMaker.status).toBe(200);
    const mine = valueOf(asMaker.json());
    expect(mine.map((c) => c['name'])).toEqual([ownedBy('test', 'shared_office365', 'maker').name]);
    expect(mine[0]).toMatchObject({
      id: `/providers/Microsoft.PowerApps/apis/shared_office365/connections/${String(mine[0]?.['name'])}`,
      type: 'Microsoft.PowerApps/apis/connections',
      properties: { apiId: '/providers/Microsoft.PowerApps/apis/shared_office365' },
    });
    const encoded = `%24filter=environment%20eq%20%27${test.id}%27`;
    const asSpn = await gatewayCall(h, 'GET', `${P}/connections?api-version=2016-11-01&${encoded}`, { as: spn });
    const shared = valueOf(asSpn.json()).map((c) => c['name']);
    // The service account shared Outlook, SharePoint, Teams and Dataverse with the SPN in Test.
    expect(shared).toEqual(
      connectionsIn('test')
        .filter((c) => c.permissions.some((p) => p.principalId === h.oid(spn)))
        .map((c) => c.name),
    );
    expect(shared).toHaveLength(4);
    const asSvc = valueOf((await gatewayCall(h, 'GET', `${P}/connections?api-version=2016-11-01&${filter('test')}`, { as: svc })).json());
    expect(asSvc).toHaveLength(8);
  });

  it('lists a connector’s connections for the caller', async () => {
    const res = await gatewayCall(h, 'GET', `${P}/apis/shared_office365/connections?api-version=2016-11-01&${filter('test')}`, { as: svc });
    expect(valueOf(res.json()).map((c) => c['name'])).toEqual([ownedBy('test', 'shared_office365', 'serviceAccount').name]);
  });

  it('answers one visible connection in the user-scope shape; others are not found', async () => {
    const sql = ownedBy('test', 'shared_sql', 'serviceAccount');
    const own = await gatewayCall(h, 'GET', `${P}/apis/shared_sql/connections/${sql.name}?api-version=2016-11-01&${filter('test')}`, { as: svc });
    expect(own.status).toBe(200);
    expect(own.json()).toMatchObject({ id: `/providers/Microsoft.PowerApps/apis/shared_sql/connections/${sql.name}`, type: 'Microsoft.PowerApps/apis/connections' });
    const other = await gatewayCall(h, 'GET', `${P}/apis/shared_sql/connections/${sql.name}?api-version=2016-11-01&${filter('test')}`, { as: maker });
    expect(errorOf(other)).toEqual({ status: 404, code: 'ConnectionNotFound', message: `Could not find connection '${sql.name}' for API 'shared_sql'.` });
    // In another environment the name means nothing.
    const elsewhere = await gatewayCall(h, 'GET', `${P}/apis/shared_sql/connections/${sql.name}?api-version=2016-11-01&${filter('uat')}`, { as: svc });
    expect(elsewhere.status).toBe(404);
  });

  it('uses the default environment without a filter, and refuses unknown environments and filters', async () => {
    const def = valueOf((await gatewayCall(h, 'GET', `${P}/connections?api-version=2016-11-01`, { as: rm })).json());
    expect(def.map((c) => c['name'])).toEqual(connectionsIn('default').map((c) => c.name));
    const unknown = await gatewayCall(h, 'GET', `${P}/connections?api-version=2016-11-01&$filter=environment eq 'nowhere'`, { as: rm });
    expect(errorOf(unknown)).toEqual({ status: 403, code: 'EnvironmentAccessDenied', message: "Access to the environment 'nowhere' is denied." });
    const bad = await gatewayCall(h, 'GET', `${P}/connections?api-version=2016-11-01&$filter=name eq 'x'`, { as: rm });
    expect(errorOf(bad)).toMatchObject({ status: 400, code: 'InvalidFilter' });
  });
});

describe('paging', () => {
  it('pages long lists with an absolute nextLink carrying a skip token, and following it returns the rest', async () => {
    setConnectionPageSize(h.sb.ctx, 3);
    expect(connectionPageSize(h.sb.ctx)).toBe(3);
    const expected = connectionsIn('test').map((c) => c.name);
    expect(expected.length).toBe(10);
    const seen: unknown[] = [];
    let url: string | undefined = `${adminEnv('test')}/connections?api-version=2016-11-01`;
    let pages = 0;
    while (url) {
      const res = await gatewayCall(h, 'GET', url, { as: rm });
      expect(res.status, res.text).toBe(200);
      const body = res.json();
      const value = valueOf(body);
      expect(value.length).toBeLessThanOrEqual(3);
      seen.push(...value.map((c) => c['name']));
      const next = body['nextLink'] as string | undefined;
      if (next !== undefined) {
        expect(next).toMatch(new RegExp(`^${h.base}/powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/${h.env('test').id}/connections\\?api-version=2016-11-01&\\$skiptoken=`));
      }
      url = next;
      pages += 1;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(expected);
  });

  it('keeps the maker filter in the nextLink and refuses a bad skip token', async () => {
    setConnectionPageSize(h.sb.ctx, 5);
    const first = (await gatewayCall(h, 'GET', `${P}/connections?api-version=2016-11-01&${filter('test')}`, { as: svc })).json();
    expect(valueOf(first)).toHaveLength(5);
    const second = (await gatewayCall(h, 'GET', String(first['nextLink']), { as: svc })).json();
    expect(valueOf(second)).toHaveLength(3);
    expect(second).not.toHaveProperty('nextLink');
    const bad = await gatewayCall(h, 'GET', `${adminEnv('test')}/connections?api-version=2016-11-01&$skiptoken=garbage`, { as: rm });
    expect(errorOf(bad)).toEqual({ status: 400, code: 'InvalidSkipToken', message: "The skip token 'garbage' is not valid." });
  });

  it('accepts only positive page sizes', () => {
    expect(() => setConnectionPageSize(h.sb.ctx, 0)).toThrow(RangeError);
  });
});

describe('creators', () => {
  afterEach(async () => {
    await h.control('POST', 'reset');
  });

  it('describes a connection created by a service principal', async () => {
    const test = h.env('test');
    const pipeline = h.sb.ctx.store.appByName('pipeline');
    h.sb.ctx.store.state.connections.push({
      name: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
      environmentId: test.id,
      apiName: 'shared_commondataserviceforapps',
      displayName: 'Pipeline Dataverse',
      createdBy: h.oid(spn),
      createdTime: '2026-08-01T10:00:00.000Z',
      lastModifiedTime: '2026-08-01T10:00:00.000Z',
      status: { kind: 'Connected' },
      permissions: [{ principalId: h.oid(spn), principalType: 'ServicePrincipal', roleName: 'Owner' }],
      parameterSetName: 'oauthSP',
      accountName: null,
    });
    const res = await gatewayCall(h, 'GET', `${P}/apis/shared_commondataserviceforapps/connections/f0e1d2c3b4a5968778695a4b3c2d1e0f?api-version=2016-11-01&${filter('test')}`, { as: spn });
    expect(res.status, res.text).toBe(200);
    expect(props(res.json())['createdBy']).toEqual({ id: h.oid(spn), displayName: pipeline?.displayName, type: 'ServicePrincipal', tenantId: h.sb.tenantId });
    expect(props(res.json())).not.toHaveProperty('accountName');
    expect(props(res.json())['connectionParametersSet']).toEqual({ name: 'oauthSP', values: {} });
  });
});
