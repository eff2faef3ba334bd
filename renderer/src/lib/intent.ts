import type { SelectionSummary } from './selection';
import type { Fix, Intent, Plan, PlanStep, StepResult, Strategy } from './types';

/**
 * From what the person selected and clicked to an intent the main side plans (`plan:build`), and the
 * small, explicit amendments the Review plan dialog's fix buttons make to it. Pure.
 */

export type ActionKind = 'wire' | 'activate' | 'wire-activate' | 'share' | 'deactivate';

export const ACTION_TITLES: Record<ActionKind, string> = {
  wire: 'Wire',
  activate: 'Activate',
  'wire-activate': 'Wire & activate',
  share: 'Share',
  deactivate: 'Deactivate',
};

/** Identity for the environments of an intent: one word when they agree, else per environment. */
export function identityFor(environmentIds: readonly string[], identity: Readonly<Record<string, Strategy>>): Intent['identity'] {
  const values = environmentIds.map((id) => identity[id] ?? 'auto');
  const first = values[0] ?? 'auto';
  if (values.every((v) => v === first)) return first;
  return Object.fromEntries(environmentIds.map((id) => [id, identity[id] ?? 'auto']));
}

export function strategyIn(intent: Pick<Intent, 'identity'>, envId: string): Strategy {
  return typeof intent.identity === 'string' ? intent.identity : (intent.identity[envId] ?? 'auto');
}

/**
 * The intent of an action over the selection. Nothing selected: every environment of the matrix, every
 * reference that needs wiring, every flow that is off. Selected references are wired (suggestions are
 * picked by the main side unless pinned); selected flows are turned on or off.
 */
export function actionIntent(action: ActionKind, selection: SelectionSummary, allEnvironmentIds: readonly string[], identity: Readonly<Record<string, Strategy>>): Intent {
  const environmentIds = selection.count > 0 ? selection.environmentIds : [...allEnvironmentIds];
  const refs = selection.references.map((r) => r.logicalName);
  const flows = selection.flows.map((f) => f.flowId);
  const base = { environmentIds, identity: identityFor(environmentIds, identity), share: false };
  const wire: NonNullable<Intent['wire']> = { select: refs.length ? refs : 'needing' };
  const activate: NonNullable<Intent['activate']> = flows.length ? flows : 'all';
  switch (action) {
    case 'wire':
      return { ...base, wire };
    case 'activate':
      return { ...base, activate };
    case 'wire-activate':
      return { ...base, wire, activate };
    case 'share':
      return { ...base, activate, share: true };
    case 'deactivate':
      return { ...base, deactivate: flows.length ? flows : 'all' };
  }
}

/** Pins a connection for a reference (logical name) or for every reference of a connector, in one environment. */
export function pinConnection(intent: Intent, envId: string, key: string, connectionName: string | null): Intent {
  const wire = intent.wire ?? { select: 'needing' as const };
  const pinned = { ...(wire.pinned ?? {}) };
  const forEnv = { ...(pinned[envId] ?? {}) };
  if (connectionName === null) delete forEnv[key];
  else forEnv[key] = connectionName;
  if (Object.keys(forEnv).length) pinned[envId] = forEnv;
  else delete pinned[envId];
  const next: Intent['wire'] = Object.keys(pinned).length ? { select: wire.select, pinned } : { select: wire.select };
  return { ...intent, wire: next };
}

export function withIdentity(intent: Intent, envId: string, strategy: Strategy): Intent {
  const record = Object.fromEntries(intent.environmentIds.map((id) => [id, strategyIn(intent, id)])) as Record<string, Strategy>;
  record[envId] = strategy;
  return { ...intent, identity: identityFor(intent.environmentIds, record) };
}

/** Can this fix be applied by amending the intent (and re-planning)? The rest are done elsewhere, by a person. */
export function isAmendingFix(fix: Fix): boolean {
  if (fix.kind === 'wire') return !!fix.connectionName && !!fix.logicalName;
  return fix.kind === 'share' || (fix.kind === 'activate-first' && !!fix.flowId) || (fix.kind === 'use-identity' && !!fix.strategy);
}

/** The intent with one fix applied, or null when the fix is not something a plan can do (or changes nothing). */
export function applyFix(intent: Intent, step: Pick<PlanStep, 'environmentId'>, fix: Fix): Intent | null {
  switch (fix.kind) {
    case 'wire': {
      if (!fix.connectionName || !fix.logicalName) return null;
      // Without wiring in the intent, wire only this reference (not everything that needs it).
      const base: Intent = intent.wire ? intent : { ...intent, wire: { select: [fix.logicalName] } };
      const pinned = pinConnection(base, step.environmentId, fix.logicalName, fix.connectionName);
      const select = pinned.wire?.select ?? 'needing';
      const nextSelect = Array.isArray(select) && !select.some((s) => s.toLowerCase() === fix.logicalName?.toLowerCase()) ? [...select, fix.logicalName] : select;
      return { ...pinned, wire: { ...pinned.wire, select: nextSelect } };
    }
    case 'share':
      return intent.share ? null : { ...intent, share: true };
    case 'activate-first': {
      if (!fix.flowId) return null;
      if (intent.activate === 'all') return null;
      const list = intent.activate ?? [];
      if (list.some((id) => id.toLowerCase() === fix.flowId?.toLowerCase())) return null;
      return { ...intent, activate: [...list, fix.flowId] };
    }
    case 'use-identity':
      return fix.strategy ? withIdentity(intent, step.environmentId, fix.strategy) : null;
    default:
      return null;
  }
}

/** An intent that redoes what failed (or was cancelled) in a run, per environment, with the same choices. */
export function retryIntent(plan: Plan, results: Readonly<Record<string, StepResult>>, original: Intent | null): Intent | null {
  const failed = plan.steps.filter((s) => {
    const r = results[s.id];
    return r && (r.status === 'failed' || r.status === 'conflict' || r.status === 'cancelled');
  });
  if (!failed.length) return null;
  const environmentIds = [...new Set(failed.map((s) => s.environmentId))];
  const strategies: Record<string, Strategy> = {};
  for (const env of environmentIds) {
    strategies[env] = original ? strategyIn(original, env) : ((failed.find((s) => s.environmentId === env)?.strategy ?? 'auto'));
  }
  let intent: Intent = { environmentIds, identity: identityFor(environmentIds, strategies), share: failed.some((s) => s.kind === 'share') || (original?.share ?? false) };
  const refs = new Set<string>();
  const activate = new Set<string>();
  const deactivate = new Set<string>();
  for (const step of failed) {
    const t = step.target;
    if (step.kind === 'wire' && t.type === 'reference') {
      refs.add(t.logicalName);
      if (step.after) intent = pinConnection(intent, step.environmentId, t.logicalName, step.after);
    } else if (step.kind === 'activate' && t.type === 'flow') activate.add(t.flowId);
    else if (step.kind === 'deactivate' && t.type === 'flow') deactivate.add(t.flowId);
    else if (step.kind === 'set-variable' && t.type === 'variable' && step.after !== null) {
      const variables = { ...(intent.variables ?? {}) };
      variables[step.environmentId] = { ...(variables[step.environmentId] ?? {}), [t.schemaName]: step.after };
      intent = { ...intent, variables };
    }
  }
  if (refs.size) intent = { ...intent, wire: { ...(intent.wire ?? {}), select: [...refs] } };
  if (activate.size) intent = { ...intent, activate: [...activate] };
  if (deactivate.size) intent = { ...intent, deactivate: [...deactivate] };
  return intent;
}

/** What the audit's "Fix" button plans for a finding; null (with why) when no plan can fix it. */
export function findingIntent(
  finding: { kind: string; environmentId: string; item: string },
  identity: Readonly<Record<string, Strategy>>,
): { intent: Intent; title: string } | { intent: null; why: string } {
  const environmentIds = [finding.environmentId];
  const base = { environmentIds, identity: identityFor(environmentIds, identity), share: false };
  switch (finding.kind) {
    case 'unwired':
    case 'dangling':
    case 'broken':
    case 'owner-disabled':
      return { intent: { ...base, wire: { select: [finding.item] } }, title: 'Wire' };
    case 'not-shared-with-spn':
      return { intent: { ...base, identity: 'spn', activate: 'all', share: true }, title: 'Share' };
    case 'flow-off':
      return { intent: { ...base, activate: [finding.item] }, title: 'Activate' };
    case 'flow-blocked':
      return { intent: { ...base, wire: { select: 'needing' }, activate: [finding.item] }, title: 'Wire & activate' };
    case 'flow-suspended':
      return { intent: null, why: 'A suspended flow needs its cause fixed first (a data policy or a licence), in the admin center.' };
    case 'env-var-missing':
    case 'env-var-differs':
      return { intent: null, why: 'Set the value with a settings file (Settings files), or in the maker portal.' };
    default:
      return { intent: null, why: 'Check the account’s permissions, then refresh.' };
  }
}

/**
 * Every amending fix of a plan folded into its intent (sharing is preferred to switching identity);
 * `count` is how many actually changed it, so 0 means "nothing more a plan can do". The same as folding
 * `applyFix` over the fixes in order, but linear: a select-all plan has thousands of wiring fixes over
 * an intent of thousands of flows, and copying and comparing whole intents per fix took the dialog tens
 * of seconds. Wiring fixes (pins, and names added to the selection) are gathered in place and written
 * once; the other kinds touch nothing of the wiring and are few.
 */
export function applyAllFixes(intent: Intent, plan: Plan): { intent: Intent; count: number } {
  let next = intent;
  let count = 0;
  const lower = (s: string): string => s.toLowerCase();
  // The wiring being gathered: null until a wiring fix changes something.
  let wire: { select: WireSelect; pinned: Record<string, Record<string, string>> } | null = null;
  let selected: Set<string> | null = null;
  const activating = new Set(Array.isArray(intent.activate) ? intent.activate.map(lower) : []);
  for (const step of plan.steps) {
    if (step.verdict.outcome === 'will-succeed') continue;
    for (const fix of step.verdict.fixes) {
      if (fix.kind === 'use-identity' && step.verdict.fixes.some((f) => f.kind === 'share')) continue;
      if (fix.kind === 'wire') {
        const { logicalName, connectionName } = fix;
        if (!connectionName || !logicalName) continue;
        if (!wire) {
          // Without wiring in the intent, wire only the fixed references (not everything that needs it).
          const from = intent.wire ?? { select: [] };
          wire = { select: Array.isArray(from.select) ? [...from.select] : from.select, pinned: Object.fromEntries(Object.entries(from.pinned ?? {}).map(([env, pins]) => [env, { ...pins }])) };
          selected = new Set(Array.isArray(wire.select) ? wire.select.map(lower) : []);
        }
        const pins = (wire.pinned[step.environmentId] ??= {});
        let changed = false;
        if (pins[logicalName] !== connectionName) {
          pins[logicalName] = connectionName;
          changed = true;
        }
        if (Array.isArray(wire.select) && !selected?.has(lower(logicalName))) {
          wire.select.push(logicalName);
          selected?.add(lower(logicalName));
          changed = true;
        }
        if (changed) count += 1;
        continue;
      }
      if (fix.kind === 'activate-first' && (!fix.flowId || next.activate === 'all' || activating.has(lower(fix.flowId)))) continue;
      if (fix.kind === 'use-identity' && (!fix.strategy || strategyIn(next, step.environmentId) === fix.strategy)) continue;
      if (fix.kind === 'share' && next.share) continue;
      const amended = applyFix(next, step, fix);
      if (!amended) continue;
      next = amended;
      count += 1;
      if (fix.kind === 'activate-first' && fix.flowId) activating.add(lower(fix.flowId));
    }
  }
  if (wire) next = { ...next, wire: Object.keys(wire.pinned).length ? { select: wire.select, pinned: wire.pinned } : { select: wire.select } };
  return { intent: next, count };
}

type WireSelect = NonNullable<Intent['wire']>['select'];
