import { describeBlocker } from '../../../shared/engine/audit';
import { RAW_NAMES } from '../../../shared/engine/names';
import type { Blocker as EngineBlocker } from '../../../shared/engine/rules';
import { connectorDisplayName } from '../../../shared/flows/connectors';
import type { ActingIdentity, Blocker, CellReason, ConnectionView, Fix, PlanStep, ScanResult, Strategy, Verdict } from './types';

/** Plain words for plans, verdicts, fixes and identities, from what the scan knows about names. */

export interface Names {
  principal: (objectId: string) => string;
  connection: (envId: string, connectionName: string | null) => string;
  connectionView: (envId: string, connectionName: string | null) => ConnectionView | undefined;
  flow: (flowId: string) => string;
  /** A connection reference's display name from its logical name (the logical name when unknown). */
  reference: (logicalName: string) => string;
}

export function namesFrom(scan: ScanResult | null): Names {
  const principals = new Map(Object.entries(scan?.principals ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const flows = new Map((scan?.matrix.flows ?? []).map((f) => [f.flowId.toLowerCase(), f.displayName]));
  const references = new Map((scan?.matrix.references ?? []).map((r) => [r.logicalName.toLowerCase(), r.displayName]));
  const connectionView = (envId: string, name: string | null): ConnectionView | undefined => (name ? scan?.connections[envId]?.find((c) => c.name === name) : undefined);
  return {
    principal: (id) => principals.get(id.toLowerCase()) ?? id,
    connection: (envId, name) => {
      if (!name) return 'no connection';
      const view = connectionView(envId, name);
      return view ? `${view.displayName} (${view.owner.displayName})` : name;
    },
    connectionView,
    flow: (id) => flows.get(id.toLowerCase()) ?? id,
    reference: (logicalName) => references.get(logicalName.toLowerCase()) ?? logicalName,
  };
}

export const STRATEGY_NAMES: Record<Strategy, string> = {
  auto: 'Automatic',
  me: 'Me (signed-in account)',
  spn: 'Service principal',
  'connection-owner': 'Connection owner',
};

/** What each identity strategy can and cannot do (the Identity panel and the plan review say it). */
export const STRATEGY_HELP: Record<Strategy, { can: string; cannot: string }> = {
  auto: {
    can: 'Per flow, tries you, then the connection owner, then the service principal, and takes the first that can succeed.',
    cannot: 'Cannot guess past a blocker none of them can pass (a broken connection, a child flow that is off).',
  },
  me: {
    can: 'Wires and turns on flows with connections you own or that are shared with you; the change is recorded as you.',
    cannot: 'Cannot use connections that are neither yours nor shared with you (Share them first, or act as the connection owner).',
  },
  spn: {
    can: 'Acts as the pipeline’s service principal, as your release pipeline would; unattended and repeatable.',
    cannot: 'Cannot use connections not shared with it (use Share), and needs an application user in each environment.',
  },
  'connection-owner': {
    can: 'Impersonates each connection’s owner, so their connections need no sharing (as the seed post’s pipeline does).',
    cannot: 'Needs an account with the Delegate privilege here; cannot act for owners who are disabled.',
  },
};

export function identityWords(identity: ActingIdentity | null, names: Names): string {
  if (!identity) return 'no identity available';
  if (identity.mode === 'self') return names.principal(identity.objectId);
  return `${names.principal(identity.actorObjectId)}, acting as ${names.principal(identity.targetObjectId)}`;
}

/** A blocker in words: people and references by name; with the environment, connections by name too. */
export function blockerWords(blocker: Blocker, names: Names, envId?: string): string {
  // The renderer's Blocker is the IPC contract's flattened shape of the engine's union; same fields per code.
  return describeBlocker(blocker as unknown as EngineBlocker, {
    principal: names.principal,
    reference: names.reference,
    connection: envId ? (name) => names.connectionView(envId, name)?.displayName ?? name : RAW_NAMES.connection,
  });
}

export function reasonWords(reason: CellReason, names: Names, envId?: string): string {
  const connection = (id: string | undefined): string => (id && envId ? (names.connectionView(envId, id)?.displayName ?? id) : (id ?? ''));
  switch (reason.code) {
    case 'blocker':
      return reason.blocker ? capitalise(blockerWords(reason.blocker, names, envId)) + '.' : 'Blocked.';
    case 'may-fail':
      return reason.blocker ? `May fail: ${blockerWords(reason.blocker, names, envId)}.` : 'May fail.';
    case 'owner-disabled':
      return `The connection’s owner, ${reason.ownerName ?? names.principal(reason.ownerObjectId ?? '')}, is disabled.`;
    case 'not-shared-with-spn':
      return `Connection ${connection(reason.connectionName)} is not shared with the deploying service principal${reason.spnObjectId ? ` (${names.principal(reason.spnObjectId)})` : ''}.`;
    case 'connection-error':
      return `The connection is in error: ${reason.message ?? 'unknown error'}`;
    case 'value-differs':
      return `The settings file says “${reason.fileValue ?? ''}”, the environment has “${reason.liveValue ?? '(no value)'}”.`;
  }
}

export const capitalise = (s: string): string => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

export const OUTCOME: Record<Verdict['outcome'], { symbol: string; label: string; tone: 'good' | 'bad' | 'warn' }> = {
  'will-succeed': { symbol: '✓', label: 'Will succeed', tone: 'good' },
  'will-fail': { symbol: '✗', label: 'Will fail', tone: 'bad' },
  'may-fail': { symbol: '?', label: 'May fail', tone: 'warn' },
};

/** Why a step will (or may) fail, one sentence per blocker. */
export function verdictReasons(verdict: Verdict, names: Names, envId?: string): string[] {
  if (verdict.outcome === 'will-succeed') return [];
  if (!verdict.identity) return [`No identity can act as ${STRATEGY_NAMES[verdict.strategy]} here (is one signed in and configured?).`];
  return verdict.blockers.map((b) => capitalise(blockerWords(b, names, envId)) + '.');
}

export const STEP_KIND_LABEL: Record<PlanStep['kind'], string> = {
  share: 'Share',
  unshare: 'Unshare',
  wire: 'Wire',
  'set-variable': 'Set value',
  activate: 'Turn on',
  deactivate: 'Turn off',
};

export function stepTarget(step: PlanStep, names: Names): string {
  const t = step.target;
  switch (t.type) {
    case 'connection':
      return `${names.connection(step.environmentId, t.connectionName)} with ${t.principalName}`;
    case 'reference':
      return `${t.displayName} (${connectorDisplayName(t.connector)})`;
    case 'flow':
      return t.name;
    case 'variable':
      return t.displayName || t.schemaName;
  }
}

/** The before and after of a step, in words. */
export function stepChange(step: PlanStep, names: Names): { before: string; after: string } {
  switch (step.kind) {
    case 'wire': {
      const label = (name: string | null): string => names.connectionView(step.environmentId, name)?.displayName ?? (name ? `${name} (not here)` : 'No connection');
      return { before: step.before ? label(step.before) : 'No connection', after: label(step.after) };
    }
    case 'share':
    case 'unshare':
      return { before: step.before ?? 'Not shared', after: roleWords(step.after) };
    case 'activate':
    case 'deactivate':
      return { before: step.before === 'on' ? 'On' : 'Off', after: step.after === 'on' ? 'On' : 'Off' };
    case 'set-variable':
      return { before: step.before ?? '(no value)', after: step.after ?? '(no value)' };
  }
}

const roleWords = (role: string | null): string => (role === 'CanView' ? 'Can use' : role === 'CanViewWithShare' ? 'Can use and share' : role === 'CanEdit' ? 'Can edit' : (role ?? 'Not shared'));

/** For a wire step: whose connection it will point at, and its health. */
export function wireNote(step: PlanStep, names: Names): string | null {
  if (step.kind !== 'wire') return null;
  const view = names.connectionView(step.environmentId, step.after);
  if (!view) return null;
  return `owned by ${view.owner.displayName}${view.ownerDisabled ? ' (disabled)' : ''} · ${view.health.kind === 'connected' ? 'connected' : 'in error'}`;
}

/** A fix as a button label (amending fixes) or as an instruction (fixes a person does elsewhere). */
export function fixLabel(fix: Fix, step: PlanStep, names: Names): string {
  switch (fix.kind) {
    case 'wire':
      return fix.connectionName ? `Wire ${fix.logicalName ?? 'it'} to ${names.connection(step.environmentId, fix.connectionName)}` : `Create a ${fix.connector ? connectorDisplayName(fix.connector) : ''} connection for ${fix.logicalName ?? 'it'} (none is usable here)`;
    case 'share':
      return `Share ${names.connection(step.environmentId, fix.connectionName ?? null)} with ${names.principal(fix.principalObjectId ?? '')}`;
    case 'activate-first':
      return `Turn on ${fix.flowName ?? names.flow(fix.flowId ?? '')} first`;
    case 'use-identity':
      return `Act as ${STRATEGY_NAMES[fix.strategy ?? 'me']}`;
    case 'grant-delegate':
      return `Give ${names.principal(fix.objectId ?? '')} the Delegate security role (Power Platform admin center)`;
    case 'add-application-user':
      return `Add ${names.principal(fix.objectId ?? '')} as an application user here (Power Platform admin center)`;
    case 'repair-connection':
      return `Repair connection ${names.connection(step.environmentId, fix.connectionName ?? null)} in the maker portal`;
  }
}

/** What a set of fixes does, in a few words: the "Changes you made" line of "Apply all suggested fixes". */
export function fixesGist(fixes: readonly Fix[]): string {
  const wired = new Set<string>();
  const first = new Set<string>();
  const parts: string[] = [];
  for (const fix of fixes) {
    if (fix.kind === 'wire' && fix.logicalName) wired.add(fix.logicalName.toLowerCase());
    else if (fix.kind === 'activate-first') first.add(fix.flowName ?? fix.flowId ?? 'a child flow');
  }
  if (wired.size) parts.push(`wire ${wired.size === 1 ? 'a reference' : `${wired.size} references`} to the suggested ${wired.size === 1 ? 'connection' : 'connections'}`);
  if (first.size) parts.push(`turn on ${[...first].join(', ')} first`);
  if (fixes.some((f) => f.kind === 'share')) parts.push('share the connections each step needs with the identity that acts');
  for (const strategy of new Set(fixes.flatMap((f) => (f.kind === 'use-identity' && f.strategy ? [f.strategy] : [])))) parts.push(`act as ${STRATEGY_NAMES[strategy].toLowerCase()}`);
  return parts.join('; ');
}

/**
 * The same step in two plans of one intent (before and after an amendment): environment, kind and
 * target. Step ids are not kept across planning, so they cannot say it.
 */
export function stepKey(step: Pick<PlanStep, 'environmentId' | 'kind' | 'target'>): string {
  return `${step.environmentId.toLowerCase()}|${step.kind}|${JSON.stringify(step.target)}`;
}
