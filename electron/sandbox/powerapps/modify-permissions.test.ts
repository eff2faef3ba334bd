import { describe, expect, it } from 'vitest';
import type { CloudState, Connection } from '../model';
import { SandboxStore } from '../store';
import { applyModifyPermissions, planModifyPermissions } from './modify-permissions';

const TENANT = '11111111-1111-1111-1111-111111111111';
const OWNER = '22222222-2222-2222-2222-222222222222';
const OTHER = '33333333-3333-3333-3333-333333333333';
const SPN = '44444444-4444-4444-4444-444444444444';

function fixture(): { store: SandboxStore; c: Connection } {
  const user = (objectId: string, role: string) => ({ objectId, userPrincipalName: `${role}@x`, displayName: role, mail: `${role}@x`, disabled: false, isPowerPlatformAdmin: false, role });
  const c: Connection = {
    name: 'abc',
    environmentId: 'env',
    apiName: 'shared_sql',
    displayName: 'abc',
    createdBy: OWNER,
    createdTime: '',
    lastModifiedTime: '',
    status: { kind: 'Connected' },
    permissions: [{ principalId: OWNER, principalType: 'User', roleName: 'Owner' }],
    parameterSetName: '',
    accountName: null,
  };
  const state = {
    tenant: { id: TENANT, displayName: 'T', defaultDomain: 't.onmicrosoft.com' },
    users: [user(OWNER, 'owner'), user(OTHER, 'other')],
    apps: [{ name: 'pipeline', displayName: 'Pipeline', clientId: 'c', servicePrincipalId: SPN, kind: 'confidential', secrets: [], certificates: [], delegatedConsent: '*', isPipelineSpn: true, isManagementApp: true }],
    environments: [],
    connections: [c],
  } as unknown as CloudState;
  return { store: new SandboxStore(state), c };
}

const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const put = (id: string, roleName: string, type?: string) => ({ properties: { roleName, principal: { id, ...(type ? { type } : {}) } } });

describe('planModifyPermissions', () => {
  it('resolves principal types and normalises role names', () => {
    const { store, c } = fixture();
    const r = planModifyPermissions(store, c, body({ put: [put(SPN.toUpperCase(), 'canedit'), put(OTHER, 'CanView', 'user'), put(TENANT, 'CanView')], delete: [] }));
    expect(r).toEqual({
      ok: true,
      plan: {
        put: [
          { principalId: SPN, principalType: 'ServicePrincipal', roleName: 'CanEdit' },
          { principalId: OTHER, principalType: 'User', roleName: 'CanView' },
          { principalId: TENANT, principalType: 'Tenant', roleName: 'CanView' },
        ],
        delete: [],
      },
    });
  });

  it('reads delete ids of the connection, tenant shares included', () => {
    const { store, c } = fixture();
    const id = (name: string) => `/providers/Microsoft.PowerApps/apis/shared_sql/connections/abc/permissions/${name}`;
    expect(planModifyPermissions(store, c, body({ delete: [{ id: id(SPN) }, { id: id(`tenant-${TENANT}`) }] }))).toEqual({ ok: true, plan: { put: [], delete: [SPN, TENANT] } });
    const owner = planModifyPermissions(store, c, body({ delete: [{ id: id(OWNER) }] }));
    expect(owner.ok || owner.refusal.code).toBe('CannotModifyOwnerRoleAssignment');
    const foreign = planModifyPermissions(store, c, body({ delete: [{ id: '/providers/Microsoft.PowerApps/apis/shared_sql/connections/zzz/permissions/x' }] }));
    expect(foreign.ok || foreign.refusal.code).toBe('InvalidPermissionId');
  });

  it('refuses what the platform refuses', () => {
    const { store, c } = fixture();
    const code = (value: unknown) => {
      const r = planModifyPermissions(store, c, Buffer.isBuffer(value) ? value : body(value));
      return r.ok ? 'ok' : `${r.refusal.status} ${r.refusal.code}`;
    };
    expect(code(Buffer.from('nope'))).toBe('400 InvalidRequestContent');
    expect(code({ put: [put(SPN, 'Owner')] })).toBe('400 InvalidRoleName');
    expect(code({ put: [put(TENANT, 'CanViewWithShare', 'Tenant')] })).toBe('400 InvalidTenantPermission');
    expect(code({ put: [put(OTHER, 'CanView', 'Tenant')] })).toBe('400 PrincipalNotFound');
    expect(code({ put: [put('55555555-5555-5555-5555-555555555555', 'CanView')] })).toBe('400 PrincipalNotFound');
    expect(code({ put: [put(SPN, 'CanView', 'User')] })).toBe('400 PrincipalTypeMismatch');
    expect(code({ put: [put(OWNER, 'CanView')] })).toBe('400 CannotModifyOwnerRoleAssignment');
    expect(code({})).toBe('ok');
  });
});

describe('applyModifyPermissions', () => {
  it('deletes, then adds or changes shares, and keeps the owner', () => {
    const { c } = fixture();
    c.permissions.push({ principalId: OTHER, principalType: 'User', roleName: 'CanView' });
    applyModifyPermissions(c, {
      put: [
        { principalId: SPN, principalType: 'ServicePrincipal', roleName: 'CanView' },
        { principalId: SPN, principalType: 'ServicePrincipal', roleName: 'CanViewWithShare' },
      ],
      delete: [OTHER, OWNER],
    });
    expect(c.permissions).toEqual([
      { principalId: OWNER, principalType: 'User', roleName: 'Owner' },
      { principalId: SPN, principalType: 'ServicePrincipal', roleName: 'CanViewWithShare' },
    ]);
  });
});
