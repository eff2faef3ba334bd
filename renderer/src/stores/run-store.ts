import { createStore } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import type { Intent, Plan, RunCounts, RunFinished, RunProgress, StepResult } from '../lib/types';

export interface RunState {
  runId: string | null;
  title: string;
  plan: Plan | null;
  /** The intent the plan came from (null for undo and settings-file plans). */
  intent: Intent | null;
  status: 'idle' | 'starting' | 'running' | 'finished' | 'error';
  counts: RunCounts | null;
  results: Record<string, StepResult>;
  running: string[];
  error: string | null;
  cancelled: boolean;
  cancelling: boolean;
  /** The last run that finished (what Undo undoes). */
  lastFinishedRunId: string | null;
  start: (plan: Plan, intent: Intent | null, title: string) => Promise<void>;
  cancel: () => Promise<void>;
  dismiss: () => void;
  /** Subscribes to run events; returns the unsubscribe. */
  listen: () => () => void;
}

type RunEvent = { type: 'progress'; payload: RunProgress } | { type: 'finished'; payload: RunFinished };

const zeroCounts = (total: number): RunCounts => ({ total, done: 0, skipped: 0, failed: 0, conflicts: 0, cancelled: 0, running: 0, pending: total });

/** A run of a plan: live progress from `run:progress`, the end from `run:finished`, cancel. */
export function createRunStore(client: Client, hooks: { onFinished?: (runId: string) => void } = {}) {
  // Events can beat `run:start`'s answer: keep those of unknown runs until the id is known.
  const early = new Map<string, RunEvent[]>();
  return createStore<RunState>()((set, get) => {
    const apply = (event: RunEvent): void => {
      if (event.type === 'progress') {
        const p = event.payload;
        const results = p.result ? { ...get().results, [p.result.stepId]: p.result } : get().results;
        let running = get().running;
        if (p.stepId && p.type === 'step-started') running = [...running.filter((x) => x !== p.stepId), p.stepId];
        if (p.stepId && p.type === 'step-finished') running = running.filter((x) => x !== p.stepId);
        set({ counts: p.counts, results, running, status: get().status === 'starting' ? 'running' : get().status });
        return;
      }
      const f = event.payload;
      const results = { ...get().results };
      for (const r of f.result?.steps ?? []) results[r.stepId] = r;
      const summary = f.result?.summary;
      const total = get().plan?.steps.length ?? 0;
      const counts: RunCounts | null = summary
        ? { total, done: summary.done, skipped: summary.skipped, failed: summary.failed, conflicts: summary.conflicts, cancelled: summary.cancelled, running: 0, pending: Math.max(0, total - summary.done - summary.skipped - summary.failed - summary.conflicts - summary.cancelled) }
        : get().counts;
      set({ status: 'finished', results, counts, running: [], error: f.error, cancelled: f.result?.cancelled ?? get().cancelled, cancelling: false, lastFinishedRunId: f.runId });
      hooks.onFinished?.(f.runId);
    };
    const route = (event: RunEvent): void => {
      const runId = event.payload.runId;
      if (runId === get().runId) {
        apply(event);
        return;
      }
      if (get().status === 'starting') {
        const list = early.get(runId) ?? [];
        list.push(event);
        early.set(runId, list.slice(-5000));
      }
    };
    return {
      runId: null,
      title: '',
      plan: null,
      intent: null,
      status: 'idle',
      counts: null,
      results: {},
      running: [],
      error: null,
      cancelled: false,
      cancelling: false,
      lastFinishedRunId: null,
      async start(plan, intent, title) {
        early.clear();
        set({ runId: null, plan, intent, title, status: 'starting', counts: zeroCounts(plan.steps.length), results: {}, running: [], error: null, cancelled: false, cancelling: false });
        try {
          const { runId } = await client.call('run:start', { planId: plan.id });
          set({ runId, status: get().status === 'starting' ? 'running' : get().status });
          for (const event of early.get(runId) ?? []) apply(event);
          early.clear();
        } catch (error) {
          set({ status: 'error', error: errorText(error) });
        }
      },
      async cancel() {
        const runId = get().runId;
        if (!runId || get().status !== 'running') return;
        set({ cancelling: true });
        try {
          await client.call('run:cancel', { runId });
        } catch (error) {
          set({ cancelling: false, error: errorText(error) });
        }
      },
      dismiss() {
        if (get().status === 'running' || get().status === 'starting') return;
        set({ status: 'idle', plan: null, intent: null, runId: null, counts: null, results: {}, running: [], error: null });
      },
      listen() {
        const offProgress = client.on('run:progress', (payload) => route({ type: 'progress', payload }));
        const offFinished = client.on('run:finished', (payload) => route({ type: 'finished', payload }));
        return () => {
          offProgress();
          offFinished();
        };
      },
    };
  });
}
