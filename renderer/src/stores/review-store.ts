import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import { applyAllFixes, applyFix, isAmendingFix, pinConnection, withIdentity } from '../lib/intent';
import { fixesGist } from '../lib/plan-words';
import type { Fix, Intent, Plan, PlanStep, Strategy } from '../lib/types';
import type { RunState } from './run-store';

export interface ReviewState {
  open: boolean;
  title: string;
  /** The intent being planned; null when the plan is given (undo, settings file) and cannot be amended. */
  intent: Intent | null;
  plan: Plan | null;
  /** The plan of the intent as first opened: its wiring choices are the suggestions. */
  firstPlan: Plan | null;
  /** The plan before the latest amendment: the dialog marks the steps it fixed or added. */
  previousPlan: Plan | null;
  status: 'idle' | 'planning' | 'ready' | 'error';
  error: string | null;
  /** Amendments made so far (fix buttons, pins, identity), newest last: shown so nothing changes silently. */
  amendments: string[];
  openIntent: (title: string, intent: Intent) => Promise<void>;
  openPlan: (title: string, load: () => Promise<Plan>) => Promise<void>;
  /** Plans the undo of a run (`history:undo-plan`) and opens it for review. */
  openUndo: (runId: string) => Promise<void>;
  amend: (intent: Intent, why: string) => Promise<void>;
  applyFix: (step: PlanStep, fix: Fix, why: string) => Promise<void>;
  /** Every amending fix of the plan at once (one re-plan). */
  applyAllFixes: () => Promise<void>;
  pin: (envId: string, key: string, connectionName: string, why: string) => Promise<void>;
  setIdentity: (envId: string, strategy: Strategy, why: string) => Promise<void>;
  close: () => void;
  run: () => Promise<void>;
}

/**
 * The fixes "Apply all" folds in: the amending fixes of the steps that would not succeed (switching
 * identity is skipped where sharing fixes the step, as applyAllFixes does).
 */
function foldedFixes(plan: Plan): Fix[] {
  return plan.steps.flatMap((step) => {
    if (step.verdict.outcome === 'will-succeed') return [];
    const shares = step.verdict.fixes.some((f) => f.kind === 'share');
    return step.verdict.fixes.filter((fix) => isAmendingFix(fix) && !(shares && fix.kind === 'use-identity'));
  });
}

/** The Review plan dialog: intent → `plan:build` → review, amend and re-plan, then Run. */
export function createReviewStore(client: Client, runs: StoreApi<RunState>) {
  let seq = 0;
  return createStore<ReviewState>()((set, get) => {
    const plan = async (intent: Intent): Promise<void> => {
      const mine = ++seq;
      set({ intent, status: 'planning', error: null });
      try {
        const built = await client.call('plan:build', { intent });
        if (mine === seq) set({ plan: built, firstPlan: get().firstPlan ?? built, status: 'ready' });
      } catch (error) {
        if (mine === seq) set({ status: 'error', error: errorText(error) });
      }
    };
    return {
      open: false,
      title: '',
      intent: null,
      plan: null,
      firstPlan: null,
      previousPlan: null,
      status: 'idle',
      error: null,
      amendments: [],
      async openIntent(title, intent) {
        set({ open: true, title, plan: null, firstPlan: null, previousPlan: null, amendments: [] });
        await plan(intent);
      },
      async openPlan(title, load) {
        const mine = ++seq;
        set({ open: true, title, intent: null, plan: null, firstPlan: null, previousPlan: null, amendments: [], status: 'planning', error: null });
        try {
          const built = await load();
          if (mine === seq) set({ plan: built, status: 'ready' });
        } catch (error) {
          if (mine === seq) set({ status: 'error', error: errorText(error) });
        }
      },
      async openUndo(runId) {
        await get().openPlan('Undo', () => client.call('history:undo-plan', { runId }));
      },
      async amend(intent, why) {
        set({ amendments: [...get().amendments, why], previousPlan: get().plan });
        await plan(intent);
      },
      async applyFix(step, fix, why) {
        const intent = get().intent;
        if (!intent) return;
        const next = applyFix(intent, step, fix);
        if (next) await get().amend(next, why);
      },
      async applyAllFixes() {
        const { intent, plan: current } = get();
        if (!intent || !current) return;
        const folded = applyAllFixes(intent, current);
        // Say what the fixes do, not only how many: nothing in the plan changes silently.
        if (folded.count) await get().amend(folded.intent, `Applied ${folded.count} suggested ${folded.count === 1 ? 'fix' : 'fixes'}: ${fixesGist(foldedFixes(current))}`);
      },
      async pin(envId, key, connectionName, why) {
        const intent = get().intent;
        if (intent) await get().amend(pinConnection(intent, envId, key, connectionName), why);
      },
      async setIdentity(envId, strategy, why) {
        const intent = get().intent;
        if (intent) await get().amend(withIdentity(intent, envId, strategy), why);
      },
      close() {
        seq++;
        set({ open: false, status: 'idle', plan: null, firstPlan: null, previousPlan: null, intent: null, error: null, amendments: [] });
      },
      async run() {
        const { plan: current, intent, title } = get();
        if (!current || get().status !== 'ready') return;
        get().close();
        await runs.getState().start(current, intent, title);
      },
    };
  });
}
