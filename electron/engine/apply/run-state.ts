import type { Plan } from '../../../shared/engine/plan';
import type { JournalRecord } from './records';
import { summarize, type RunSummary, type StepResult, type Who } from './types';

/**
 * A run as its journal records tell it: the plan, who started it, each step's last result, the steps
 * started but never finished, and whether the last session ended with `run-finished`.
 */

export type RunStatus = 'complete' | 'incomplete';

export interface RunState {
  runId: string;
  /** null when the run-started record is missing or unreadable: such a run can be neither resumed nor undone. */
  plan: Plan | null;
  who: Who | null;
  startedAt: string | null;
  /** The last run-finished time; null while incomplete. */
  finishedAt: string | null;
  status: RunStatus;
  /** The last step-finished of each step, by step id. */
  results: Map<string, StepResult>;
  /** Steps journaled started whose finish was never journaled (a crash or kill in between). */
  interrupted: Set<string>;
  /** Sessions that worked on the run: 1, plus one per resume. */
  sessions: number;
  /** The run was cancelled (its last session ended cancelled). */
  cancelled: boolean;
}

export function foldRun(runId: string, records: readonly JournalRecord[]): RunState {
  const state: RunState = {
    runId,
    plan: null,
    who: null,
    startedAt: null,
    finishedAt: null,
    status: 'incomplete',
    results: new Map(),
    interrupted: new Set(),
    sessions: 0,
    cancelled: false,
  };
  for (const record of records) {
    switch (record.type) {
      case 'run-started':
        state.plan = record.plan;
        state.who = record.who;
        state.startedAt = record.at;
        state.sessions++;
        state.status = 'incomplete';
        break;
      case 'run-resumed':
        state.sessions++;
        state.status = 'incomplete';
        state.finishedAt = null;
        state.cancelled = false;
        break;
      case 'step-started':
        state.interrupted.add(record.stepId);
        break;
      case 'step-finished': {
        const { v: _v, runId: _runId, type: _type, at, ...result } = record;
        state.results.set(record.stepId, { ...result, finishedAt: at });
        state.interrupted.delete(record.stepId);
        break;
      }
      case 'run-finished':
        state.status = 'complete';
        state.finishedAt = record.at;
        state.cancelled = record.cancelled;
        break;
    }
  }
  return state;
}

/** The steps of the plan that still need running: never finished, or cancelled. */
export function remainingSteps(state: RunState): string[] {
  if (!state.plan) return [];
  return state.plan.steps.filter((s) => {
    const r = state.results.get(s.id);
    return !r || r.status === 'cancelled';
  }).map((s) => s.id);
}

export interface RunListing {
  runId: string;
  planId: string;
  solution: string;
  environments: string[];
  who: Who;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  cancelled: boolean;
  steps: number;
  /** Over the steps finished so far. */
  summary: RunSummary;
  /** Steps without a result, or cancelled: what a resume would run. */
  remaining: number;
  sessions: number;
  /** Lines of this run's file that were skipped. */
  warnings: string[];
}

export function listingOf(state: RunState, warnings: string[]): RunListing | null {
  if (!state.plan || !state.who || !state.startedAt) return null;
  return {
    runId: state.runId,
    planId: state.plan.id,
    solution: state.plan.solution,
    environments: state.plan.environments.map((e) => e.displayName),
    who: state.who,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    status: state.status,
    cancelled: state.cancelled,
    steps: state.plan.steps.length,
    summary: summarize(state.results.values()),
    remaining: remainingSteps(state).length,
    sessions: state.sessions,
    warnings,
  };
}
