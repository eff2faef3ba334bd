import { randomBytes } from 'node:crypto';
import type { Plan } from '../../../shared/engine/plan';
import { silentLogger, type Logger } from '../../log/logger';
import type { OperationsFor } from '../operations';
import type { Journal, RunWriter } from './journal';
import { createNamer, type NameLookup } from './labels';
import { runSteps } from './run-steps';
import type { ProgressEvent, RetryOptions, RunResult, StepResult, Who } from './types';
import { validatePlan } from './validate-plan';

/**
 * Applies a plan: journals `run-started` with the whole plan, runs its steps (run-steps.ts: parallel
 * across environments, bounded and dependency-ordered inside one, each idempotent and read-before-write)
 * and journals `run-finished`. Failing steps are results, not exceptions; `applyPlan` rejects only when
 * the plan is invalid or the journal cannot be written (then the run stays incomplete and resumable).
 */

export const DEFAULT_CONCURRENCY = 16;
const DEFAULT_MAX_ATTEMPTS = 2;
const DEFAULT_RETRY_DELAY_MS = 1000;

/** How a run (or a resumed run) executes; the journal is given beside it. */
export interface ExecutionOptions {
  operations: OperationsFor;
  /** The account starting (or resuming) the run, journaled as who changed what. */
  who: Who;
  /** Steps in flight per environment (default 16): a simple cap; the HTTP layer adapts its own per-host limit. */
  concurrencyPerEnvironment?: number | ((environmentId: string) => number);
  /** Cancels the run: running steps stop promptly, steps not started end `cancelled`. */
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
  retry?: RetryOptions;
  /** Display names for object ids the plan does not name (from the caller's scan). */
  names?: NameLookup;
  logger?: Logger;
}

export interface ApplyOptions extends ExecutionOptions {
  journal: Journal;
  /** Default: `run-<UTC time>-<random>`. */
  runId?: string;
}

/** `run-20260102T030405Z-1a2b3c`: sorts by start time. */
export function newRunId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

const capOf = (value: number): number => (Number.isFinite(value) ? Math.max(1, Math.floor(value)) : DEFAULT_CONCURRENCY);

export function concurrencyOf(option: ExecutionOptions['concurrencyPerEnvironment']): (environmentId: string) => number {
  if (option === undefined) return () => DEFAULT_CONCURRENCY;
  if (typeof option === 'number') {
    const cap = capOf(option);
    return () => cap;
  }
  return (env) => capOf(option(env));
}

/** Runs `plan`'s steps `toRun` with `writer` (shared by apply and resume). */
export function execute(
  plan: Plan,
  runId: string,
  writer: RunWriter,
  options: ExecutionOptions,
  session: { toRun: ReadonlySet<string>; prior: ReadonlyMap<string, StepResult>; interrupted: ReadonlySet<string> },
): Promise<RunResult> {
  return runSteps({
    plan,
    runId,
    writer,
    operations: options.operations,
    ...session,
    concurrency: concurrencyOf(options.concurrencyPerEnvironment),
    signal: options.signal,
    onProgress: options.onProgress,
    now: options.now ?? (() => new Date()),
    namer: createNamer(plan, options.names),
    maxAttempts: Math.max(1, options.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    delayMs: Math.max(0, options.retry?.delayMs ?? DEFAULT_RETRY_DELAY_MS),
    logger: options.logger ?? silentLogger,
  });
}

export async function closeQuietly(writer: RunWriter, logger: Logger | undefined): Promise<void> {
  try {
    await writer.close();
  } catch (error) {
    (logger ?? silentLogger).warn('journal could not be closed', { runId: writer.runId, error });
  }
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<RunResult> {
  validatePlan(plan);
  const now = options.now ?? (() => new Date());
  const runId = options.runId ?? newRunId(now());
  const writer = await options.journal.createRun(runId);
  try {
    await writer.append({
      type: 'run-started',
      at: now().toISOString(),
      planId: plan.id,
      solution: plan.solution,
      environments: plan.environments,
      who: options.who,
      plan,
    });
    return await execute(plan, runId, writer, options, {
      toRun: new Set(plan.steps.map((s) => s.id)),
      prior: new Map(),
      interrupted: new Set(),
    });
  } finally {
    await closeQuietly(writer, options.logger);
  }
}
