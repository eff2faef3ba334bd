import { z } from 'zod';
import type { Plan, PlanEnvironment } from '../../../shared/engine/plan';
import type { ActingIdentity } from '../../../shared/engine/preflight';
import type { RunSummary, StepResult, Who } from './types';

/**
 * The journal's records, schema version 1: one JSON object per line, `{ v: 1, type, runId, at, … }`.
 *
 *   run-started    the plan id, solution, environments, who, and the whole plan (so a run can be resumed
 *                  or undone from the journal alone)
 *   run-resumed    a later session continues the run: who, the steps left, and of those the ones whose
 *                  write may have landed (started but never finished, or cancelled mid-write)
 *   step-started   written (and fsynced) before the step reads or writes anything on the platform
 *   step-finished  the step's result: status, reason, before/after as observed, identity, error, attempts
 *   run-finished   the summary; a run without it is incomplete (crashed or killed) and can be resumed
 *
 * A step may have several step-finished records across sessions (cancelled, then done on resume): the
 * last one is its result. Reading never throws on a bad line: it is skipped with a warning.
 */

export const JOURNAL_VERSION = 1;

interface RecordBase {
  v: typeof JOURNAL_VERSION;
  runId: string;
  /** ISO 8601 time the record was written. */
  at: string;
}

export interface RunStartedRecord extends RecordBase {
  type: 'run-started';
  planId: string;
  solution: string;
  environments: PlanEnvironment[];
  who: Who;
  plan: Plan;
}

export interface RunResumedRecord extends RecordBase {
  type: 'run-resumed';
  who: Who;
  /** Step ids this session runs. */
  remaining: string[];
  /** Of those, the ones whose write may or may not have landed (started but never finished, or cancelled mid-write). */
  interrupted: string[];
}

export interface StepStartedRecord extends RecordBase {
  type: 'step-started';
  stepId: string;
  environmentId: string;
  kind: StepResult['kind'];
  identity: ActingIdentity | null;
}

/** The step's result, flattened; `at` is its finish time. */
export interface StepFinishedRecord extends RecordBase, Omit<StepResult, 'finishedAt'> {
  type: 'step-finished';
}

export interface RunFinishedRecord extends RecordBase {
  type: 'run-finished';
  summary: RunSummary;
  cancelled: boolean;
}

export type JournalRecord = RunStartedRecord | RunResumedRecord | StepStartedRecord | StepFinishedRecord | RunFinishedRecord;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What a writer appends: the journal adds `v` and `runId`. */
export type JournalEntry = DistributiveOmit<JournalRecord, 'v' | 'runId'>;

// ── validation: strict on what the engine relies on, tolerant of fields added later within v1

const nullableString = z.string().nullable();
const identity = z.union([
  z.object({ mode: z.literal('self'), role: z.enum(['me', 'spn']), objectId: z.string() }),
  z.object({ mode: z.literal('impersonate'), role: z.enum(['me', 'spn']), actorObjectId: z.string(), targetObjectId: z.string() }),
]);
const stepKind = z.enum(['share', 'unshare', 'wire', 'set-variable', 'activate', 'deactivate']);
const who = z.object({ account: z.string(), objectId: z.string() });
const summary = z.object({ done: z.number(), skipped: z.number(), failed: z.number(), cancelled: z.number(), conflicts: z.number() });
const environment = z.object({ id: z.string(), displayName: z.string(), instanceUrl: nullableString }).loose();
const target = z.union([
  z.object({ type: z.literal('connection'), connectionName: z.string(), connector: z.string(), principalObjectId: z.string(), principalName: z.string() }).loose(),
  z.object({ type: z.literal('reference'), referenceId: z.string(), logicalName: z.string(), displayName: z.string(), connector: z.string() }).loose(),
  z.object({ type: z.literal('flow'), flowId: z.string(), name: z.string() }).loose(),
  z.object({ type: z.literal('variable'), definitionId: z.string(), schemaName: z.string(), displayName: z.string() }).loose(),
]);
const planStep = z
  .object({
    id: z.string().min(1),
    environmentId: z.string(),
    kind: stepKind,
    target,
    before: nullableString,
    after: nullableString,
    strategy: z.string(),
    identity: identity.nullable(),
    dependsOn: z.array(z.string()),
    verdict: z.object({ outcome: z.string() }).loose(),
    etag: nullableString,
  })
  .loose();
export const planSchema = z
  .object({
    format: z.literal('patchbay-plan'),
    formatVersion: z.literal(1),
    id: z.string(),
    createdAt: z.string(),
    solution: z.string(),
    environments: z.array(environment),
    steps: z.array(planStep),
    warnings: z.array(z.string()),
  })
  .loose();
const stepError = z
  .object({
    message: z.string(),
    kind: z.string(),
    code: nullableString,
    status: z.number().nullable(),
    platformMessage: nullableString,
    details: z.array(z.object({ code: z.string(), message: z.string() })),
    correlationId: nullableString,
    httpAttempts: z.number().nullable(),
  })
  .loose();

const base = { v: z.literal(JOURNAL_VERSION), runId: z.string().min(1), at: z.string().min(1) };
const recordSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('run-started'), planId: z.string(), solution: z.string(), environments: z.array(environment), who, plan: planSchema }).loose(),
  z.object({ ...base, type: z.literal('run-resumed'), who, remaining: z.array(z.string()), interrupted: z.array(z.string()) }).loose(),
  z.object({ ...base, type: z.literal('step-started'), stepId: z.string(), environmentId: z.string(), kind: stepKind, identity: identity.nullable() }).loose(),
  z
    .object({
      ...base,
      type: z.literal('step-finished'),
      stepId: z.string(),
      environmentId: z.string(),
      kind: stepKind,
      label: z.string(),
      status: z.enum(['done', 'skipped', 'failed', 'conflict', 'cancelled']),
      reason: nullableString,
      observed: z.boolean(),
      before: nullableString,
      after: nullableString,
      inTargetState: z.boolean(),
      uncertain: z.boolean(),
      identity: identity.nullable(),
      startedAt: nullableString,
      attempts: z.number(),
      error: stepError.nullable(),
    })
    .loose(),
  z.object({ ...base, type: z.literal('run-finished'), summary, cancelled: z.boolean() }).loose(),
]);

export type LineResult = { ok: true; record: JournalRecord } | { ok: false; problem: string };

/** One line of a journal file: a record, or why it is not one. */
export function parseRecord(line: string): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, problem: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'not a JSON object' };
  const version = (value as { v?: unknown }).v;
  if (version !== JOURNAL_VERSION) {
    return {
      ok: false,
      problem: typeof version === 'number' && version > JOURNAL_VERSION ? `written by a newer Patchbay (schema v${version}; this one reads v${JOURNAL_VERSION})` : `unknown schema version ${JSON.stringify(version) ?? 'undefined'}`,
    };
  }
  const checked = recordSchema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { ok: false, problem: issue ? `not a journal record (${issue.path.join('.') || 'record'}: ${issue.message})` : 'not a journal record' };
  }
  // Validated above; the schemas keep unknown fields, so the value is the record as written.
  return { ok: true, record: value as JournalRecord };
}

export interface ParsedJournal {
  records: JournalRecord[];
  warnings: string[];
}

/** A whole journal file's text: good records in order; every bad line becomes a warning naming it. */
export function parseJournalText(text: string, source: string, runId?: string): ParsedJournal {
  const records: JournalRecord[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text === '';
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const last = index === lines.length - 1;
    const parsed = parseRecord(line);
    if (!parsed.ok) {
      warnings.push(
        last && !endsClean
          ? `${source} line ${index + 1}: cut off (the process stopped while writing it); skipped.`
          : `${source} line ${index + 1}: ${parsed.problem}; skipped.`,
      );
      return;
    }
    if (runId !== undefined && parsed.record.runId !== runId) {
      warnings.push(`${source} line ${index + 1}: belongs to run ${parsed.record.runId}, not ${runId}; skipped.`);
      return;
    }
    records.push(parsed.record);
  });
  return { records, warnings };
}
