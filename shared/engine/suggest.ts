import type { ConnectionReference } from '../domain/types';
import { canUseConnection, rightsOf, type ConnectionWithShares, type EnvironmentSnapshot } from './snapshot';

/**
 * Which connection a reference should point at in an environment: healthy first, then usable by the
 * identity that will turn the flows on, then owned by whoever owns the environment's other wired
 * connections (one owner to impersonate beats several), never an owner who left. Each candidate carries
 * the reasons a person sees next to it in the Wire dialog.
 */

export interface ConnectionCandidate {
  connection: ConnectionWithShares;
  score: number;
  healthy: boolean;
  usable: boolean;
  ownerDisabled: boolean;
  sameOwnerAsOthers: boolean;
  reasons: string[];
}

/**
 * The owner to prefer: whoever owns most of the environment's wired, healthy connections; when nothing is
 * wired yet, whoever holds healthy connections for most of the solution's connectors (one identity can
 * then turn most flows on). Owners who are disabled never count.
 */
export function dominantOwner(snapshot: EnvironmentSnapshot): string | null {
  const active = (c: ConnectionWithShares): boolean => c.health.kind === 'connected' && rightsOf(snapshot, c.owner.objectId)?.disabled !== true;
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
    if (c && active(c)) wired.set(c.owner.objectId.toLowerCase(), (wired.get(c.owner.objectId.toLowerCase()) ?? 0) + 1);
  }
  if (wired.size) return best(wired);
  const needed = new Set(snapshot.references.map((r) => r.connector));
  const coverage = new Map<string, Set<string>>();
  for (const c of snapshot.connections) {
    if (!needed.has(c.connector) || !active(c)) continue;
    const owner = c.owner.objectId.toLowerCase();
    coverage.set(owner, (coverage.get(owner) ?? new Set()).add(c.connector));
  }
  return best(new Map([...coverage].map(([owner, set]) => [owner, set.size])));
}

/**
 * Ranked candidates for a reference. `actingObjectId` is who must be able to use the connection (the
 * identity that will activate); null when connection owners will be impersonated (any owner works).
 */
export function rankConnections(
  snapshot: EnvironmentSnapshot,
  reference: Pick<ConnectionReference, 'connector'>,
  actingObjectId: string | null,
  preferredOwner: string | null = dominantOwner(snapshot),
): ConnectionCandidate[] {
  const candidates = snapshot.connections.filter((c) => c.connector === reference.connector);
  return candidates
    .map((connection): ConnectionCandidate => {
      const healthy = connection.health.kind === 'connected';
      const usable = actingObjectId === null ? true : canUseConnection(connection, actingObjectId);
      const ownerRights = rightsOf(snapshot, connection.owner.objectId);
      const ownerDisabled = ownerRights?.disabled === true;
      const sameOwnerAsOthers = preferredOwner !== null && connection.owner.objectId.toLowerCase() === preferredOwner;
      const reasons = [
        healthy ? 'healthy' : `in error: ${connection.health.kind === 'error' ? connection.health.message : ''}`,
        usable ? 'usable by the acting identity' : 'not shared with the acting identity',
        ...(ownerDisabled ? ['owner is disabled'] : []),
        ...(sameOwnerAsOthers ? ["same owner as the environment's other references"] : []),
      ];
      const score = (healthy ? 1000 : 0) + (ownerDisabled ? 0 : 300) + (usable ? 100 : 0) + (sameOwnerAsOthers ? 10 : 0);
      return { connection, score, healthy, usable, ownerDisabled, sameOwnerAsOthers, reasons };
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
