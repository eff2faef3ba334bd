import type { ConnectionReference } from '../domain/types';
import { writerBlockers } from './rules';
import { canUseConnection, rightsOf, type ConnectionWithShares, type EnvironmentSnapshot } from './snapshot';

/**
 * Which connection a reference should point at in an environment. The tiers, most important first:
 *
 *   1. healthy: connected, and its owner not disabled (a disabled owner's connections stop working);
 *   2. usable by the identity that will turn the flows on (owner, or shared with it);
 *   3. owned by someone who can act: when owners are impersonated, the owner turns the flows on and
 *      must be a user of the environment, enabled, and allowed to write (a Basic User is not);
 *   4. owned by whoever owns the environment's other references (one owner to impersonate beats several).
 *
 * A lower tier never outweighs a higher one: the preferred owner only breaks ties between connections
 * that would work equally well. Each candidate carries the reasons a person sees in the Wire dialog.
 */

export interface ConnectionCandidate {
  connection: ConnectionWithShares;
  /** Orders candidates: one bit per tier, so the comparison is lexicographic by construction. */
  score: number;
  healthy: boolean;
  usable: boolean;
  ownerDisabled: boolean;
  /** The owner may turn flows on and wire references itself (only asked when owners are impersonated). */
  ownerCanAct: boolean;
  sameOwnerAsOthers: boolean;
  reasons: string[];
}

const TIER = { healthy: 16, ownerEnabled: 8, usable: 4, ownerCanAct: 2, sameOwner: 1 } as const;

const connected = (c: ConnectionWithShares): boolean => c.health.kind === 'connected';
const ownerDisabled = (snapshot: EnvironmentSnapshot, c: ConnectionWithShares): boolean => rightsOf(snapshot, c.owner.objectId)?.disabled === true;

/**
 * Why the owner of `c` could not act for the flows, or null when it can (or need not). With an acting
 * identity (`me`, `spn`) the owner only lends the connection; with null the owner is impersonated and
 * its own rights decide, as preflight will check them.
 */
function ownerCannotAct(snapshot: EnvironmentSnapshot, c: ConnectionWithShares, actingObjectId: string | null): string | null {
  if (actingObjectId !== null) return null;
  const blocker = writerBlockers(snapshot, c.owner.objectId)[0];
  switch (blocker?.code) {
    case undefined:
      return null;
    case 'identity-absent':
      return 'owner is not a user of this environment';
    case 'identity-disabled':
      return 'owner is disabled';
    default:
      return 'owner may not turn flows on here (no write privilege)';
  }
}

/** A connection that would work for the flows as the acting identity (null: as its impersonated owner). */
function works(snapshot: EnvironmentSnapshot, c: ConnectionWithShares, actingObjectId: string | null): boolean {
  return (
    connected(c) &&
    !ownerDisabled(snapshot, c) &&
    (actingObjectId === null || canUseConnection(c, actingObjectId)) &&
    ownerCannotAct(snapshot, c, actingObjectId) === null
  );
}

/**
 * The owner to prefer, among owners of connections that would work (see `works`): whoever owns most of
 * the environment's wired references; when none of those would, whoever holds working connections for
 * most of the solution's connectors (one identity can then turn most flows on). Ties go to the lower
 * object id, so that the same snapshot always gives the same plan.
 */
export function dominantOwner(snapshot: EnvironmentSnapshot, actingObjectId: string | null = null): string | null {
  const ok = (c: ConnectionWithShares): boolean => works(snapshot, c, actingObjectId);
  const best = (counts: Map<string, number>): string | null => {
    let winner: string | null = null;
    let top = 0;
    for (const [owner, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
      if (count > top) [winner, top] = [owner, count];
    }
    return winner;
  };
  const wired = new Map<string, number>();
  for (const ref of snapshot.references) {
    const c = snapshot.connections.find((x) => x.name === ref.connectionId);
    if (c && ok(c)) wired.set(c.owner.objectId.toLowerCase(), (wired.get(c.owner.objectId.toLowerCase()) ?? 0) + 1);
  }
  if (wired.size) return best(wired);
  const needed = new Set(snapshot.references.map((r) => r.connector));
  const coverage = new Map<string, Set<string>>();
  for (const c of snapshot.connections) {
    if (!needed.has(c.connector) || !ok(c)) continue;
    const owner = c.owner.objectId.toLowerCase();
    coverage.set(owner, (coverage.get(owner) ?? new Set()).add(c.connector));
  }
  return best(new Map([...coverage].map(([owner, set]) => [owner, set.size])));
}

/**
 * Ranked candidates for a reference. `actingObjectId` is who must be able to use the connection (the
 * identity that will activate); null when connection owners will be impersonated (the owner must then be
 * able to act itself).
 */
export function rankConnections(
  snapshot: EnvironmentSnapshot,
  reference: Pick<ConnectionReference, 'connector'>,
  actingObjectId: string | null,
  preferredOwner: string | null = dominantOwner(snapshot, actingObjectId),
): ConnectionCandidate[] {
  const candidates = snapshot.connections.filter((c) => c.connector === reference.connector);
  return candidates
    .map((connection): ConnectionCandidate => {
      const healthy = connected(connection);
      const usable = actingObjectId === null ? true : canUseConnection(connection, actingObjectId);
      const disabled = ownerDisabled(snapshot, connection);
      const cannotAct = ownerCannotAct(snapshot, connection, actingObjectId);
      const sameOwnerAsOthers = preferredOwner !== null && connection.owner.objectId.toLowerCase() === preferredOwner;
      const reasons = [
        healthy ? 'healthy' : `in error: ${connection.health.kind === 'error' ? connection.health.message : ''}`,
        usable ? 'usable by the acting identity' : 'not shared with the acting identity',
        ...(disabled ? ['owner is disabled'] : []),
        ...(cannotAct !== null && !disabled ? [cannotAct] : []),
        ...(sameOwnerAsOthers ? ["same owner as the environment's other references"] : []),
      ];
      const score =
        (healthy ? TIER.healthy : 0) + (disabled ? 0 : TIER.ownerEnabled) + (usable ? TIER.usable : 0) + (cannotAct === null ? TIER.ownerCanAct : 0) + (sameOwnerAsOthers ? TIER.sameOwner : 0);
      return { connection, score, healthy, usable, ownerDisabled: disabled, ownerCanAct: cannotAct === null, sameOwnerAsOthers, reasons };
    })
    .sort((a, b) => b.score - a.score || b.connection.createdTime.localeCompare(a.connection.createdTime) || a.connection.name.localeCompare(b.connection.name));
}

/** The suggestion: the best candidate, if it is healthy and its owner is still around. */
export function suggestConnection(
  snapshot: EnvironmentSnapshot,
  reference: Pick<ConnectionReference, 'connector'>,
  actingObjectId: string | null,
  preferredOwner?: string | null,
): ConnectionCandidate | null {
  const best = rankConnections(snapshot, reference, actingObjectId, preferredOwner)[0];
  return best && best.healthy && !best.ownerDisabled ? best : null;
}
