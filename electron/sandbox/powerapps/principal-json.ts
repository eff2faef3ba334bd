import type { SandboxContext } from '../context';
import type { PrincipalType } from '../model';

/**
 * A directory principal as the Power Apps API describes it in `createdBy` and in permission entries:
 * users carry their mail (and, in `createdBy`, their UPN); service principals their display name;
 * the tenant-wide principal only its tenant id. Terraform's captured responses show these forms.
 */

export function principalJson(ctx: SandboxContext, objectId: string, type: PrincipalType, withUpn: boolean): Record<string, unknown> {
  const tenantId = ctx.store.state.tenant.id;
  if (type === 'Tenant') return { id: tenantId, type: 'Tenant', tenantId };
  const found = ctx.store.principal(objectId);
  if (found?.kind === 'user') {
    const u = found.user;
    return {
      id: u.objectId,
      displayName: u.displayName,
      email: u.mail,
      type: 'User',
      tenantId,
      ...(withUpn ? { userPrincipalName: u.userPrincipalName } : {}),
    };
  }
  if (found?.kind === 'app') return { id: found.objectId, displayName: found.app.displayName, type: 'ServicePrincipal', tenantId };
  return { id: objectId, type: type === 'Group' ? 'Group' : 'NotSpecified', tenantId };
}

/** `createdBy` of a connection: the creator, typed by what the directory says it is. */
export function creatorJson(ctx: SandboxContext, objectId: string): Record<string, unknown> {
  const found = ctx.store.principal(objectId);
  return principalJson(ctx, objectId, found?.kind === 'app' ? 'ServicePrincipal' : 'User', true);
}
