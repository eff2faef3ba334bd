import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POWERAPPS_AUDIENCE } from '../entra/resources';
import { issueAccessToken } from '../entra/tokens';
import { startHarness, type Harness } from '../test-support/harness';
import { errorOf, gatewayCall, sortedKeys } from './testkit';

/** The BAP environments API: shapes, scopes, who may call what, and the gateway's refusals. */

let h: Harness;
const spn = { app: 'pipeline' } as const;
const rm = { user: 'releaseManager' } as const;
const maker = { user: 'maker' } as const;
const analytics = { app: 'analytics' } as const;

const ADMIN = '/bap/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments';
const USER = '/bap/providers/Microsoft.BusinessAppPlatform/environments';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type Env = { id: string; type: string; location: string; name: string; properties: Record<string, unknown> };
const values = (body: Record<string, unknown>) => body['value'] as Env[];

const PROPERTY_KEYS = [
  'azureRegion',
  'clientUris',
  'cluster',
  'connectedGroups',
  'createdBy',
  'createdTime',
  'creationType',
  'databaseType',
  'description',
  'displayName',
  'environmentSku',
  'isDefault',
  'lastModifiedBy',
  'lastModifiedTime',
  'linkedEnvironmentMetadata',
  'notificationMetadata',
  'protectionStatus',
  'provisioningState',
  'retentionDetails',
  'retentionPeriod',
  'runtimeEndpoints',
  'states',
  'updateCadence',
];

describe('admin list', () => {
  it('returns every environment in the platform shape, instanceUrl with and instanceApiUrl without a trailing slash', async () => {
    const res = await gatewayCall(h, 'GET', `${ADMIN}?api-version=2020-10-01`, { as: rm });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const envs = values(res.json());
    expect(envs.map((e) => e.properties['displayName'])).toEqual(['Contoso Dev', 'Contoso Test', 'Contoso UAT', 'Contoso Prod', 'Contoso (default)']);
    const test = h.env('test');
    const env = envs.find((e) => e.name === test.id);
    expect(env).toBeDefined();
    if (!env) return;
    expect(sortedKeys(env)).toEqual(['id', 'location', 'name', 'properties', 'type']);
    expect(env).toMatchObject({
      id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${test.id}`,
      type: 'Microsoft.BusinessAppPlatform/scopes/environments',
      location: 'unitedstates',
      name: test.id,
    });
    expect(sortedKeys(env.properties)).toEqual(PROPERTY_KEYS);
    expect(env.properties).toMatchObject({
      azureRegion: 'westus',
      displayName: 'Contoso Test',
      provisioningState: 'Succeeded',
      creationType: 'User',
      environmentSku: 'Sandbox',
      isDefault: false,
      databaseType: 'CommonDataService',
      states: { management: { id: 'Ready' }, runtime: { id: 'Enabled' } },
      retentionPeriod: 'P7D',
      updateCadence: { id: 'Frequent' },
      protectionStatus: { keyManagedBy: 'Microsoft' },
      connectedGroups: [],
      runtimeEndpoints: {
        'microsoft.BusinessAppPlatform': `${h.base}/bap`,
        'microsoft.PowerApps': `${h.base}/powerapps`,
        'microsoft.Flow': `${h.base}/flow`,
      },
      createdBy: { id: h.oid(rm), type: 'User', userPrincipalName: 'adele.vance@contoso.onmicrosoft.com' },
    });
    const linked = env.properties['linkedEnvironmentMetadata'] as Record<string, unknown>;
    expect(linked).toMatchObject({
      type: 'Dynamics365Instance',
      resourceId: test.organizationId,
      friendlyName: 'Contoso Test',
      domainName: 'contoso-test',
      instanceUrl: `${h.base}/orgs/contoso-test/`,
      instanceApiUrl: `${h.base}/orgs/contoso-test`,
      baseLanguage: 1033,
      instanceState: 'Ready',
      webApiVersion: 'v9.2',
    });
    expect(String(linked['instanceUrl']).endsWith('/')).toBe(true);
    expect(String(linked['instanceApiUrl']).endsWith('/')).toBe(false);
    expect(sortedKeys(linked)).toEqual(
      ['backgroundOperationsState', 'baseLanguage', 'createdTime', 'domainName', 'friendlyName', 'hostNameSuffix', 'instanceApiUrl', 'instanceState', 'instanceUrl', 'modifiedTime', 'platformSku', 'resourceId', 'scaleGroup', 'type', 'uniqueName', 'version', 'webApiVersion'],
    );
    expect(linked['version']).toMatch(/^9\.2\.\d+\.\d+$/);
    // The instance URL really is the org's Dataverse endpoint.
    const who = await h.raw('GET', `${String(linked['instanceApiUrl'])}/api/data/v9.2/WhoAmI`, {
      headers: { authorization: `Bearer ${await h.token(rm, String(linked['instanceApiUrl']))}` },
    });
    expect(who.status).toBe(200);
  });

  it('marks the default environment and its creator as the platform does', async () => {
    const res = await gatewayCall(h, 'GET', `${ADMIN}?api-version=2016-11-01&$expand=permissions`, { as: spn });
    const def = values(res.json()).find((e) => e.properties['isDefault'] === true);
    expect(def?.name).toBe(`Default-${h.sb.tenantId}`);
    expect(def?.properties).toMatchObject({ environmentSku: 'Default', creationType: 'DefaultTenant', createdBy: { id: 'SYSTEM', displayName: 'SYSTEM', type: 'NotSpecified' } });
  });

  it('adds capacity, addons and permissions when expanded, and ignores unknown expands', async () => {
    const plain = values((await gatewayCall(h, 'GET', `${ADMIN}?api-version=2023-06-01&$expand=properties/billingPolicy,properties/copilotPolicies`, { as: rm })).json());
    expect(sortedKeys(plain[0]?.properties)).toEqual(PROPERTY_KEYS);
    const res = await gatewayCall(h, 'GET', `${ADMIN}?api-version=2020-10-01&$expand=properties.capacity,properties.addons,permissions`, { as: rm });
    const props = values(res.json())[0]?.properties ?? {};
    const capacity = props['capacity'] as Record<string, unknown>[];
    expect(capacity.map((c) => c['capacityType'])).toEqual(['Database', 'File', 'Log']);
    expect(sortedKeys(capacity[0])).toEqual(['actualConsumption', 'capacityType', 'capacityUnit', 'ratedConsumption', 'updatedOn']);
    expect(capacity[0]).toMatchObject({ capacityUnit: 'MB' });
    const addons = props['addons'] as Record<string, unknown>[];
    expect(addons[0]).toEqual({ addonType: 'AppPass', allocated: 0, addonUnit: 'Unit' });
    expect(props['permissions']).toHaveProperty('AdminReadEnvironment');
  });

  it('projects $select paths (with id and name kept)', async () => {
    const test = h.env('test');
    const res = await gatewayCall(h, 'GET', `${ADMIN}/${test.id}?api-version=2020-10-01&$select=properties.linkedEnvironmentMetadata.instanceApiUrl`, { as: rm });
    expect(res.json()).toEqual({
      id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${test.id}`,
      name: test.id,
      properties: { linkedEnvironmentMetadata: { instanceApiUrl: `${h.base}/orgs/contoso-test` } },
    });
  });
});

describe('admin single environment', () => {
  it('answers one environment by name, and ~default / ~Default for the default one', async () => {
    const prod = h.env('prod');
    const one = await gatewayCall(h, 'GET', `${ADMIN}/${prod.id}?api-version=2020-10-01`, { as: spn });
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ name: prod.id, type: 'Microsoft.BusinessAppPlatform/scopes/environments', properties: { environmentSku: 'Production' } });
    for (const alias of ['~default', '~Default']) {
      const def = await gatewayCall(h, 'GET', `${ADMIN}/${alias}?$expand=permissions&api-version=2016-11-01`, { as: rm });
      expect(def.status).toBe(200);
      expect(def.json()['name']).toBe(`Default-${h.sb.tenantId}`);
    }
  });

  it('answers an unknown environment with EnvironmentNotFound', async () => {
    const res = await gatewayCall(h, 'GET', `${ADMIN}/00000000-0000-0000-0000-000000000000?api-version=2020-10-01`, { as: rm });
    expect(errorOf(res)).toEqual({
      status: 404,
      code: 'EnvironmentNotFound',
      message: `The environment '00000000-0000-0000-0000-000000000000' could not be found in the tenant '${h.sb.tenantId}'.`,
    });
  });
});

describe('who may call the admin routes', () => {
  it('refuses an app that is not a management application with the platform 403', async () => {
    const app = h.sb.ctx.store.appByName('analytics');
    const res = await gatewayCall(h, 'GET', `${ADMIN}?api-version=2020-10-01&$expand=permissions`, { as: analytics });
    expect(res.status).toBe(403);
    const body = res.json() as { error: Record<string, unknown> };
    expect(sortedKeys(body.error)).toEqual(['code', 'detailUrlType', 'message']);
    expect(body.error).toEqual({
      code: 'Forbidden',
      message: `The service principal with id '${h.oid(analytics)}' for application ${app?.clientId ?? ''} does not have permission to access the path 'https://10.0.7.17:20054/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2020-10-01&$expand=permissions' in tenant ${h.sb.tenantId}.`,
      detailUrlType: 'NotSpecified',
    });
  });

  it('refuses a user who is not a Power Platform admin, on the list and on one environment', async () => {
    const list = await gatewayCall(h, 'GET', `${ADMIN}?api-version=2020-10-01`, { as: maker });
    expect(errorOf(list)).toMatchObject({ status: 403, code: 'Forbidden' });
    expect(errorOf(list).message).toMatch(new RegExp(`^The user with object id '${h.oid(maker)}' does not have permission to access the path '.*/scopes/admin/environments\\?api-version=2020-10-01' in tenant ${h.sb.tenantId}\\.$`));
    const one = await gatewayCall(h, 'GET', `${ADMIN}/${h.env('dev').id}?api-version=2020-10-01`, { as: maker });
    expect(one.status).toBe(403);
  });

  it('lets the management application and the admin user in', async () => {
    for (const as of [spn, rm]) {
      expect((await gatewayCall(h, 'GET', `${ADMIN}?api-version=2020-10-01`, { as })).status).toBe(200);
    }
  });
});

describe('non-admin routes', () => {
  it('lists the environments where the caller is a Dataverse user, in the user-scope shape', async () => {
    const res = await gatewayCall(h, 'GET', `${USER}?api-version=2020-10-01`, { as: maker });
    expect(res.status).toBe(200);
    const envs = values(res.json());
    expect(envs).toHaveLength(5);
    const dev = h.env('dev');
    expect(envs.find((e) => e.name === dev.id)).toMatchObject({ id: `/providers/Microsoft.BusinessAppPlatform/environments/${dev.id}`, type: 'Microsoft.BusinessAppPlatform/environments' });
    // An app without any application user sees nothing.
    const none = await gatewayCall(h, 'GET', `${USER}?api-version=2020-10-01`, { as: analytics });
    expect(none.json()).toEqual({ value: [] });
  });

  it('follows systemuser rows: a user removed from an environment no longer sees it', async () => {
    const store = h.sb.ctx.store;
    const prod = h.env('prod');
    const row = store.rows(prod, 'systemuser').find((u) => u['azureactivedirectoryobjectid'] === h.oid(maker));
    expect(row).toBeDefined();
    try {
      store.delete(prod, 'systemuser', String(row?.['systemuserid']));
      const names = values((await gatewayCall(h, 'GET', `${USER}?api-version=2020-10-01`, { as: maker })).json()).map((e) => e.name);
      expect(names).toHaveLength(4);
      expect(names).not.toContain(prod.id);
      const one = await gatewayCall(h, 'GET', `${USER}/${prod.id}?api-version=2020-10-01`, { as: maker });
      expect(errorOf(one)).toEqual({ status: 403, code: 'EnvironmentAccessDenied', message: `Access to the environment '${prod.id}' is denied.` });
      // Admins see every environment on the non-admin routes too.
      expect(values((await gatewayCall(h, 'GET', `${USER}?api-version=2020-10-01`, { as: rm })).json())).toHaveLength(5);
    } finally {
      await h.control('POST', 'reset');
    }
  });

  it('answers one environment and ~Default for a member', async () => {
    const def = await gatewayCall(h, 'GET', `${USER}/~Default?api-version=2020-10-01`, { as: maker });
    expect(def.status).toBe(200);
    expect(def.json()).toMatchObject({ id: `/providers/Microsoft.BusinessAppPlatform/environments/Default-${h.sb.tenantId}`, properties: { isDefault: true } });
    const unknown = await gatewayCall(h, 'GET', `${USER}/nope?api-version=2020-10-01`, { as: maker });
    expect(errorOf(unknown)).toMatchObject({ status: 404, code: 'EnvironmentNotFound' });
  });
});

describe('tokens', () => {
  it('accepts tokens requested with either scope spelling', async () => {
    for (const resource of ['https://service.powerapps.com/', 'https://service.powerapps.com']) {
      const res = await gatewayCall(h, 'GET', `${USER}?api-version=2020-10-01`, { as: spn, resource });
      expect(res.status).toBe(200);
    }
  });

  it('answers a missing token with the gateway 401', async () => {
    const res = await gatewayCall(h, 'GET', `${ADMIN}?api-version=2020-10-01`);
    expect(errorOf(res)).toEqual({ status: 401, code: 'MissingAuthorizationHeaderAndClientCertificate', message: 'A client certificate or authorization header was not provided.' });
  });

  it('refuses a token for another audience (a Dataverse token)', async () => {
    const audience = `${h.base}/orgs/contoso-test`;
    const res = await gatewayCall(h, 'GET', `${ADMIN}?api-version=2020-10-01`, { as: rm, resource: audience });
    expect(errorOf(res)).toEqual({
      status: 401,
      code: 'InvalidAuthenticationAudience',
      message: `The received access token has been obtained from wrong audience or resource '${audience}'. It should exactly match (including forward slash) with one of the allowed audiences 'https://service.powerapps.com/'.`,
    });
  });

  it('refuses an expired token and a forged one', async () => {
    const ctx = h.sb.ctx;
    const subject = { tenantId: h.sb.tenantId, objectId: h.oid(spn), appId: ctx.store.appByName('pipeline')?.clientId ?? '', appIdAcr: '1' as const };
    const expired = await issueAccessToken(ctx.keys, subject, POWERAPPS_AUDIENCE, 600, Math.floor(Date.now() / 1000) - 3600);
    const res = await gatewayCall(h, 'GET', `${USER}?api-version=2020-10-01`, { token: expired.token });
    expect(errorOf(res)).toMatchObject({ status: 401, code: 'ExpiredAuthenticationToken' });
    expect(errorOf(res).message).toMatch(/^The received access token has expiry UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M' which is earlier than current UTC time '.+'\.$/);
    const good = await h.token(spn, POWERAPPS_AUDIENCE);
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${Buffer.from('not the signature').toString('base64url')}`;
    expect(errorOf(await gatewayCall(h, 'GET', `${USER}?api-version=2020-10-01`, { token: forged }))).toEqual({ status: 401, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' });
  });
});

describe('request handling', () => {
  it('requires api-version, answers unknown routes and methods, and echoes a request id', async () => {
    const noVersion = await gatewayCall(h, 'GET', ADMIN, { as: rm });
    expect(errorOf(noVersion)).toMatchObject({ status: 400, code: 'MissingApiVersionParameter' });
    const unknown = await gatewayCall(h, 'GET', '/bap/providers/Microsoft.BusinessAppPlatform/nothing?api-version=2020-10-01', { as: rm });
    expect(errorOf(unknown)).toMatchObject({ status: 404, code: 'RouteNotFound' });
    const post = await gatewayCall(h, 'POST', `${ADMIN}?api-version=2020-10-01`, { as: rm, body: {} });
    expect(errorOf(post)).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
    expect(post.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('routes case-insensitively and logs the caller', async () => {
    const res = await gatewayCall(h, 'GET', '/bap/providers/microsoft.businessappplatform/SCOPES/admin/Environments?api-version=2020-10-01', { as: rm });
    expect(res.status).toBe(200);
    const entries = (await h.control('GET', 'log')).json()['entries'] as { service: string; caller: string | null }[];
    expect(entries.some((e) => e.service === 'bap' && e.caller === h.oid(rm))).toBe(true);
  });
});
