import type { Connection, ConnectionRole } from '../model';

/**
 * What a principal may do with a connection (reference §2.4): the owner and holders of any share see
 * it (a tenant-wide share counts as CanView for everyone); the owner, CanEdit and CanViewWithShare
 * ("Can use + share") holders may share it onward.
 */

const rank: Record<ConnectionRole, number> = { CanView: 1, CanViewWithShare: 2, CanEdit: 3, Owner: 4 };

export function accessOf(connection: Connection, objectId: string): ConnectionRole | null {
  const id = objectId.toLowerCase();
  if (connection.createdBy.toLowerCase() === id) return 'Owner';
  let best: ConnectionRole | null = null;
  for (const p of connection.permissions) {
    const applies = p.principalType === 'Tenant' || p.principalId.toLowerCase() === id;
    if (!applies) continue;
    const role: ConnectionRole = p.principalType === 'Tenant' ? 'CanView' : p.roleName;
    if (best === null || rank[role] > rank[best]) best = role;
  }
  return best;
}

export const canSee = (connection: Connection, objectId: string): boolean => accessOf(connection, objectId) !== null;

export function canShare(connection: Connection, objectId: string): boolean {
  const access = accessOf(connection, objectId);
  return access !== null && rank[access] >= rank.CanViewWithShare;
}

/** The principal holding the Owner role (the creator). */
export function ownerOf(connection: Connection): string {
  return connection.permissions.find((p) => p.roleName === 'Owner')?.principalId ?? connection.createdBy;
}
