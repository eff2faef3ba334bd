import type { PlanStep } from '../../../shared/engine/plan';
import type { ActingIdentity } from '../../../shared/engine/preflight';
import { isCancelled, PlatformError } from '../../cloud/http/platform-error';
import type { EnvironmentOperations } from '../operations';
import { explainError, localError, noIdentityError } from './explain';
import type { Namer } from './labels';
import type { StepError, StepStatus } from './types';

/**
 * One step, idempotently: read the target just before writing; already in the target state → skip;
 * changed by someone else since the plan (neither `before` nor `after`) → conflict, nothing written;
 * else write with If-Match = the ETag just read. Transient failures (throttling the HTTP layer gave up
 * on, 5xx, network, timeout) go round the whole read → write cycle again, so a write that did land is
 * found by the re-read instead of being repeated.
 *
 * A write refused for a stale ETag (412) goes round again too, without waiting: the refusal says only
 * that the row changed after the read, not to what, and the value decides. Another value → conflict,
 * never overwritten; the plan's `after` → done or skipped, as on any read (our own write landing late —
 * a killed session's, or this session's lost one — or someone else's to the same value); still `before`
 * (another column changed) → written with the fresh ETag. Only a row that keeps changing under every
 * write is called a conflict on the 412 alone.
 */

export interface PerformContext {
  ops: EnvironmentOperations;
  signal: AbortSignal;
  namer: Namer;
  maxAttempts: number;
  delayMs: number;
  /** Journaled as started by an earlier session that never finished it (resume): its write may have landed. */
  startedEarlier: boolean;
  /** The target as a bulk read found it at the run's start (see `EnvironmentOperations.readMany`). */
  hint?: Observation | undefined;
}

export interface StepOutcome {
  status: StepStatus;
  reason: string | null;
  observed: boolean;
  before: string | null;
  after: string | null;
  inTargetState: boolean;
  uncertain: boolean;
  attempts: number;
  error: StepError | null;
}

export const SHARE_ROLES = ['CanView', 'CanViewWithShare', 'CanEdit'] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];
export const isShareRole = (value: string | null): value is ShareRole => SHARE_ROLES.some((r) => r === value);

/** Connection ids and states compare without regard to case (the platform treats ids so). */
export const sameValue = (a: string | null, b: string | null): boolean => a === b || (a !== null && b !== null && a.toLowerCase() === b.toLowerCase());

const TRANSIENT = new Set(['throttled', 'server', 'network', 'timeout']);

/**
 * Fresh reads after writes refused for a stale ETag (412), beyond the bulk read's, before the step is a
 * conflict on the refusal alone. Each refusal means someone wrote to the row in between; one or two is a
 * race (a late write of our own, an edit elsewhere in the row), a row that changes under every write is
 * someone else's work in progress, and a release manager should look rather than Patchbay keep trying.
 */
const STALE_ETAG_REREADS = 3;

export interface Observation {
  value: string | null;
  etag: string | null;
}

/** The target's current value in the plan's terms, or null when the target no longer exists. */
async function observe(step: PlanStep, ops: EnvironmentOperations, signal: AbortSignal): Promise<Observation | null> {
  const target = step.target;
  switch (target.type) {
    case 'reference': {
      const r = await ops.readReference(target.referenceId, signal);
      return r && { value: r.connectionId, etag: r.etag };
    }
    case 'flow': {
      const f = await ops.readFlow(target.flowId, signal);
      return f && { value: f.state, etag: f.etag };
    }
    case 'variable': {
      const v = await ops.readVariable(target.definitionId, signal);
      return v && { value: v.value, etag: v.etag };
    }
    case 'connection': {
      // A share has no row version: "has access" reads as the role the plan names, "has none" as null.
      const has = await ops.hasAccess(target.connectionName, target.connector, target.principalObjectId, signal);
      return { value: has ? (step.kind === 'share' ? step.after : step.before) : null, etag: null };
    }
  }
}

async function write(step: PlanStep, identity: ActingIdentity, etag: string | null, ops: EnvironmentOperations, signal: AbortSignal): Promise<void> {
  const target = step.target;
  switch (target.type) {
    case 'reference':
      return ops.wire(target.referenceId, step.after, identity, { ifMatch: etag ?? '*', signal });
    case 'flow':
      return ops.setFlowState(target.flowId, step.after === 'on', identity, { ifMatch: etag ?? '*', signal });
    case 'variable':
      return ops.setVariable(target.definitionId, target.schemaName, step.after, identity, { ifMatch: etag ?? '*', signal });
    case 'connection':
      if (step.kind === 'share') {
        const role = isShareRole(step.after) ? step.after : 'CanView';
        return ops.share(target.connectionName, target.connector, target.principalObjectId, role, identity, signal);
      }
      return ops.unshare(target.connectionName, target.connector, target.principalObjectId, identity, signal);
  }
}

function alreadyReason(step: PlanStep): string {
  switch (step.kind) {
    case 'wire':
      return step.after === null ? 'already has no connection' : `already wired to ${step.after}`;
    case 'set-variable':
      return step.after === null ? 'already has no value here' : 'already has that value';
    case 'activate':
      return 'already on';
    case 'deactivate':
      return 'already off';
    case 'share':
      return `already shared with ${step.target.type === 'connection' ? step.target.principalName : 'them'}`;
    case 'unshare':
      return `already not shared with ${step.target.type === 'connection' ? step.target.principalName : 'them'}`;
  }
}

function conflictReason(step: PlanStep, observed: string | null, namer: Namer): string {
  const env = namer.environment(step.environmentId);
  const target = namer.target(step);
  const since = 'someone changed it after the plan was made, so it was left as it is: scan and plan again.';
  if (step.kind === 'wire') {
    return `${target} is now wired to ${observed ?? 'no connection'} in ${env}, not to ${step.before ?? 'no connection'} as planned from; ${since}`;
  }
  return `${target} is now ${observed ?? 'gone'} in ${env}, not ${step.before ?? 'none'} as planned from; ${since}`;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function performStep(step: PlanStep, ctx: PerformContext): Promise<StepOutcome> {
  const { namer, signal } = ctx;
  const identity = step.identity;
  let attempts = 0;
  // Separate budgets: a 412 is not a failure to retry later but a cue to read again now.
  let transientFailures = 0;
  let staleRefusals = 0;
  let seen: Observation | null = null;
  /** A write was sent (this session, or an earlier one per the journal) whose outcome is not known. */
  let wrote = ctx.startedEarlier;
  // The bulk read stands in for the first read only where it says "write": deciding to skip or to call
  // a conflict always rests on a fresh read, and a stale ETag costs a 412 and a fresh read, nothing more.
  let hint = !wrote && ctx.hint && sameValue(ctx.hint.value, step.before) && !sameValue(ctx.hint.value, step.after) ? ctx.hint : null;
  const base = (): Pick<StepOutcome, 'observed' | 'before' | 'after' | 'attempts' | 'uncertain'> => ({
    observed: seen !== null,
    before: seen?.value ?? null,
    after: seen?.value ?? null,
    attempts,
    uncertain: false,
  });
  const cancelled = (writing: boolean): StepOutcome => ({
    ...base(),
    uncertain: writing || wrote,
    status: 'cancelled',
    reason: writing
      ? 'cancelled while writing: the change may or may not have been made; resuming or running again reads first and tells'
      : 'cancelled before anything was written',
    inTargetState: false,
    error: null,
  });

  if (!identity) {
    const error = noIdentityError(step, namer);
    return { ...base(), status: 'failed', reason: error.message, inTargetState: false, error };
  }

  for (;;) {
    if (signal.aborted) return cancelled(false);
    attempts++;
    let writing = false;
    const fromHint = hint !== null;
    try {
      const current = hint ?? (await observe(step, ctx.ops, signal));
      hint = null;
      if (current === null) {
        const error = localError(`${namer.target(step)} no longer exists in ${namer.environment(step.environmentId)} (deleted, or the solution was removed): scan again and plan again.`);
        return { ...base(), status: 'failed', reason: error.message, inTargetState: false, error };
      }
      seen = current;
      if (sameValue(current.value, step.after)) {
        // A write sent earlier was only sent after reading the plan's `before` (the conflict rule), so that is what it replaced.
        return wrote
          ? { ...base(), before: step.before, status: 'done', reason: 'confirmed on re-read: the write sent before the interruption had reached the platform', inTargetState: true, error: null }
          : { ...base(), status: 'skipped', reason: alreadyReason(step), inTargetState: true, error: null };
      }
      if (!sameValue(current.value, step.before)) {
        return { ...base(), status: 'conflict', reason: conflictReason(step, current.value, namer), inTargetState: false, error: null };
      }
      if (signal.aborted) return cancelled(false);
      writing = true;
      await write(step, identity, current.etag, ctx.ops, signal);
      return { ...base(), after: step.after, status: 'done', reason: null, inTargetState: true, error: null };
    } catch (thrown) {
      if (signal.aborted || isCancelled(thrown)) return cancelled(writing);
      // A write the platform answered with a refusal did not land; one lost on the way may have.
      if (writing && !(thrown instanceof PlatformError && thrown.status !== null && thrown.status < 500)) wrote = true;
      const error = explainError(thrown, step, namer);
      if (thrown instanceof PlatformError && thrown.kind === 'concurrency') {
        // The bulk read is stale by design, so its 412 does not count against the row.
        if (fromHint || ++staleRefusals <= STALE_ETAG_REREADS) continue;
        return { ...base(), status: 'conflict', reason: error.message, inTargetState: false, error };
      }
      if (thrown instanceof PlatformError && TRANSIENT.has(thrown.kind) && ++transientFailures < ctx.maxAttempts) {
        await abortableDelay(ctx.delayMs * transientFailures, signal);
        continue;
      }
      return { ...base(), uncertain: wrote, status: 'failed', reason: error.message, inTargetState: false, error };
    }
  }
}
