import type { Connection } from '../model';
import type { SandboxStore } from '../store';

/**
 * Control actions that break things on purpose, as the platform breaks them under a running tool:
 * revoke a principal's tokens, put a connection into Error (or back), disable a user everywhere.
 */

export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Tokens issued before now stop working (401 at resources, invalid_grant for refresh tokens). */
export function revokeTokens(store: SandboxStore, who: { objectId: string } | { upn: string } | { app: string }): { objectId: string; revokedBefore: string } {
  const objectId =
    'objectId' in who
      ? store.principal(who.objectId)?.objectId
      : 'upn' in who
        ? store.userByUpn(who.upn)?.objectId
        : (store.appByName(who.app) ?? store.appByClientId(who.app))?.servicePrincipalId;
  if (!objectId) throw new ControlError(`No user or app '${Object.values(who)[0] ?? ''}' in this tenant.`, 404);
  // Token `iat` has second precision: tokens issued before this second are revoked, and a client that
  // signs in again right away gets a working token.
  const revokedBefore = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  store.state.entra.tokensValidAfter[objectId] = revokedBefore;
  store.changed();
  return { objectId, revokedBefore };
}

export function setConnectionStatus(
  store: SandboxStore,
  spec: { environment: string; name: string; status: 'Connected' | 'Error'; code?: string | undefined; message?: string | undefined },
): Connection {
  const env = store.environmentById(spec.environment) ?? store.environmentByDisplayName(spec.environment) ?? store.environmentByOrg(spec.environment);
  if (!env) throw new ControlError(`No environment '${spec.environment}' in this sandbox.`, 404);
  const connection = store.connection(env.id, spec.name);
  if (!connection) throw new ControlError(`No connection '${spec.name}' in ${env.displayName}.`, 404);
  connection.status =
    spec.status === 'Connected'
      ? { kind: 'Connected' }
      : {
          kind: 'Error',
          target: 'token',
          code: spec.code ?? 'Unauthorized',
          message: spec.message ?? 'Failed to refresh access token for service. The refresh token has expired due to inactivity.',
        };
  connection.lastModifiedTime = new Date().toISOString();
  store.changed();
  return connection;
}

/** Disables (or re-enables) a user in Entra and in every environment's systemuser table. */
export function disableUser(store: SandboxStore, upn: string, disabled: boolean): { upn: string; disabled: boolean; environments: number } {
  const user = store.userByUpn(upn);
  if (!user) throw new ControlError(`No user '${upn}' in this tenant.`, 404);
  user.disabled = disabled;
  let environments = 0;
  for (const env of store.state.environments) {
    const row = store.rows(env, 'systemuser').find((u) => u['azureactivedirectoryobjectid'] === user.objectId);
    if (!row) continue;
    store.update(env, 'systemuser', String(row['systemuserid']), { isdisabled: disabled, disabledreason: disabled ? 'User is disabled in Microsoft Entra ID.' : null });
    environments += 1;
  }
  store.changed();
  return { upn: user.userPrincipalName, disabled, environments };
}
