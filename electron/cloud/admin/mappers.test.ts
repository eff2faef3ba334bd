import { describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../dataverse/errors';
import { connectionHealth, mapConnection, mapPermission } from './connections';
import { mapEnvironment, normalizeInstanceUrl } from './environments';

describe('environment mapping', () => {
  it('takes the instance URL with one trailing slash, and null without Dataverse', () => {
    const env = mapEnvironment({
      name: 'Default-72f988bf',
      location: 'europe',
      properties: {
        displayName: 'Contoso (default)',
        environmentType: 'Default',
        azureRegionHint: 'northeurope',
        isDefault: true,
        linkedEnvironmentMetadata: { instanceUrl: 'https://org1.crm4.dynamics.com', resourceId: 'ABCDEF01-0000-0000-0000-000000000000' },
      },
    });
    expect(env).toEqual({
      id: 'Default-72f988bf',
      displayName: 'Contoso (default)',
      sku: 'Default',
      region: 'northeurope',
      isDefault: true,
      instanceUrl: 'https://org1.crm4.dynamics.com/',
      organizationId: 'abcdef01-0000-0000-0000-000000000000',
    });
    expect(mapEnvironment({ name: 'x', location: 'unitedstates', properties: {} })).toMatchObject({ instanceUrl: null, organizationId: null, region: 'unitedstates', sku: 'Unknown' });
    expect(normalizeInstanceUrl('https://a.crm.dynamics.com//')).toBe('https://a.crm.dynamics.com/');
  });

  it('names the field when an environment is not as expected', () => {
    expect(() => mapEnvironment({ name: 'x' })).toThrow(ResponseShapeError);
    expect(() => mapEnvironment({ name: 'x', properties: { isDefault: 'yes' } })).toThrow(/BAP returned a environment \(row x\) whose field 'properties.isDefault'/);
  });
});

describe('connection mapping', () => {
  const raw = {
    name: '3b4b9592607147258a4f2fb33517e97a',
    properties: {
      apiId: '/providers/Microsoft.PowerApps/scopes/admin/environments/e1/apis/shared_office365',
      displayName: 'adele@contoso.com',
      statuses: [{ status: 'Connected' }],
      createdBy: { id: 'AAAAAAAA-0000-0000-0000-000000000001', displayName: 'Adele Vance', type: 'User', userPrincipalName: 'adele@contoso.com' },
      createdTime: '2026-01-01T00:00:00Z',
      environment: { name: 'e1' },
    },
  };

  it('maps connector, owner and health', () => {
    expect(mapConnection(raw, 'ignored')).toEqual({
      name: raw.name,
      environmentId: 'e1',
      connector: 'shared_office365',
      displayName: 'adele@contoso.com',
      owner: { objectId: 'aaaaaaaa-0000-0000-0000-000000000001', displayName: 'Adele Vance', type: 'User', userPrincipalName: 'adele@contoso.com' },
      health: { kind: 'connected' },
      createdTime: '2026-01-01T00:00:00Z',
    });
  });

  it('reads health from statuses: any non-Connected status is an error, none at all too', () => {
    expect(connectionHealth([{ status: 'Error', target: 'token', error: { code: 'Unauthorized', message: 'Failed to refresh access token' } }])).toEqual({
      kind: 'error',
      code: 'Unauthorized',
      message: 'Failed to refresh access token',
    });
    expect(connectionHealth([{ status: 'Connected' }, { status: 'Error', target: 'token' }])).toMatchObject({ kind: 'error', code: 'Error' });
    expect(connectionHealth([])).toMatchObject({ kind: 'error', code: 'NoStatus' });
  });

  it('maps permissions, including the tenant-wide principal, and refuses unknown roles', () => {
    const tenant = mapPermission({
      id: '/providers/Microsoft.PowerApps/apis/shared_office365/connections/c1/permissions/tenant-t1',
      properties: { roleName: 'canview', principal: { id: 'T1', type: 'Tenant', tenantId: 't1' } },
    });
    expect(tenant).toEqual({ id: tenant.id, role: 'CanView', principal: { objectId: 't1', displayName: 'T1', type: 'Tenant', userPrincipalName: null } });
    expect(() => mapPermission({ id: 'x', properties: { roleName: 'Admin', principal: { id: 'p' } } })).toThrow(/properties.roleName.*unknown role 'Admin'/);
  });
});
