import type { PlanStep, StepKind } from '../../../shared/engine/plan';
import type { ActingIdentity } from '../../../shared/engine/preflight';
import type { PlatformErrorDetail, PlatformErrorKind } from '../../cloud/http/platform-error';

/**
 * What applying a plan produces: one result per step, a summary per run, and the progress events a
 * surface (app panel, CLI progress, pipeline log) follows while it runs. Plain JSON: results are
 * journaled as they are and cross the IPC boundary as data.
 */

/** The account that started the run, as recorded in the journal ("who changed what"). */
export interface Who {
  account: string;
  objectId: string;
}

/**
 * - `done`: this run wrote the change (or, resuming, confirmed that a write begun before a crash landed).
 * - `skipped`: nothing written — already in the target state, or a step it depends on was not done.
 * - `failed`: the platform refused, or the step could not run; `error` says why in words.
 * - `conflict`: the target was changed by someone else since the plan was made; not overwritten.
 * - `cancelled`: the run was cancelled before (or while) this step ran.
 */
export type StepStatus = 'done' | 'skipped' | 'failed' | 'conflict' | 'cancelled';

/** A failure in words, with the platform's own words and codes kept next to it. */
export interface StepError {
  /** Plain language: what went wrong and what fixes it. May span lines (one per platform detail). */
  message: string;
  /** PlatformError kind; `local` for failures found on our side (no identity, malformed step, unexpected error). */
  kind: PlatformErrorKind | 'local';
  /** The most specific code: inner Flow code, else Dataverse / gateway code. */
  code: string | null;
  status: number | null;
  /** The platform's own message (redacted), or the raw error text for local failures. */
  platformMessage: string | null;
  details: PlatformErrorDetail[];
  correlationId: string | null;
  /** HTTP attempts behind the last failure (retries of the HTTP layer). */
  httpAttempts: number | null;
}

export interface StepResult {
  stepId: string;
  environmentId: string;
  kind: StepKind;
  /** "turn on Invoice sync in Test": how the step is named in messages. */
  label: string;
  status: StepStatus;
  /** Why, in words, for every status but a plain `done` ("already on", "depends on … which failed"). */
  reason: string | null;
  /** Whether the target was read at all; `before`/`after` are meaningful only when it was. */
  observed: boolean;
  /** The value read just before writing (connection id, 'on'/'off', the share role; null = none). */
  before: string | null;
  /** The value after the step: written, or as found when nothing was written. */
  after: string | null;
  /** Whether the target holds the plan's `after` when the step ended (dependents need it). */
  inTargetState: boolean;
  /** A write was sent whose outcome is unknown (cancelled or cut off mid-write): a resume re-reads to settle it. */
  uncertain: boolean;
  identity: ActingIdentity | null;
  startedAt: string | null;
  finishedAt: string;
  /** Read-before-write cycles made (0 when the step never started). */
  attempts: number;
  error: StepError | null;
}

export interface RunSummary {
  done: number;
  skipped: number;
  failed: number;
  cancelled: number;
  conflicts: number;
}

export interface RunResult {
  runId: string;
  planId: string;
  /** One per plan step, in plan order. */
  steps: StepResult[];
  summary: RunSummary;
  /** The run was cancelled (by the caller's signal) before every step ran. */
  cancelled: boolean;
}

export interface ProgressCounts extends RunSummary {
  total: number;
  running: number;
  pending: number;
}

export type ProgressEvent =
  | { type: 'step-started'; step: PlanStep; counts: ProgressCounts }
  | { type: 'step-finished'; step: PlanStep; result: StepResult; counts: ProgressCounts };

export interface RetryOptions {
  /** Read-before-write cycles per step for transient failures (throttled after the HTTP layer's retries, 5xx, network, timeout). Default 2. */
  maxAttempts?: number;
  /** Wait before the n-th retry: n × delayMs. Default 1000. */
  delayMs?: number;
}

export const emptySummary = (): RunSummary => ({ done: 0, skipped: 0, failed: 0, cancelled: 0, conflicts: 0 });

export function summarize(results: Iterable<StepResult>): RunSummary {
  const summary = emptySummary();
  for (const r of results) {
    if (r.status === 'conflict') summary.conflicts++;
    else summary[r.status]++;
  }
  return summary;
}
