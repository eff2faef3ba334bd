import type { SandboxContext } from '../context';
import { orgUrl } from '../entra/resources';
import { verifyAccessToken } from '../entra/tokens';
import type { SbRequest, SbResponse } from '../http';
import type { Row, SandboxEnvironment } from '../model';
import type { SandboxStore } from '../store';
import { DataverseError, cannotImpersonate, notOrgMember } from './errors';
import { DELEGATE_PRIVILEGE, privilegeCount, privilegeId, rolesGrant } from './privileges';

/**
 * Who is calling a Dataverse org, and as whom (impersonation, reference §5): the bearer token's
 * principal must have a systemuser here; `CallerObjectId` or `MSCRMCallerID` switch the effective user
 * when the caller holds prvActOnBehalfOfAnotherUser.
 */

export interface DataverseUser {
  row: Row;
  systemUserId: string;
  /** Entra object id (a user's, or the service principal's for application users). */
  objectId: string;
  isApplicationUser: boolean;
  roles: string[];
}

export interface DataverseCaller {
  /** The authenticated principal. */
  caller: DataverseUser;
  /** The user the request runs as: the caller, or the impersonated user. */
  effective: DataverseUser;
  impersonating: boolean;
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

export function rolesOf(store: SandboxStore, env: SandboxEnvironment, systemUserId: string): string[] {
  const roleIds = store
    .rows(env, 'systemuserroles')
    .filter((r) => r['systemuserid'] === systemUserId)
    .map((r) => String(r['roleid']));
  return roleIds.map((id) => String(store.row(env, 'role', id)?.['name'] ?? '')).filter(Boolean);
}

/** A systemuser row as the rules see it: ids, whether it is an application user, its roles. */
export function dataverseUserOf(store: SandboxStore, env: SandboxEnvironment, row: Row): DataverseUser {
  const systemUserId = String(row['systemuserid']);
  return {
    row,
    systemUserId,
    objectId: String(row['azureactivedirectoryobjectid'] ?? ''),
    isApplicationUser: row['applicationid'] !== null && row['applicationid'] !== undefined,
    roles: rolesOf(store, env, systemUserId),
  };
}

export function userHasPrivilege(user: DataverseUser, privilege: string): boolean {
  return rolesGrant(user.roles, privilege);
}

/** 401 the way Dataverse answers it: no body, a challenge naming the authority and this resource. */
export function unauthorized(ctx: SandboxContext, env: SandboxEnvironment): SbResponse {
  return {
    status: 401,
    headers: {
      'www-authenticate': `Bearer authorization_uri=${ctx.baseUrl}/login/common/oauth2/authorize, resource_id=${orgUrl(ctx.baseUrl, env.orgName)}/`,
    },
  };
}

export type AuthResult = { ok: true; who: DataverseCaller } | { ok: false; response: SbResponse };

export async function authenticate(ctx: SandboxContext, env: SandboxEnvironment, req: SbRequest): Promise<AuthResult> {
  const authz = req.headers['authorization'] ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(authz)?.[1];
  if (!token) return { ok: false, response: unauthorized(ctx, env) };
  const verified = await verifyAccessToken(ctx.keys, token, {
    audiences: [orgUrl(ctx.baseUrl, env.orgName)],
    tenantId: ctx.store.state.tenant.id,
    validAfter: (oid) => {
      const at = ctx.store.state.entra.tokensValidAfter[oid];
      return at ? Math.floor(Date.parse(at) / 1000) : undefined;
    },
  });
  if (!verified.ok) return { ok: false, response: unauthorized(ctx, env) };

  const { store } = ctx;
  const oid = verified.token.objectId;
  const row = store.rows(env, 'systemuser').find((u) => u['azureactivedirectoryobjectid'] === oid);
  if (!row) return { ok: false, response: notOrgMember().toResponse() };
  const caller = dataverseUserOf(store, env, row);
  if (row['isdisabled'] === true) {
    return { ok: false, response: disabledUser(ctx, caller.systemUserId, env).toResponse() };
  }

  const byObjectId = req.headers['callerobjectid'];
  const bySystemUserId = req.headers['mscrmcallerid'];
  if (byObjectId === undefined && bySystemUserId === undefined) return { ok: true, who: { caller, effective: caller, impersonating: false } };

  const raw = (byObjectId ?? bySystemUserId ?? '').trim();
  const id = GUID.exec(raw)?.[1]?.toLowerCase();
  const header = byObjectId !== undefined ? 'CallerObjectId' : 'MSCRMCallerID';
  if (!id) {
    return { ok: false, response: new DataverseError(400, '0x80040203', `The value '${raw}' of the ${header} header is not a valid GUID.`).toResponse() };
  }
  // Naming yourself is not impersonation: the *onbehalfby columns stay empty (powerapps-docs#2088).
  if ((byObjectId !== undefined && id === caller.objectId) || (bySystemUserId !== undefined && id === caller.systemUserId)) {
    return { ok: true, who: { caller, effective: caller, impersonating: false } };
  }
  if (!userHasPrivilege(caller, DELEGATE_PRIVILEGE)) return { ok: false, response: cannotImpersonate().toResponse() };
  const target = store
    .rows(env, 'systemuser')
    .find((u) => (byObjectId !== undefined ? u['azureactivedirectoryobjectid'] === id : u['systemuserid'] === id));
  if (!target) {
    const column = byObjectId !== undefined ? 'azureactivedirectoryobjectid' : 'systemuserid';
    return { ok: false, response: new DataverseError(404, '0x80040217', `systemuser With ${column} = ${id} Does Not Exist`).toResponse() };
  }
  const effective = dataverseUserOf(store, env, target);
  if (target['isdisabled'] === true) return { ok: false, response: disabledUser(ctx, effective.systemUserId, env).toResponse() };
  return { ok: true, who: { caller, effective, impersonating: true } };
}

function disabledUser(ctx: SandboxContext, systemUserId: string, env: SandboxEnvironment): DataverseError {
  return new DataverseError(
    ctx.switches.disabledImpersonationStatus,
    '0x80040225',
    `The user with SystemUserId=${systemUserId} in OrganizationContext=${env.organizationId} is disabled. Disabled users cannot access the system. Consider enabling this user. Also, users are disabled if they don't have a license or if the user's account is disabled in Microsoft Entra ID.`,
  );
}

/** Both the caller and the impersonated user need a privilege (effective rights are the intersection). */
export function requirePrivilege(who: DataverseCaller, privilege: string, entity: string, otc: number | undefined): void {
  for (const user of who.impersonating ? [who.effective, who.caller] : [who.caller]) {
    if (!userHasPrivilege(user, privilege)) {
      throw new DataverseError(
        403,
        '0x80040220',
        `Principal user (Id=${user.systemUserId}, type=8, roleCount=${user.roles.length}, privilegeCount=${privilegeCount(user.roles)}, accessMode=${String(user.row['accessmode'] ?? 0)}), is missing ${privilege} privilege (Id=${privilegeId(privilege)}) on OTC=${otc ?? 0} for entity '${entity}'. context.Caller=${who.caller.systemUserId}`,
      );
    }
  }
}
