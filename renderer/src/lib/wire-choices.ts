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

const wireGroups = (plan: Plan | null): Map<string, { envId: string; connector: string; refs: Map<string, string>; afters: Set<string | null> }> => {
  const groups = new Map<string, { envId: string; connector: string; refs: Map<string, string>; afters: Set<string | null> }>();
  for (const step of plan?.steps ?? []) {
    if (step.kind !== 'wire' || step.target.type !== 'reference') continue;
    const key = `${step.environmentId}\u0001${step.target.connector}`;
    const g = groups.get(key) ?? { envId: step.environmentId, connector: step.target.connector, refs: new Map(), afters: new Set() };
    g.refs.set(step.target.logicalName, step.target.displayName);
    g.afters.add(step.after);
    groups.set(key, g);
  }
  return groups;
};

/** `first` is the plan of the original intent (its choices are the suggestions); `current` the latest. */
export function wireChoices(first: Plan | null, current: Plan | null, intent: Intent | null, scan: ScanResult | null): WireChoice[] {
  if (!intent?.wire) return [];
  const suggestions = wireGroups(first);
  const now = wireGroups(current);
  const keys = [...new Set([...suggestions.keys(), ...now.keys()])];
  const envNames = new Map([...(current?.environments ?? []), ...(first?.environments ?? [])].map((e) => [e.id, e.displayName]));
  const envOrder = new Map(intent.environmentIds.map((id, i) => [id, i]));
  return keys
    .map((key): WireChoice => {
      const s = suggestions.get(key);
      const n = now.get(key);
      const base = (n ?? s) as NonNullable<typeof n>;
      const refs = new Map([...(s?.refs ?? []), ...(n?.refs ?? [])]);
      const pinned = intent.wire?.pinned?.[base.envId]?.[base.connector] ?? null;
      const chosen = n ? (n.afters.size === 1 ? ([...n.afters][0] ?? null) : null) : pinned;
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
        options: rankOptions((scan?.connections[base.envId] ?? []).filter((c) => c.connector === base.connector), strategyIn(intent, base.envId)),
      };
    })
    .sort((a, b) => (envOrder.get(a.envId) ?? 0) - (envOrder.get(b.envId) ?? 0) || a.connectorName.localeCompare(b.connectorName));
}
