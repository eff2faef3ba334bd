import type { CloudFlow, ConnectionReference } from '../domain/types';
import {
  activationBlockers,
  isCertain,
  referenceBlocker,
  writerBlockers,
  effectiveConnectionId,
  type ActivationContext,
  type Blocker,
} from './rules';
import { canShareConnection, canUseConnection, connectionByName, rightsOf, type ConnectionWithShares, type EnvironmentSnapshot, type IdentityRole } from './snapshot';
import { suggestConnection } from './suggest';

/**
 * Preflight: before a step runs, will it succeed, as whom, and if not, why and what fixes it. The
 * identity strategies (design §4): act as the signed-in account (`me`), as the pipeline service principal
 * (`spn`), or impersonate the connection owner (`connection-owner`) with an account that holds the
 * Delegate privilege. `auto` tries me, then connection owner, then spn, and takes the first that works.
 */

export type IdentityStrategy = 'auto' | 'me' | 'spn' | 'connection-owner';
export type ResolvedStrategy = Exclude<IdentityStrategy, 'auto'>;

export type ActingIdentity =
  | { mode: 'self'; role: IdentityRole; objectId: string }
  | { mode: 'impersonate'; role: IdentityRole; actorObjectId: string; targetObjectId: string };

export const effectiveObjectId = (identity: ActingIdentity): string => (identity.mode === 'self' ? identity.objectId : identity.targetObjectId);

export type Fix =
  | { kind: 'wire'; referenceId: string; logicalName: string; connectionName: string | null }
  | { kind: 'share'; connectionName: string; connector: string; principalObjectId: string; role: 'CanView' }
  | { kind: 'activate-first'; flowId: string; flowName: string }
  | { kind: 'use-identity'; strategy: ResolvedStrategy }
  | { kind: 'grant-delegate'; objectId: string }
  | { kind: 'add-application-user'; objectId: string }
  | { kind: 'repair-connection'; connectionName: string };

export type Outcome = 'will-succeed' | 'will-fail' | 'may-fail';

export interface Verdict {
  outcome: Outcome;
  strategy: ResolvedStrategy;
  /** null when no identity could be chosen (e.g. no SPN configured). */
  identity: ActingIdentity | null;
  blockers: Blocker[];
  fixes: Fix[];
}

export const outcomeOf = (blockers: readonly Blocker[]): Outcome =>
  blockers.length === 0 ? 'will-succeed' : blockers.some(isCertain) ? 'will-fail' : 'may-fail';

const AUTO_ORDER: readonly ResolvedStrategy[] = ['me', 'connection-owner', 'spn'];

/** The account that impersonates: the signed-in one if it may, else the service principal. */
function impersonator(snapshot: EnvironmentSnapshot): { role: IdentityRole; objectId: string } | null {
  for (const role of ['me', 'spn'] as const) {
    const id = snapshot.identities[role];
    const rights = id ? rightsOf(snapshot, id) : undefined;
    if (id && rights?.present && rights.delegate && !rights.disabled) return { role, objectId: id };
  }
  return null;
}

/** Checks the acting identity itself: present, enabled, allowed to write; for impersonation, Delegate too. */
function identityBlockers(snapshot: EnvironmentSnapshot, identity: ActingIdentity): Blocker[] {
  if (identity.mode === 'self') return writerBlockers(snapshot, identity.objectId);
  const actor = writerBlockers(snapshot, identity.actorObjectId);
  if (actor.length) return actor;
  if (!rightsOf(snapshot, identity.actorObjectId)?.delegate) return [{ code: 'no-delegate', objectId: identity.actorObjectId }];
  return writerBlockers(snapshot, identity.targetObjectId);
}

function selfIdentity(snapshot: EnvironmentSnapshot, role: IdentityRole): ActingIdentity | null {
  const id = snapshot.identities[role];
  return id ? { mode: 'self', role, objectId: id } : null;
}

/** Who to impersonate for a flow: the owner who can use all its connections, else the one who owns most. */
function ownerForFlow(snapshot: EnvironmentSnapshot, flow: CloudFlow, context: ActivationContext): string | null {
  const connections: ConnectionWithShares[] = [];
  for (const use of flow.references.filter((r) => r.runtimeSource === 'embedded')) {
    const ref = snapshot.references.find((r) => r.logicalName.toLowerCase() === (use.logicalName ?? use.key).toLowerCase());
    const connection = ref ? connectionByName(snapshot, effectiveConnectionId(ref, context)) : undefined;
    if (connection) connections.push(connection);
  }
  if (!connections.length) return null;
  const owners = [...new Set(connections.map((c) => c.owner.objectId.toLowerCase()))].sort();
  const score = (owner: string): [number, number] => [
    connections.filter((c) => c.owner.objectId.toLowerCase() === owner || c.shares.some((s) => s.principal.objectId.toLowerCase() === owner)).length,
    connections.filter((c) => c.owner.objectId.toLowerCase() === owner).length,
  ];
  return owners.sort((a, b) => {
    const [ua, oa] = score(a);
    const [ub, ob] = score(b);
    return ub - ua || ob - oa;
  })[0] ?? null;
}

function resolveIdentity(
  snapshot: EnvironmentSnapshot,
  strategy: ResolvedStrategy,
  target: () => string | null,
): ActingIdentity | null {
  if (strategy !== 'connection-owner') return selfIdentity(snapshot, strategy);
  const actor = impersonator(snapshot) ?? (snapshot.identities.me ? { role: 'me' as const, objectId: snapshot.identities.me } : null);
  if (!actor) return null;
  const owner = target();
  if (!owner || owner === actor.objectId.toLowerCase()) return { mode: 'self', role: actor.role, objectId: actor.objectId };
  return { mode: 'impersonate', role: actor.role, actorObjectId: actor.objectId, targetObjectId: owner };
}

function fixesFor(snapshot: EnvironmentSnapshot, blockers: readonly Blocker[], identity: ActingIdentity, strategy: ResolvedStrategy): Fix[] {
  const fixes: Fix[] = [];
  const acting = effectiveObjectId(identity);
  for (const b of blockers) {
    switch (b.code) {
      case 'reference-unwired':
      case 'reference-dangling':
      case 'reference-missing': {
        const ref = 'referenceId' in b ? snapshot.references.find((r) => r.id === b.referenceId) : undefined;
        if (!ref) break;
        const suggestion = suggestConnection(snapshot, ref, strategy === 'connection-owner' ? null : acting);
        fixes.push({ kind: 'wire', referenceId: ref.id, logicalName: ref.logicalName, connectionName: suggestion?.connection.name ?? null });
        break;
      }
      case 'connection-broken': {
        const ref = snapshot.references.find((r) => r.id === b.referenceId);
        const suggestion = ref ? suggestConnection(snapshot, ref, strategy === 'connection-owner' ? null : acting) : null;
        if (ref && suggestion && suggestion.connection.name !== b.connectionName) {
          fixes.push({ kind: 'wire', referenceId: ref.id, logicalName: ref.logicalName, connectionName: suggestion.connection.name });
        } else fixes.push({ kind: 'repair-connection', connectionName: b.connectionName });
        break;
      }
      case 'connection-not-usable': {
        const connection = connectionByName(snapshot, b.connectionName);
        fixes.push({ kind: 'share', connectionName: b.connectionName, connector: connection?.connector ?? '', principalObjectId: b.principalObjectId, role: 'CanView' });
        if (strategy !== 'connection-owner') fixes.push({ kind: 'use-identity', strategy: 'connection-owner' });
        break;
      }
      case 'child-off':
        fixes.push({ kind: 'activate-first', flowId: b.childId, flowName: b.childName });
        break;
      case 'no-delegate':
        fixes.push({ kind: 'grant-delegate', objectId: b.objectId });
        break;
      case 'identity-absent':
        fixes.push({ kind: 'add-application-user', objectId: b.objectId });
        break;
      default:
        break;
    }
  }
  // One fix per target: the same connection shared twice is one share.
  const seen = new Set<string>();
  return fixes.filter((f) => {
    const key = JSON.stringify(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function verdict(snapshot: EnvironmentSnapshot, strategy: ResolvedStrategy, identity: ActingIdentity, blockers: Blocker[]): Verdict {
  return { outcome: outcomeOf(blockers), strategy, identity, blockers, fixes: fixesFor(snapshot, blockers, identity, strategy) };
}

/** Tries strategies in order and keeps the first that succeeds (else may-fail, else the first tried). */
function firstThatWorks(strategy: IdentityStrategy, evaluate: (s: ResolvedStrategy) => Verdict): Verdict {
  if (strategy !== 'auto') return evaluate(strategy);
  const tried = AUTO_ORDER.map(evaluate);
  return tried.find((v) => v.outcome === 'will-succeed') ?? tried.find((v) => v.outcome === 'may-fail') ?? (tried[0] as Verdict);
}

const noIdentity = (strategy: ResolvedStrategy): Verdict => ({
  outcome: 'will-fail',
  strategy,
  identity: null,
  blockers: [],
  fixes: strategy === 'spn' ? [{ kind: 'use-identity', strategy: 'me' }] : [],
});

/** Turning a flow on. */
export function preflightActivate(snapshot: EnvironmentSnapshot, flow: CloudFlow, strategy: IdentityStrategy, context: ActivationContext = {}): Verdict {
  return firstThatWorks(strategy, (s) => {
    const identity = resolveIdentity(snapshot, s, () => ownerForFlow(snapshot, flow, context));
    if (!identity) return noIdentity(s);
    const who = identityBlockers(snapshot, identity);
    return verdict(snapshot, s, identity, who.length ? who : activationBlockers(snapshot, flow, effectiveObjectId(identity), context));
  });
}

/** Turning a flow off: only the identity's own rights matter. */
export function preflightDeactivate(snapshot: EnvironmentSnapshot, strategy: IdentityStrategy): Verdict {
  return firstThatWorks(strategy, (s) => {
    const identity = resolveIdentity(snapshot, s, () => null);
    return identity ? verdict(snapshot, s, identity, identityBlockers(snapshot, identity)) : noIdentity(s);
  });
}

/** Pointing a reference at a connection (or clearing it with null). */
export function preflightWire(
  snapshot: EnvironmentSnapshot,
  reference: ConnectionReference,
  connectionName: string | null,
  strategy: IdentityStrategy,
  context: ActivationContext = {},
): Verdict {
  const connection = connectionByName(snapshot, connectionName);
  return firstThatWorks(strategy, (s) => {
    const identity = resolveIdentity(snapshot, s, () => connection?.owner.objectId.toLowerCase() ?? null);
    if (!identity) return noIdentity(s);
    const who = identityBlockers(snapshot, identity);
    if (who.length || connectionName === null) return verdict(snapshot, s, identity, who);
    // Setting the value it already has changes nothing, and the platform checks nothing.
    if (effectiveConnectionId(reference, context) === connectionName) return verdict(snapshot, s, identity, []);
    // Wiring to a connection in error is allowed by the platform (only activation fails); it is shown, not blocked.
    const probe = referenceBlocker(snapshot, { ...reference, connectionId: connectionName }, effectiveObjectId(identity), { ...context, wiredBefore: new Map() }, true);
    return verdict(snapshot, s, identity, probe ? [probe] : []);
  });
}

/** Sharing a connection with a principal: the acting identity must be an admin, or hold share rights. */
export function preflightShare(snapshot: EnvironmentSnapshot, connectionName: string, principalObjectId: string, strategy: IdentityStrategy): Verdict {
  const connection = connectionByName(snapshot, connectionName);
  return firstThatWorks(strategy, (s) => {
    const identity = s === 'connection-owner' && connection
      ? ({ mode: 'self', role: 'me', objectId: connection.owner.objectId } as const)
      : selfIdentity(snapshot, s === 'connection-owner' ? 'me' : s);
    if (!identity) return noIdentity(s);
    if (!connection) return verdict(snapshot, s, identity, [{ code: 'connection-missing', connectionName }]);
    const acting = effectiveObjectId(identity);
    // Already usable by the principal: nothing to share, nothing can fail.
    if (canUseConnection(connection, principalObjectId)) return verdict(snapshot, s, identity, []);
    // Sharing goes through the admin API for admins; impersonation does not exist there, so a connection
    // owner's share is only possible when the owner is the signed-in account.
    const admin = rightsOf(snapshot, acting)?.platformAdmin === true;
    const allowed = admin || canShareConnection(connection, acting);
    const ownerIsSignedIn = s !== 'connection-owner' || connection.owner.objectId.toLowerCase() === snapshot.identities.me?.toLowerCase();
    return verdict(snapshot, s, identity, allowed && ownerIsSignedIn ? [] : [{ code: 'cannot-share', connectionName, principalObjectId: acting }]);
  });
}

