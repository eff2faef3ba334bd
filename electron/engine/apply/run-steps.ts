import { setMaxListeners } from 'node:events';
import type { Plan, PlanStep } from '../../../shared/engine/plan';
import type { Logger } from '../../log/logger';
import type { OperationsFor, ReadMany } from '../operations';
import { ApplyError } from './apply-error';
import type { RunWriter } from './journal';
import type { Namer } from './labels';
import { performStep, type Observation } from './perform-step';
import { summarize, type ProgressCounts, type ProgressEvent, type RunResult, type StepResult, type StepStatus } from './types';

/**
 * The scheduler behind apply and resume. Environments run in parallel; inside one, a step starts as soon
 * as every step it depends on has reached its target state, at most `concurrency(env)` at a time. A step
 * whose dependency failed, conflicted or was skipped without reaching its target is skipped; on cancel,
 * nothing new starts and every step not started is finished as cancelled. Each step's start is journaled
 * (and fsynced) before it touches the platform, its finish before its dependents start.
 */

export interface RunStepsContext {
  plan: Plan;
  runId: string;
  writer: RunWriter;
  operations: OperationsFor;
  /** Steps this session runs; every other step of the plan must have a result in `prior`. */
  toRun: ReadonlySet<string>;
  /** Results from earlier sessions of the run (resume). */
  prior: ReadonlyMap<string, StepResult>;
  /** Journaled started by an earlier session, never finished. */
  interrupted: ReadonlySet<string>;
  concurrency: (environmentId: string) => number;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  now: () => Date;
  namer: Namer;
  maxAttempts: number;
  delayMs: number;
  logger: Logger;
}

function blockedResult(step: PlanStep, label: string, status: StepStatus, reason: string, at: string): StepResult {
  return {
    stepId: step.id,
    environmentId: step.environmentId,
    kind: step.kind,
    label,
    status,
    reason,
    observed: false,
    before: null,
    after: null,
    inTargetState: false,
    uncertain: false,
    identity: step.identity,
    startedAt: null,
    finishedAt: at,
    attempts: 0,
    error: null,
  };
}

/** Fewer targets than this in an environment: one bulk read would save next to nothing. */
const BULK_READ_MIN = 4;

function hintFor(step: PlanStep, read: ReadMany | null): Observation | undefined {
  const target = step.target;
  if (!read) return undefined;
  if (target.type === 'reference') {
    const r = read.references.get(target.referenceId.toLowerCase());
    return r && { value: r.connectionId, etag: r.etag };
  }
  if (target.type === 'flow') {
    const f = read.flows.get(target.flowId.toLowerCase());
    return f && { value: f.state, etag: f.etag };
  }
  return undefined;
}

const blockerWords: Record<StepStatus, string> = {
  done: 'was done',
  skipped: 'was skipped',
  failed: 'failed',
  conflict: 'ended in a conflict',
  cancelled: 'was cancelled',
};

export async function runSteps(ctx: RunStepsContext): Promise<RunResult> {
  const { plan, writer, namer } = ctx;
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const results = new Map([...ctx.prior].filter(([id]) => !ctx.toRun.has(id)));
  const toRun = plan.steps.filter((s) => ctx.toRun.has(s.id));
  for (const step of toRun) {
    for (const dep of step.dependsOn) {
      if (!ctx.toRun.has(dep) && !results.has(dep)) throw new ApplyError('invalid-plan', `Step ${step.id} depends on ${dep}, which has neither run nor is to run.`);
    }
  }

  const internal = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, internal.signal]) : internal.signal;
  // Every step in flight (and every request under it) listens to this one signal.
  setMaxListeners(0, signal);
  let fatal: unknown = null;
  const running = new Map<string, number>();
  /** Steps running and not yet finished: what progress counts as running. */
  const active = new Set<string>();
  const ready = new Map<string, PlanStep[]>();
  const blocked = new Set(toRun.map((s) => s.id));
  const tasks = new Map<string, Promise<void>>();

  const counts = (): ProgressCounts => {
    const summary = summarize(results.values());
    return { ...summary, total: plan.steps.length, running: active.size, pending: plan.steps.length - results.size - active.size };
  };
  const emit = (event: ProgressEvent): void => {
    try {
      ctx.onProgress?.(event);
    } catch (error) {
      ctx.logger.warn('progress listener threw', { error });
    }
  };
  const iso = (): string => ctx.now().toISOString();

  const finish = async (step: PlanStep, result: StepResult): Promise<void> => {
    const { finishedAt, ...rest } = result;
    await writer.append({ type: 'step-finished', at: finishedAt, ...rest });
    results.set(step.id, result);
    active.delete(step.id);
    if (result.status === 'failed') ctx.logger.warn('step failed', { runId: ctx.runId, stepId: step.id, code: result.error?.code ?? null, reason: result.reason });
    else ctx.logger.debug('step finished', { runId: ctx.runId, stepId: step.id, status: result.status });
    emit({ type: 'step-finished', step, result, counts: counts() });
  };

  // One bulk read per environment of the references and flows this session writes, started with the
  // environment's first step: it spares each step its own read (see performStep's `hint`).
  const bulkReads = new Map<string, Promise<ReadMany | null>>();
  const bulkRead = (environmentId: string): Promise<ReadMany | null> => {
    let read = bulkReads.get(environmentId);
    if (!read) {
      const ops = ctx.operations(environmentId);
      const mine = toRun.filter((s) => s.environmentId === environmentId && !ctx.interrupted.has(s.id));
      const referenceIds = mine.flatMap((s) => (s.target.type === 'reference' ? [s.target.referenceId] : []));
      const flowIds = mine.flatMap((s) => (s.target.type === 'flow' ? [s.target.flowId] : []));
      read =
        !ops.readMany || referenceIds.length + flowIds.length < BULK_READ_MIN
          ? Promise.resolve(null)
          : ops.readMany({ referenceIds, flowIds }, signal).catch((error: unknown) => {
              // Only an optimisation: every step reads for itself instead.
              ctx.logger.debug('bulk read failed; steps read one by one', { environmentId, error });
              return null;
            });
      bulkReads.set(environmentId, read);
    }
    return read;
  };

  const run = async (step: PlanStep): Promise<void> => {
    const hint = hintFor(step, await bulkRead(step.environmentId));
    const startedAt = iso();
    await writer.append({ type: 'step-started', at: startedAt, stepId: step.id, environmentId: step.environmentId, kind: step.kind, identity: step.identity });
    emit({ type: 'step-started', step, counts: counts() });
    const outcome = await performStep(step, {
      hint,
      ops: ctx.operations(step.environmentId),
      signal,
      namer,
      maxAttempts: ctx.maxAttempts,
      delayMs: ctx.delayMs,
      startedEarlier: ctx.interrupted.has(step.id),
    });
    await finish(step, {
      stepId: step.id,
      environmentId: step.environmentId,
      kind: step.kind,
      label: namer.step(step),
      ...outcome,
      identity: step.identity,
      startedAt,
      finishedAt: iso(),
    });
  };

  const launch = (step: PlanStep, task: () => Promise<void>, counted: boolean): void => {
    if (counted) {
      running.set(step.environmentId, (running.get(step.environmentId) ?? 0) + 1);
      active.add(step.id);
    }
    const promise = task().then(
      () => undefined,
      (error: unknown) => {
        fatal ??= error;
        internal.abort();
      },
    ).finally(() => {
      tasks.delete(step.id);
      if (counted) {
        running.set(step.environmentId, (running.get(step.environmentId) ?? 1) - 1);
        active.delete(step.id);
      }
    });
    tasks.set(step.id, promise);
  };

  for (;;) {
    const stopping = signal.aborted;
    // Steps whose dependencies have all ended: ready to run, or finished without running.
    for (const id of [...blocked]) {
      const step = byId.get(id);
      if (!step || !step.dependsOn.every((d) => results.has(d))) continue;
      blocked.delete(id);
      const blocker = step.dependsOn.map((d) => results.get(d)).find((r) => r !== undefined && !r.inTargetState);
      if (blocker) {
        const status = blocker.status === 'cancelled' ? 'cancelled' : 'skipped';
        const result = blockedResult(step, namer.step(step), status, `depends on ${blocker.label} which ${blockerWords[blocker.status]}`, iso());
        if (fatal === null) launch(step, () => finish(step, result), false);
      } else {
        const queue = ready.get(step.environmentId) ?? [];
        queue.push(step);
        ready.set(step.environmentId, queue);
      }
    }
    if (stopping) {
      // Cancelled (or the journal failed): start nothing more; what has not started is cancelled.
      const left = [...[...ready.values()].flat(), ...[...blocked].map((id) => byId.get(id)).filter((s): s is PlanStep => s !== undefined)];
      ready.clear();
      blocked.clear();
      if (fatal === null) {
        for (const step of left) launch(step, () => finish(step, blockedResult(step, namer.step(step), 'cancelled', 'cancelled before it started', iso())), false);
      }
    } else {
      for (const [env, queue] of ready) {
        const cap = ctx.concurrency(env);
        while (queue.length > 0 && (running.get(env) ?? 0) < cap) {
          const step = queue.shift();
          if (step) launch(step, () => run(step), true);
        }
      }
    }
    if (tasks.size === 0) {
      if (blocked.size > 0 && fatal === null) throw new ApplyError('invalid-plan', `These steps could not be scheduled: ${[...blocked].join(', ')}.`);
      break;
    }
    await Promise.race(tasks.values());
  }

  if (fatal !== null) {
    throw new ApplyError('journal', `The run stopped because its journal could not be written: ${fatal instanceof Error ? fatal.message : JSON.stringify(fatal)}. Steps already sent to the platform are recorded as started; resume the run once the disk is writable again.`, { cause: fatal });
  }
  const steps = plan.steps.map((s) => results.get(s.id)).filter((r): r is StepResult => r !== undefined);
  const summary = summarize(steps);
  const cancelled = ctx.signal?.aborted === true && steps.some((r) => r.status === 'cancelled');
  await writer.append({ type: 'run-finished', at: iso(), summary, cancelled });
  ctx.logger.info('run finished', { runId: ctx.runId, planId: plan.id, ...summary, cancelled });
  return { runId: ctx.runId, planId: plan.id, steps, summary, cancelled };
}
