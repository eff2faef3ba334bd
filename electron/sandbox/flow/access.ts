import type { ActivationSubject } from '../dataverse/rules/activation';
import { dataverseUserOf, rolesOf, type DataverseCaller } from '../dataverse/auth';
import type { Row, SandboxEnvironment } from '../model';
import type { Principal, SandboxStore } from '../store';

/**
 * Who the Flow API caller is inside an environment. Solution and personal flows live in Dataverse, so
 * the caller is their systemuser there: makers without one are refused the environment, and what the
 * Flow service writes to the flow row (turning it on or off) is attributed to them, as a Dataverse
 * update by them would be.
 */

export function systemUserOf(store: SandboxStore, env: SandboxEnvironment, objectId: string): Row | undefined {
  const oid = objectId.toLowerCase();
  return store.rows(env, 'systemuser').find((u) => String(u['azureactivedirectoryobjectid'] ?? '').toLowerCase() === oid);
}


/** An active (not disabled) systemuser of the caller: what a maker needs to use an environment. */
export function activeSystemUser(store: SandboxStore, env: SandboxEnvironment, objectId: string): Row | undefined {
  const row = systemUserOf(store, env, objectId);
  return row && row['isdisabled'] !== true ? row : undefined;
}

export function isSystemAdministrator(store: SandboxStore, env: SandboxEnvironment, systemUser: Row): boolean {
  return rolesOf(store, env, String(systemUser['systemuserid'])).includes('System Administrator');
}

export function ownsFlow(flow: Row, systemUser: Row): boolean {
  return flow['ownerid'] === systemUser['systemuserid'];
}

/** Maker routes: the flow's owner, or a System Administrator of the environment. */
export function mayManageFlow(store: SandboxStore, env: SandboxEnvironment, flow: Row, systemUser: Row): boolean {
  return ownsFlow(flow, systemUser) || isSystemAdministrator(store, env, systemUser);
}

/** The identity the activation rules judge: the caller itself (the Flow API has no impersonation). */
export function activationSubject(principal: Principal): ActivationSubject {
  return { objectId: principal.objectId, isApplicationUser: principal.kind === 'app' };
}

/**
 * The Dataverse identity a Flow-API write is recorded under: the caller's systemuser, or — for an
 * admin with no systemuser in the environment — the org's SYSTEM user (sandbox choice; the platform
 * would add the admin to the org first).
 */
export function writerOf(store: SandboxStore, env: SandboxEnvironment, objectId: string): DataverseCaller {
  const row =
    systemUserOf(store, env, objectId) ??
    store.rows(env, 'systemuser').find((u) => u['fullname'] === 'SYSTEM' && u['azureactivedirectoryobjectid'] === null);
  if (!row) throw new Error(`No systemuser to record a Flow API write in ${env.displayName}.`);
  const user = dataverseUserOf(store, env, row);
  return { caller: user, effective: user, impersonating: false };
}
