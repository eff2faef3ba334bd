import { connectorDisplayName } from '../../../shared/flows/connectors';
import { strategyIn } from './intent';
import type { ConnectionView, Intent, Plan, ScanResult } from './types';

/**
 * The Wire choices of a plan: per environment × connector, which connection its references will point
 * at, the main side's suggestion, and every connection of that connector there, best first. One choice
 * applies to all references of the connector (it pins `intent.wire.pinned[env][connector]`).
 */

export interface ConnectionOption {
  connection: ConnectionView;
  usable: boolean;
  healthy: boolean;
}

export interface WireChoice {
  envId: string;
  envName: string;
  connector: string;
  connectorName: string;
  references: { logicalName: string; displayName: string }[];
  /** The connection the current plan wires them to (null when they differ per reference). */
  chosen: string | null;
  suggested: string | null;
  pinned: string | null;
  /** The connection its references use now, when they all use the same one. */
  current: string | null;
  options: ConnectionOption[];
}

function usableBy(connection: ConnectionView, strategy: string): boolean {
  if (strategy === 'spn') return connection.usableBy.spn;
  if (strategy === 'me') return connection.usableBy.me;
  return true;
}

export function rankOptions(connections: readonly ConnectionView[], strategy: string): ConnectionOption[] {
  return connections
    .map((connection) => ({ connection, usable: usableBy(connection, strategy), healthy: connection.health.kind === 'connected' }))
    .sort(
      (a, b) =>
        Number(b.healthy) - Number(a.healthy) ||
        Number(a.connection.ownerDisabled) - Number(b.connection.ownerDisabled) ||
        Number(b.usable) - Number(a.usable) ||
        b.connection.createdTime.localeCompare(a.connection.createdTime) ||
        a.connection.displayName.localeCompare(b.connection.displayName),
    );
}

const wireGroups = (plan: Plan | null): Map<string, { envId: string; connector: string; refs: Map<string, string>; afters: Set<string | null>; strategies: Set<string> }> => {
  const groups = new Map<string, { envId: string; connector: string; refs: Map<string, string>; afters: Set<string | null>; strategies: Set<string> }>();
  for (const step of plan?.steps ?? []) {
    if (step.kind !== 'wire' || step.target.type !== 'reference') continue;
    const key = `${step.environmentId}\u0001${step.target.connector}`;
    const g = groups.get(key) ?? { envId: step.environmentId, connector: step.target.connector, refs: new Map(), afters: new Set(), strategies: new Set() };
    g.refs.set(step.target.logicalName, step.target.displayName);
    g.afters.add(step.after);
    g.strategies.add(step.strategy);
    groups.set(key, g);
  }
  return groups;
};

/**
 * References the person selected by hand that the plan leaves alone (already wired to the connection the
 * main side would suggest): they still get a choice, so Wire on a wired reference can re-wire it.
 */
const selectedGroups = (intent: Intent, scan: ScanResult | null): Map<string, { envId: string; connector: string; refs: Map<string, string> }> => {
  const groups = new Map<string, { envId: string; connector: string; refs: Map<string, string> }>();
  const select = intent.wire?.select;
  if (!Array.isArray(select) || !scan) return groups;
  const wanted = new Set(select.map((s) => s.toLowerCase()));
  for (const row of scan.matrix.references) {
    if (!wanted.has(row.logicalName.toLowerCase())) continue;
    for (const envId of intent.environmentIds) {
      const cell = row.cells[envId];
      // Only references on a connection: one the plan does not wire has nothing to choose from otherwise.
      if (!cell || cell.state === 'absent' || !cell.connectionId) continue;
      const key = `${envId}\u0001${row.connector}`;
      const g = groups.get(key) ?? { envId, connector: row.connector, refs: new Map() };
      g.refs.set(row.logicalName, row.displayName);
      groups.set(key, g);
    }
  }
  return groups;
};

/** The connection all these references use now in one environment, or null when none or several. */
function currentConnection(scan: ScanResult | null, envId: string, logicalNames: Iterable<string>): string | null {
  const names = new Set([...logicalNames].map((n) => n.toLowerCase()));
  const ids = new Set((scan?.matrix.references ?? []).filter((r) => names.has(r.logicalName.toLowerCase())).map((r) => r.cells[envId]?.connectionId ?? null));
  return ids.size === 1 ? ([...ids][0] ?? null) : null;
}

/**
 * Whom "usable by the acting identity" is about: the identity the plan resolved for these wire steps
 * (Automatic becomes me, connection owner or service principal per environment), else for any step of
 * the environment, else the intent's own strategy. Asking the intent alone would call every connection
 * usable under Automatic even when the plan then acts as the signed-in account and fails.
 */
function actingStrategy(plan: Plan, group: { strategies: Set<string> } | undefined, intent: Intent, envId: string): string {
  const resolved = group?.strategies.size ? group.strategies : new Set(plan.steps.filter((s) => s.environmentId === envId).map((s) => s.strategy));
  return resolved.size === 1 ? ([...resolved][0] ?? strategyIn(intent, envId)) : strategyIn(intent, envId);
}

/** `first` is the plan of the original intent (its choices are the suggestions); `current` the latest. */
export function wireChoices(first: Plan | null, current: Plan | null, intent: Intent | null, scan: ScanResult | null): WireChoice[] {
  // Choices belong to a plan: none while the first one is being built, or when it could not be.
  if (!intent?.wire || !current) return [];
  const suggestions = wireGroups(first);
  const now = wireGroups(current);
  const selected = selectedGroups(intent, scan);
  const keys = [...new Set([...suggestions.keys(), ...now.keys(), ...selected.keys()])];
  const envNames = new Map([
    ...(scan?.matrix.columns ?? []).map((c) => [c.environmentId, c.displayName] as const),
    ...[...current.environments, ...(first?.environments ?? [])].map((e) => [e.id, e.displayName] as const),
  ]);
  const envOrder = new Map(intent.environmentIds.map((id, i) => [id, i]));
  return keys
    .map((key): WireChoice => {
      const s = suggestions.get(key);
      const n = now.get(key);
      const picked = selected.get(key);
      const base = (n ?? s ?? picked) as NonNullable<typeof picked>;
      const refs = new Map([...(picked?.refs ?? []), ...(s?.refs ?? []), ...(n?.refs ?? [])]);
      const pinned = intent.wire?.pinned?.[base.envId]?.[base.connector] ?? null;
      const currentNow = currentConnection(scan, base.envId, refs.keys());
      // No wiring step: the references stay on the connection they use now (or on the one pinned).
      const chosen = n ? (n.afters.size === 1 ? ([...n.afters][0] ?? null) : null) : (pinned ?? currentNow);
      const suggested = s && s.afters.size === 1 ? ([...s.afters][0] ?? null) : null;
      return {
        envId: base.envId,
        envName: envNames.get(base.envId) ?? base.envId,
        connector: base.connector,
        connectorName: connectorDisplayName(base.connector),
        references: [...refs].map(([logicalName, displayName]) => ({ logicalName, displayName })),
        chosen,
        suggested,
        pinned,
        current: currentNow,
        options: rankOptions((scan?.connections[base.envId] ?? []).filter((c) => c.connector === base.connector), actingStrategy(current, n, intent, base.envId)),
      };
    })
    .sort((a, b) => (envOrder.get(a.envId) ?? 0) - (envOrder.get(b.envId) ?? 0) || a.connectorName.localeCompare(b.connectorName));
}
