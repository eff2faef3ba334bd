import type { SandboxEnvironment } from '../model';
import type { SandboxStore } from '../store';

/**
 * Which environments a non-admin caller sees through BAP's non-admin routes: those where the caller is
 * a Dataverse user (a `systemuser` row carrying their Entra object id; application users carry the
 * service principal's).
 */

export function isEnvironmentMember(store: SandboxStore, env: SandboxEnvironment, objectId: string): boolean {
  const id = objectId.toLowerCase();
  return store.rows(env, 'systemuser').some((u) => typeof u['azureactivedirectoryobjectid'] === 'string' && u['azureactivedirectoryobjectid'].toLowerCase() === id);
}

export function memberEnvironments(store: SandboxStore, objectId: string): SandboxEnvironment[] {
  return store.state.environments.filter((env) => isEnvironmentMember(store, env, objectId));
}

/** `~default` (any case) names the tenant's default environment; anything else is an environment id. */
export function resolveEnvironmentName(store: SandboxStore, name: string): SandboxEnvironment | undefined {
  if (name.toLowerCase() === '~default') return store.state.environments.find((e) => e.isDefault);
  return store.environmentById(name);
}
