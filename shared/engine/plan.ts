import type { CloudFlow } from '../domain/types';
import {
  preflightActivate,
  preflightDeactivate,
  preflightShare,
  preflightWire,
  type ActingIdentity,
  type Fix,
  type IdentityStrategy,
  type ResolvedStrategy,
  type Verdict,
  effectiveObjectId,
} from './preflight';
import { shareKey } from './rules';
import { connectionByName, flowById, referenceByLogicalName, rightsOf, type EnvironmentSnapshot } from './snapshot';
import { dominantOwner, suggestConnection } from './suggest';

/**
 * From an intent ("wire what needs it, turn every flow on, as the connection owners, sharing where that
 * is what blocks") to an explicit, reviewable plan: steps per environment with their dependencies —
 * share → wire → children → parents — each with before → after and its preflight verdict. Plans are
 * plain JSON so they can be reviewed, approved, saved and replayed.
 */

export type StepTarget =
  | { type: 'connection'; connectionName: string; connector: string; principalObjectId: string; principalName: string }
  | { type: 'reference'; referenceId: string; logicalName: string; displayName: string; connector: string }
  | { type: 'flow'; flowId: string; name: string }
  | { type: 'variable'; definitionId: string; schemaName: string; displayName: string };

export type StepKind = 'share' | 'unshare' | 'wire' | 'set-variable' | 'activate' | 'deactivate';

export interface PlanStep {
  id: string;
  environmentId: string;
  kind: StepKind;
  target: StepTarget;
  /** Connection id for wiring, 'on'/'off' for flows, the role for shares, the variable's value; null = none. */
  before: string | null;
  after: string | null;
  strategy: ResolvedStrategy;
  identity: ActingIdentity | null;
  dependsOn: string[];
  verdict: Verdict;
  /** The row version read at plan time: apply refuses to overwrite a change made since. */
  etag: string | null;
}

export interface PlanEnvironment {
  id: string;
  displayName: string;
  instanceUrl: string | null;
}

export interface Plan {
  format: 'patchbay-plan';
  formatVersion: 1;
  id: string;
  createdAt: string;
  solution: string;
  environments: PlanEnvironment[];
  steps: PlanStep[];
  warnings: string[];
}

export interface WireIntent {
  /** Which references: those that need it (unwired, dangling, broken, owner disabled), all, or these logical names. */
  select: 'needing' | 'all' | string[];
  /** Pinned choices: environment id → (reference logical name | connector name) → connection name. */
  pinned?: Record<string, Record<string, string>>;
}

export interface Intent {
  solution: string;
  environmentIds: string[];
  wire?: WireIntent;
  /** Flows to turn on: every flow of the solution that is off, or these workflowids. */
  activate?: 'all' | string[];
  deactivate?: 'all' | string[];
  /** Environment variable values to set: environment id → schema name → value (a settings file's). */
  variables?: Record<string, Record<string, string>>;
  identity: IdentityStrategy | Record<string, IdentityStrategy>;
  /** Share connections with the acting identity where that is what blocks wiring or activation. */
  share: boolean;
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
  constructor(
    readonly code: 'cycle' | 'unknown-environment' | 'unknown-flow' | 'unknown-reference',
    message: string,
  ) {
    super(message);
  }
}

const strategyFor = (intent: Intent, envId: string): IdentityStrategy => (typeof intent.identity === 'string' ? intent.identity : (intent.identity[envId] ?? 'auto'));

/** Children before parents among `flows`; a cycle in the call graph is an error naming its flows. */
export function activationOrder(flows: readonly CloudFlow[]): CloudFlow[] {
  const byId = new Map(flows.map((f) => [f.id.toLowerCase(), f]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: CloudFlow[] = [];
  const visit = (flow: CloudFlow, path: CloudFlow[]): void => {
    const id = flow.id.toLowerCase();
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.findIndex((f) => f.id.toLowerCase() === id)), flow].map((f) => f.name);
      throw new PlanError('cycle', `These flows call each other in a cycle, so none can be turned on first: ${cycle.join(' → ')}.`);
    }
    state.set(id, 'visiting');
    for (const childId of flow.childFlowIds) {
      const child = byId.get(childId.toLowerCase());
      if (child) visit(child, [...path, flow]);
    }
    state.set(id, 'done');
    order.push(flow);
  };
  for (const flow of [...flows].sort((a, b) => a.name.localeCompare(b.name))) visit(flow, []);
  return order;
}

function needsWiring(snapshot: EnvironmentSnapshot, logicalName: string): boolean {
  const ref = referenceByLogicalName(snapshot, logicalName);
  if (!ref) return false;
  if (!ref.connectionId) return true;
  const connection = connectionByName(snapshot, ref.connectionId);
  if (!connection || connection.connector !== ref.connector || connection.health.kind === 'error') return true;
  return rightsOf(snapshot, connection.owner.objectId)?.disabled === true;
}

function principalName(snapshot: EnvironmentSnapshot, objectId: string): string {
  return rightsOf(snapshot, objectId)?.displayName ?? objectId;
}

/** Builds the steps of one environment, threading what earlier steps change into later verdicts. */
function environmentSteps(snapshot: EnvironmentSnapshot, intent: Intent, warnings: string[]): PlanStep[] {
  const env = snapshot.environment;
  const strategy = strategyFor(intent, env.id);
  const steps: PlanStep[] = [];
  const wiredBefore = new Map<string, string>();
  const sharedBefore = new Set<string>();
  const onBefore = new Set<string>();
  const stepId = (kind: StepKind, key: string): string => `${env.id}:${kind}:${key}`;
  if (!snapshot.solution) {
    warnings.push(`${env.displayName}: the solution ${intent.solution} is not installed; nothing to do there.`);
    return steps;
  }

  /**
   * Plans the shares named by `fixes` (once each: a share asked for by several steps is one step) and
   * returns their ids for the asking step to wait on. Share steps go first in the plan, whichever step
   * asked for them, so wire and activation steps can both depend on the same share.
   */
  const planShares = (fixes: readonly Fix[]): string[] => {
    const ids: string[] = [];
    for (const fix of fixes) {
      if (fix.kind !== 'share') continue;
      const key = shareKey(fix.connectionName, fix.principalObjectId);
      const id = stepId('share', key);
      if (!sharedBefore.has(key)) {
        const asMe = preflightShare(snapshot, fix.connectionName, fix.principalObjectId, 'me');
        const shareVerdict = asMe.outcome === 'will-succeed' ? asMe : preflightShare(snapshot, fix.connectionName, fix.principalObjectId, 'spn');
        steps.push({
          id,
          environmentId: env.id,
          kind: 'share',
          target: { type: 'connection', connectionName: fix.connectionName, connector: fix.connector, principalObjectId: fix.principalObjectId, principalName: principalName(snapshot, fix.principalObjectId) },
          before: null,
          after: 'CanView',
          strategy: shareVerdict.strategy,
          identity: shareVerdict.identity,
          dependsOn: [],
          verdict: shareVerdict,
          etag: null,
        });
        sharedBefore.add(key);
      }
      ids.push(id);
    }
    return ids;
  };

  // ── wiring
  const wireStepFor = new Map<string, string>();
  if (intent.wire) {
    const pinned = intent.wire.pinned?.[env.id] ?? {};
    const select = intent.wire.select;
    const chosen =
      select === 'all' ? snapshot.references : select === 'needing' ? snapshot.references.filter((r) => needsWiring(snapshot, r.logicalName)) : select.map((name) => {
        const ref = referenceByLogicalName(snapshot, name);
        if (!ref) throw new PlanError('unknown-reference', `${env.displayName} has no connection reference '${name}' in ${intent.solution}.`);
        return ref;
      });
    const actingForSuggestion = strategy === 'me' || strategy === 'spn' ? (snapshot.identities[strategy] ?? null) : null;
    const preferred = dominantOwner(snapshot, actingForSuggestion);
    for (const ref of chosen) {
      const target = pinned[ref.logicalName] ?? pinned[ref.logicalName.toLowerCase()] ?? pinned[ref.connector] ?? suggestConnection(snapshot, ref, actingForSuggestion, preferred)?.connection.name ?? null;
      if (target === null) {
        warnings.push(`${env.displayName}: no healthy connection for ${ref.displayName} (${ref.connector}); create one in the maker portal, then plan again.`);
        continue;
      }
      if (target === ref.connectionId) continue;
      let verdict = preflightWire(snapshot, ref, target, strategy, { wiredBefore, sharedBefore, onBefore });
      // Wiring needs the acting identity to be able to use the connection too: when asked to share, share
      // it with whoever will wire (the fix "Share … with <person>" on a wire step amends the intent to this).
      // Fixes are taken as if nothing were shared yet, so a wire step also waits for an earlier step's share.
      let dependsOn: string[] = [];
      if (intent.share && verdict.identity) {
        const unshared = preflightWire(snapshot, ref, target, verdict.strategy, { wiredBefore, onBefore });
        dependsOn = planShares(unshared.fixes);
        if (dependsOn.length) verdict = preflightWire(snapshot, ref, target, verdict.strategy, { wiredBefore, sharedBefore, onBefore });
      }
      const id = stepId('wire', ref.logicalName.toLowerCase());
      steps.push({
        id,
        environmentId: env.id,
        kind: 'wire',
        target: { type: 'reference', referenceId: ref.id, logicalName: ref.logicalName, displayName: ref.displayName, connector: ref.connector },
        before: ref.connectionId,
        after: target,
        strategy: verdict.strategy,
        identity: verdict.identity,
        dependsOn,
        verdict,
        etag: ref.etag,
      });
      wireStepFor.set(ref.logicalName.toLowerCase(), id);
      wiredBefore.set(ref.logicalName.toLowerCase(), target);
    }
  }

  // ── environment variable values (before flows turn on: flows read them at run time)
  for (const [schemaName, value] of Object.entries(intent.variables?.[env.id] ?? {})) {
    const variable = snapshot.envVars.find((v) => v.schemaName.toLowerCase() === schemaName.toLowerCase());
    if (!variable) {
      warnings.push(`${env.displayName}: no environment variable ${schemaName} in ${intent.solution}; its value was not planned.`);
      continue;
    }
    if (variable.value === value) continue;
    const verdict = preflightDeactivate(snapshot, strategy);
    steps.push({
      id: stepId('set-variable', variable.schemaName.toLowerCase()),
      environmentId: env.id,
      kind: 'set-variable',
      target: { type: 'variable', definitionId: variable.definitionId, schemaName: variable.schemaName, displayName: variable.displayName },
      before: variable.value,
      after: value,
      strategy: verdict.strategy,
      identity: verdict.identity,
      dependsOn: [],
      verdict,
      etag: null,
    });
  }

  // ── activation, children first
  const flowSteps: PlanStep[] = [];
  const activateStepFor = new Map<string, string>();
  if (intent.activate) {
    const selected =
      intent.activate === 'all'
        ? snapshot.flows.filter((f) => f.state === 'off')
        : intent.activate.map((id) => {
            const flow = flowById(snapshot, id);
            if (!flow) throw new PlanError('unknown-flow', `${env.displayName} has no flow '${id}' in ${intent.solution}.`);
            return flow;
          });
    for (const f of selected.filter((x) => x.state === 'suspended')) {
      warnings.push(`${env.displayName}: ${f.name} is suspended by the platform (e.g. a data policy); fix its cause before it can be turned on.`);
    }
    for (const flow of activationOrder(selected.filter((f) => f.state === 'off'))) {
      let verdict = preflightActivate(snapshot, flow, strategy, { wiredBefore, sharedBefore, onBefore });
      const dependsOn = new Set<string>();
      // Share what blocks, when asked to: each blocked connection with the identity that will act. The
      // fixes are taken as if nothing were shared yet, so a flow also waits for a share an earlier flow
      // of the plan asked for (its own verdict counts that share as done and names no fix for it).
      if (intent.share && verdict.identity) {
        const unshared = preflightActivate(snapshot, flow, verdict.strategy, { wiredBefore, onBefore });
        for (const id of planShares(unshared.fixes)) dependsOn.add(id);
        verdict = preflightActivate(snapshot, flow, verdict.strategy, { wiredBefore, sharedBefore, onBefore });
      }
      for (const use of flow.references) {
        const wired = wireStepFor.get((use.logicalName ?? use.key).toLowerCase());
        if (wired) dependsOn.add(wired);
      }
      for (const child of flow.childFlowIds) {
        const childStep = activateStepFor.get(child.toLowerCase());
        if (childStep) dependsOn.add(childStep);
      }
      const id = stepId('activate', flow.id.toLowerCase());
      flowSteps.push({
        id,
        environmentId: env.id,
        kind: 'activate',
        target: { type: 'flow', flowId: flow.id, name: flow.name },
        before: 'off',
        after: 'on',
        strategy: verdict.strategy,
        identity: verdict.identity,
        dependsOn: [...dependsOn],
        verdict,
        etag: flow.etag,
      });
      activateStepFor.set(flow.id.toLowerCase(), id);
      onBefore.add(flow.id.toLowerCase());
    }
  }

  // ── deactivation, parents first
  if (intent.deactivate) {
    const selected =
      intent.deactivate === 'all'
        ? snapshot.flows.filter((f) => f.state === 'on')
        : intent.deactivate.map((id) => {
            const flow = flowById(snapshot, id);
            if (!flow) throw new PlanError('unknown-flow', `${env.displayName} has no flow '${id}' in ${intent.solution}.`);
            return flow;
          });
    const order = activationOrder(selected.filter((f) => f.state === 'on')).reverse();
    const offStepFor = new Map<string, string>();
    for (const flow of order) {
      const verdict = preflightDeactivate(snapshot, strategy);
      const id = stepId('deactivate', flow.id.toLowerCase());
      // A child goes off after every parent that calls it, so no parent is left pointing at an off child.
      const dependsOn = order.filter((p) => p.childFlowIds.some((c) => c.toLowerCase() === flow.id.toLowerCase())).map((p) => offStepFor.get(p.id.toLowerCase())).filter((x): x is string => !!x);
      flowSteps.push({
        id,
        environmentId: env.id,
        kind: 'deactivate',
        target: { type: 'flow', flowId: flow.id, name: flow.name },
        before: 'on',
        after: 'off',
        strategy: verdict.strategy,
        identity: verdict.identity,
        dependsOn,
        verdict,
        etag: flow.etag,
      });
      offStepFor.set(flow.id.toLowerCase(), id);
    }
  }
  return [...steps.filter((s) => s.kind === 'share'), ...steps.filter((s) => s.kind === 'wire'), ...steps.filter((s) => s.kind === 'set-variable'), ...flowSteps];
}

export function buildPlan(snapshots: readonly EnvironmentSnapshot[], intent: Intent, now = new Date(), id = `plan-${now.getTime().toString(36)}`): Plan {
  const warnings: string[] = [];
  const chosen = intent.environmentIds.map((envId) => {
    const snapshot = snapshots.find((s) => s.environment.id.toLowerCase() === envId.toLowerCase());
    if (!snapshot) throw new PlanError('unknown-environment', `No scan of environment '${envId}'.`);
    return snapshot;
  });
  const steps = chosen.flatMap((s) => environmentSteps(s, intent, warnings));
  return {
    format: 'patchbay-plan',
    formatVersion: 1,
    id,
    createdAt: now.toISOString(),
    solution: intent.solution,
    environments: chosen.map((s) => ({ id: s.environment.id, displayName: s.environment.displayName, instanceUrl: s.environment.instanceUrl })),
    steps,
    warnings,
  };
}

/** Who a step runs as, in words: "Adele Vance", or "Contoso Release Pipeline as Lee Gu". */
export function describeIdentity(snapshot: EnvironmentSnapshot, identity: ActingIdentity | null): string {
  if (!identity) return 'no identity available';
  if (identity.mode === 'self') return principalName(snapshot, identity.objectId);
  return `${principalName(snapshot, identity.actorObjectId)} as ${principalName(snapshot, effectiveObjectId(identity))}`;
}
