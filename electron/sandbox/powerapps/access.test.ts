import { describe, expect, it } from 'vitest';
import type { Connection } from '../model';
import { accessOf, canSee, canShare, ownerOf } from './access';

const connection = (permissions: Connection['permissions']): Connection => ({
  name: 'c',
  environmentId: 'e',
  apiName: 'shared_sql',
  displayName: 'c',
  createdBy: 'owner',
  createdTime: '',
  lastModifiedTime: '',
  status: { kind: 'Connected' },
  permissions: [{ principalId: 'owner', principalType: 'User', roleName: 'Owner' }, ...permissions],
  parameterSetName: '',
  accountName: null,
});

describe('connection access', () => {
  it('ranks owner, edit, use + share and use; a tenant share is use for everyone', () => {
    const c = connection([
      { principalId: 'editor', principalType: 'User', roleName: 'CanEdit' },
      { principalId: 'sharer', principalType: 'ServicePrincipal', roleName: 'CanViewWithShare' },
      { principalId: 'user', principalType: 'User', roleName: 'CanView' },
    ]);
    expect(['OWNER', 'editor', 'sharer', 'user', 'stranger'].map((id) => accessOf(c, id))).toEqual(['Owner', 'CanEdit', 'CanViewWithShare', 'CanView', null]);
    expect(['owner', 'editor', 'sharer', 'user'].map((id) => canShare(c, id))).toEqual([true, true, true, false]);
    expect(canSee(c, 'stranger')).toBe(false);
    const tenantWide = connection([{ principalId: 't', principalType: 'Tenant', roleName: 'CanView' }]);
    expect(accessOf(tenantWide, 'stranger')).toBe('CanView');
    expect(canShare(tenantWide, 'stranger')).toBe(false);
    expect(ownerOf(c)).toBe('owner');
  });
});
