import type { SandboxContext } from '../context';
import type { Connection, ConnectionPermission } from '../model';
import { principalJson } from './principal-json';

/**
 * A connection's role assignments (reference §2.4; terraform's captured `permissions` answer): the id
 * is `/providers/Microsoft.PowerApps/apis/{api}/connections/{conn}/permissions/{name}` on both the
 * admin and the maker routes, `name` the principal's object id (`tenant-{tenantId}` for a tenant-wide
 * share). The owner's entry comes first, with roleName `Owner`.
 */

export function permissionName(ctx: SandboxContext, p: ConnectionPermission): string {
  return p.principalType === 'Tenant' ? `tenant-${ctx.store.state.tenant.id}` : p.principalId;
}

export function permissionId(c: Connection, name: string): string {
  return `/providers/Microsoft.PowerApps/apis/${c.apiName}/connections/${c.name}/permissions/${name}`;
}

export function permissionJson(ctx: SandboxContext, c: Connection, p: ConnectionPermission): Record<string, unknown> {
  const name = permissionName(ctx, p);
  return {
    name,
    id: permissionId(c, name),
    type: 'Microsoft.PowerApps/apis/connections/permissions',
    properties: {
      roleName: p.roleName,
      principal: principalJson(ctx, p.principalId, p.principalType, false),
      notifyShareTargetOption: 'NotSpecified',
      inviteGuestToTenant: false,
    },
  };
}

export function permissionsJson(ctx: SandboxContext, c: Connection): Record<string, unknown>[] {
  const ordered = [...c.permissions.filter((p) => p.roleName === 'Owner'), ...c.permissions.filter((p) => p.roleName !== 'Owner')];
  return ordered.map((p) => permissionJson(ctx, c, p));
}
