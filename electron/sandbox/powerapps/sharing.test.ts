import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, gatewayCall, sortedKeys } from '../bap/testkit';
import type { Connection } from '../model';
import { dvError, startHarness, type Harness, type Identity } from '../test-support/harness';

/**
 * Connection permissions and sharing: the lists, modifyPermissions with its refusals, and the effect a
 * share has on what Dataverse lets an identity do (turning a flow on).
 */

let h: Harness;
const spn = { app: 'pipeline' } as const;
const rm = { user: 'releaseManager' } as const;
const maker = { user: 'maker' } as const;
const svc = { user: 'serviceAccount' } as const;

const P = '/powerapps/providers/Microsoft.PowerApps';
const ERP = 'shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type Json = Record<string, unknown>;
const valueOf = (body: Json) => body['value'] as Json[];

const ownedBy = (api: string, role: string): Connection => {
  const c = h.sb.ctx.store.connectionsIn(h.env('test').id).find((x) => x.apiName === api && x.createdBy === h.oid({ user: role }) && x.status.kind === 'Connected');
  if (!c) throw new Error(`no ${api} of ${role} in test`);
  return c;
};
const envFilter = () => `$filter=environment eq '${h.env('test').id}'`;
const makerPath = (c: Connection, tail: string, version = '2017-06-01') => `${P}/apis/${c.apiName}/connections/${c.name}/${tail}?api-version=${version}&${envFilter()}`;
const adminPath = (c: Connection, tail: string) => `${P}/scopes/admin/environments/${h.env('test').id}/apis/${c.apiName}/connections/${c.name}/${tail}?api-version=2017-06-01`;
const permissionIdOf = (c: Connection, principal: string) => `/providers/Microsoft.PowerApps/apis/${c.apiName}/connections/${c.name}/permissions/${principal}`;

const share = (as: Identity, c: Connection, body: unknown, route: 'maker' | 'admin' = 'maker') =>
  gatewayCall(h, 'POST', route === 'maker' ? makerPath(c, 'modifyPermissions') : adminPath(c, 'modifyPermissions'), { as, body });
const grant = (principalId: string, roleName: string, type?: string) => ({
  put: [{ properties: { roleName, principal: { id: principalId, ...(type ? { type } : {}) } } }],
  delete: [],
});
const roleOf = (c: Connection, principalId: string) => c.permissions.find((p) => p.principalId === principalId)?.roleName;

describe('permissions list', () => {
  it('lists role assignments with the owner first, on the maker and the admin route', async () => {
    const dataverse = ownedBy('shared_commondataserviceforapps', 'serviceAccount');
    const res = await gatewayCall(h, 'GET', makerPath(dataverse, 'permissions'), { as: svc });
    expect(res.status, res.text).toBe(200);
    const list = valueOf(res.json());
    expect(list).toHaveLength(2);
    const [owner, spnShare] = list;
    const svcUser = h.sb.ctx.store.userByRole('serviceAccount');
    expect(sortedKeys(owner)).toEqual(['id', 'name', 'properties', 'type']);
    expect(owner).toEqual({
      name: svcUser?.objectId,
      id: permissionIdOf(dataverse, svcUser?.objectId ?? ''),
      type: 'Microsoft.PowerApps/apis/connections/permissions',
      properties: {
        roleName: 'Owner',
        principal: { id: svcUser?.objectId, displayName: 'Contoso Integration Service', email: svcUser?.mail, type: 'User', tenantId: h.sb.tenantId },
        notifyShareTargetOption: 'NotSpecified',
        inviteGuestToTenant: false,
      },
    });
    expect(spnShare).toMatchObject({
      name: h.oid(spn),
      id: permissionIdOf(dataverse, h.oid(spn)),
      properties: { roleName: 'CanViewWithShare', principal: { id: h.oid(spn), displayName: 'Contoso Release Pipeline', type: 'ServicePrincipal', tenantId: h.sb.tenantId } },
    });
    const admin = await gatewayCall(h, 'GET', adminPath(dataverse, 'permissions'), { as: rm });
    expect(admin.json()).toEqual(res.json());
  });

  it('lets anyone who can use the connection see its permissions; others get ConnectionNotFound', async () => {
    const outlook = ownedBy('shared_office365', 'serviceAccount');
    expect((await gatewayCall(h, 'GET', makerPath(outlook, 'permissions'), { as: spn })).status).toBe(200);
    expect(errorOf(await gatewayCall(h, 'GET', makerPath(outlook, 'permissions'), { as: maker }))).toMatchObject({ status: 404, code: 'ConnectionNotFound' });
  });
});

describe('modifyPermissions', () => {
  afterEach(async () => {
    await h.control('POST', 'reset');
  });

  it('lets the owner share with the pipeline SPN and unshare again, resolving the principal type', async () => {
    const sql = ownedBy('shared_sql', 'serviceAccount');
    let changes = 0;
    const stop = h.sb.ctx.store.onChange(() => (changes += 1));
    try {
      const res = await share(svc, sql, grant(h.oid(spn), 'CanView'));
      expect(res.status, res.text).toBe(200);
      expect(res.json()).toEqual({});
      expect(changes).toBeGreaterThan(0);
    } finally {
      stop();
    }
    expect(sql.permissions).toContainEqual({ principalId: h.oid(spn), principalType: 'ServicePrincipal', roleName: 'CanView' });
    const listed = valueOf((await gatewayCall(h, 'GET', makerPath(sql, 'permissions'), { as: svc })).json());
    expect(listed.map((p) => [p['name'], (p['properties'] as Json)['roleName']])).toEqual([
      [h.oid(svc), 'Owner'],
      [h.oid(spn), 'CanView'],
    ]);
    // The SPN now sees the connection on the maker routes.
    expect((await gatewayCall(h, 'GET', `${P}/apis/shared_sql/connections/${sql.name}?api-version=2016-11-01&${envFilter()}`, { as: spn })).status).toBe(200);
    // Upgrading the role changes the entry rather than adding one; deleting removes it.
    expect((await share(svc, sql, grant(h.oid(spn), 'CanEdit', 'ServicePrincipal'))).status).toBe(200);
    expect(sql.permissions.filter((p) => p.principalId === h.oid(spn))).toEqual([{ principalId: h.oid(spn), principalType: 'ServicePrincipal', roleName: 'CanEdit' }]);
    expect((await share(svc, sql, { delete: [{ id: permissionIdOf(sql, h.oid(spn)) }] })).status).toBe(200);
    expect(roleOf(sql, h.oid(spn))).toBeUndefined();
    // Deleting a share that is not there is a no-op.
    expect((await share(svc, sql, { put: [], delete: [{ id: permissionIdOf(sql, h.oid(maker)) }] })).status).toBe(200);
  });

  it('lets a Can use + share holder share onward, but not a Can use holder', async () => {
    const dataverse = ownedBy('shared_commondataserviceforapps', 'serviceAccount');
    const res = await share(spn, dataverse, grant(h.oid(maker), 'CanView'));
    expect(res.status, res.text).toBe(200);
    expect(roleOf(dataverse, h.oid(maker))).toBe('CanView');
    const outlook = ownedBy('shared_office365', 'serviceAccount');
    const refused = await share(spn, outlook, grant(h.oid(maker), 'CanView'));
    expect(errorOf(refused)).toEqual({
      status: 403,
      code: 'ConnectionAuthorizationFailed',
      message: `The caller with object id '${h.oid(spn)}' does not have permission for connection '${outlook.name}' under Api 'shared_office365'.`,
    });
    expect(roleOf(outlook, h.oid(maker))).toBeUndefined();
    // Without any access the connection is not even found.
    expect(errorOf(await share(maker, outlook, grant(h.oid(maker), 'CanView')))).toMatchObject({ status: 404, code: 'ConnectionNotFound' });
  });

  it('lets admins share through the admin route, and refuses non-admins there', async () => {
    const erp = ownedBy(ERP, 'serviceAccount');
    expect((await share(rm, erp, grant(h.oid(maker), 'CanViewWithShare'), 'admin')).status).toBe(200);
    expect((await share(spn, erp, grant(h.oid(spn), 'CanView'), 'admin')).status).toBe(200);
    expect(roleOf(erp, h.oid(maker))).toBe('CanViewWithShare');
    expect(roleOf(erp, h.oid(spn))).toBe('CanView');
    expect(errorOf(await share(svc, erp, grant(h.oid(maker), 'CanView'), 'admin'))).toMatchObject({ status: 403, code: 'Forbidden' });
  });

  it('shares with the whole tenant as CanView: everyone sees the connection', async () => {
    const sql = ownedBy('shared_sql', 'serviceAccount');
    const body = { put: [{ properties: { roleName: 'CanView', principal: { id: h.sb.tenantId, tenantId: h.sb.tenantId } } }], delete: [] };
    expect((await share(svc, sql, body)).status).toBe(200);
    const listed = valueOf((await gatewayCall(h, 'GET', makerPath(sql, 'permissions'), { as: maker })).json());
    expect(listed[1]).toEqual({
      name: `tenant-${h.sb.tenantId}`,
      id: permissionIdOf(sql, `tenant-${h.sb.tenantId}`),
      type: 'Microsoft.PowerApps/apis/connections/permissions',
      properties: { roleName: 'CanView', principal: { id: h.sb.tenantId, type: 'Tenant', tenantId: h.sb.tenantId }, notifyShareTargetOption: 'NotSpecified', inviteGuestToTenant: false },
    });
    // Tenant-wide use does not include the right to share.
    expect((await share(maker, sql, grant(h.oid(maker), 'CanView'))).status).toBe(403);
    expect((await share(svc, sql, { delete: [{ id: permissionIdOf(sql, `tenant-${h.sb.tenantId}`) }] })).status).toBe(200);
    expect(sql.permissions).toHaveLength(1);
  });
});

describe('modifyPermissions refusals (nothing changes)', () => {
  it('never removes or changes the Owner entry', async () => {
    const sql = ownedBy('shared_sql', 'serviceAccount');
    const removeOwner = await share(rm, sql, { delete: [{ id: permissionIdOf(sql, h.oid(svc)) }] }, 'admin');
    expect(errorOf(removeOwner)).toEqual({
      status: 400,
      code: 'CannotModifyOwnerRoleAssignment',
      message: `The permission '${permissionIdOf(sql, h.oid(svc))}' is the Owner role assignment of connection '${sql.name}'. Owner role assignments can't be changed or deleted without deleting the connection resource.`,
    });
    const demoteOwner = await share(svc, sql, grant(h.oid(svc), 'CanView'));
    expect(errorOf(demoteOwner)).toMatchObject({ status: 400, code: 'CannotModifyOwnerRoleAssignment' });
    expect(roleOf(sql, h.oid(svc))).toBe('Owner');
  });

  it('refuses unknown principals, bad roles, tenant-wide edit rights and mismatched types', async () => {
    const sql = ownedBy('shared_sql', 'serviceAccount');
    const ghost = '00000000-0000-0000-0000-0000000000aa';
    expect(errorOf(await share(svc, sql, grant(ghost, 'CanView')))).toEqual({
      status: 400,
      code: 'PrincipalNotFound',
      message: `The principal with object id '${ghost}' could not be found in the directory of tenant '${h.sb.tenantId}'.`,
    });
    expect(errorOf(await share(svc, sql, grant(ghost, 'CanView', 'Group')))).toMatchObject({ status: 400, code: 'PrincipalNotFound' });
    expect(errorOf(await share(svc, sql, grant(h.oid(spn), 'CanUse')))).toEqual({
      status: 400,
      code: 'InvalidRoleName',
      message: "The role name 'CanUse' is not valid for a connection permission. Valid role names are 'CanView', 'CanViewWithShare' and 'CanEdit'.",
    });
    expect(errorOf(await share(svc, sql, grant(h.oid(spn), 'Owner')))).toMatchObject({ status: 400, code: 'InvalidRoleName' });
    expect(errorOf(await share(svc, sql, { put: [{ properties: { roleName: 'CanEdit', principal: { id: h.sb.tenantId, tenantId: h.sb.tenantId } } }] }))).toEqual({
      status: 400,
      code: 'InvalidTenantPermission',
      message: 'Sharing with the entire tenant is only supported for CanView.',
    });
    expect(errorOf(await share(svc, sql, grant(h.oid(spn), 'CanView', 'User')))).toEqual({
      status: 400,
      code: 'PrincipalTypeMismatch',
      message: `The principal '${h.oid(spn)}' is of type 'ServicePrincipal', not 'User'.`,
    });
    expect(errorOf(await share(svc, sql, grant(h.oid(spn), 'CanView', 'Robot')))).toMatchObject({ status: 400, code: 'InvalidPrincipalType' });
    // Nothing of a refused body is applied, even its valid items.
    const mixed = { put: [{ properties: { roleName: 'CanView', principal: { id: h.oid(maker) } } }, { properties: { roleName: 'Bad', principal: { id: h.oid(spn) } } }] };
    expect((await share(svc, sql, mixed)).status).toBe(400);
    expect(sql.permissions).toHaveLength(1);
  });

  it('refuses malformed bodies with specific messages', async () => {
    const sql = ownedBy('shared_sql', 'serviceAccount');
    const cases: [unknown, string][] = [
      ['', 'The request content was invalid and could not be deserialized: the request body is empty.'],
      ['{not json', 'The request content was invalid and could not be deserialized: '],
      [[1, 2], "The request content was invalid and could not be deserialized: the body must be a JSON object with 'put' and 'delete' arrays."],
      [{ put: {} }, "The request content was invalid and could not be deserialized: 'put' must be an array."],
      [{ delete: 'x' }, "The request content was invalid and could not be deserialized: 'delete' must be an array."],
      [{ put: [{}] }, "The request content was invalid and could not be deserialized: 'put[0].properties' must be an object."],
      [{ put: [{ properties: { principal: { id: h.oid(spn) } } }] }, "The 'roleName' of 'put[0]' is required."],
      [{ put: [{ properties: { roleName: 'CanView' } }] }, "The request content was invalid and could not be deserialized: 'put[0].properties.principal' must be an object."],
      [{ put: [{ properties: { roleName: 'CanView', principal: {} } }] }, "The principal 'id' of 'put[0]' is required."],
      [{ delete: [{}] }, "The 'id' of 'delete[0]' is required."],
    ];
    for (const [body, message] of cases) {
      const res = await gatewayCall(h, 'POST', makerPath(sql, 'modifyPermissions'), { as: svc, body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(res).message.startsWith(message), `${errorOf(res).message} vs ${message}`).toBe(true);
    }
    const other = ownedBy('shared_teams', 'serviceAccount');
    const wrongId = await share(svc, sql, { delete: [{ id: permissionIdOf(other, h.oid(spn)) }] });
    expect(errorOf(wrongId)).toEqual({
      status: 400,
      code: 'InvalidPermissionId',
      message: `The permission id '${permissionIdOf(other, h.oid(spn))}' does not name a permission of connection '${sql.name}' for API 'shared_sql'.`,
    });
  });
});

describe('the effect of a share on Dataverse', () => {
  afterEach(async () => {
    await h.control('POST', 'reset');
  });

  const store = () => h.sb.ctx.store;
  const reference = (logicalName: string) => store().rows(h.env('test'), 'connectionreference').find((r) => r['connectionreferencelogicalname'] === logicalName);
  const flowId = (name: string) => String(store().rows(h.env('test'), 'workflow').find((w) => w['name'] === name)?.['workflowid']);
  const wireAsServiceAccount = (logicalName: string, connectionId: string) =>
    h.dv('test', 'PATCH', `connectionreferences(${String(reference(logicalName)?.['connectionreferenceid'])})`, {
      as: spn,
      headers: { 'if-match': '*', callerobjectid: h.oid(svc) },
      body: { connectionid: connectionId },
    });
  const turnOnAsSpn = () =>
    h.dv('test', 'PATCH', `workflows(${flowId('Purchase order sync')})`, { as: spn, headers: { 'if-match': '*' }, body: { statecode: 1, statuscode: 2 } });

  async function wirePurchaseOrderSync(): Promise<{ sql: Connection; erp: Connection }> {
    const sql = ownedBy('shared_sql', 'serviceAccount');
    const erp = ownedBy(ERP, 'serviceAccount');
    expect((await wireAsServiceAccount('cont_sharedsql_9a1b6', sql.name)).status).toBe(204);
    expect((await wireAsServiceAccount('cont_sharedcontosoerp_3c6f8', erp.name)).status).toBe(204);
    const refused = await turnOnAsSpn();
    expect(dvError(refused)).toMatchObject({ status: 400, code: '0x80060467' });
    expect(dvError(refused).message).toContain('ConnectionAuthorizationFailed');
    expect(dvError(refused).message).toContain(`The caller object id is '${h.oid(spn)}'`);
    return { sql, erp };
  }

  it('the SPN can turn on "Purchase order sync" once the service account shares SQL and ERP with it', async () => {
    const { sql, erp } = await wirePurchaseOrderSync();
    for (const c of [sql, erp]) expect((await share(svc, c, grant(h.oid(spn), 'CanView'))).status).toBe(200);
    const res = await turnOnAsSpn();
    expect(res.status, res.text).toBe(204);
    expect(store().row(h.env('test'), 'workflow', flowId('Purchase order sync'))?.['statecode']).toBe(1);
  });

  it('an admin sharing through the admin route has the same effect, and unsharing takes it away', async () => {
    const { sql, erp } = await wirePurchaseOrderSync();
    expect((await share(rm, sql, grant(h.oid(spn), 'CanView'), 'admin')).status).toBe(200);
    const halfway = await turnOnAsSpn();
    expect(dvError(halfway).message).toContain(`/connections/${erp.name}'`);
    expect(dvError(halfway).message).not.toContain(`/connections/${sql.name}'`);
    expect((await share(rm, erp, grant(h.oid(spn), 'CanView'), 'admin')).status).toBe(200);
    expect((await share(rm, sql, { delete: [{ id: permissionIdOf(sql, h.oid(spn)) }] }, 'admin')).status).toBe(200);
    expect(dvError(await turnOnAsSpn()).message).toContain(`/connections/${sql.name}'`);
  });
});
