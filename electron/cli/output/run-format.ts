import type { Plan, PlanStep } from '../../../shared/engine/plan';
import type { ReportRun, ReportStep } from '../../../shared/report/release-report';
import { plural } from '../../../shared/report/words';
import type { RunResult, StepError, StepResult } from '../../engine/apply/types';
import { redactText } from '../../log/redact';
import { paint } from './color';
import { environmentNamer, identityWords, planNames, targetWords, type NameLookup } from './names';
import { verdictLines } from './plan-format';
import { stepLine } from './step-line';
import { cleanLines, cleanText } from './text';

/**
 * A run result for people (a summary line, then each failed and conflicting step with its
 * plain-language error, and the steps preflight kept from running) and for machines (plain JSON data);
 * and the run as the release report lists it.
 */

export interface RunFormatOptions {
  /** The plan that ran: environment names, targets, principal names. Without it, step labels and ids stand in. */
  plan?: Plan;
  names?: NameLookup;
  color?: boolean;
}

export type RunOutcome = 'succeeded' | 'failed' | 'cancelled';

/** Failed, conflicting or not-run steps fail the run; else a cancelled run is cancelled; else it succeeded. */
export function runOutcome(result: Pick<RunResult, 'summary' | 'cancelled'>, notRun = 0): RunOutcome {
  if (result.summary.failed > 0 || result.summary.conflicts > 0 || notRun > 0) return 'failed';
  return result.cancelled || result.summary.cancelled > 0 ? 'cancelled' : 'succeeded';
}

/** "40 steps: 37 done, 1 skipped, 1 failed, 1 conflict". */
export function runSummaryLine(result: Pick<RunResult, 'summary' | 'steps'>): string {
  const { done, skipped, failed, conflicts, cancelled } = result.summary;
  const parts = [
    done > 0 ? `${done} done` : null,
    skipped > 0 ? `${skipped} skipped` : null,
    failed > 0 ? `${failed} failed` : null,
    conflicts > 0 ? plural(conflicts, 'conflict') : null,
    cancelled > 0 ? `${cancelled} cancelled` : null,
  ].filter((p): p is string => p !== null);
  return `${plural(result.steps.length, 'step')}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** "code XrmConnectionReferenceMissingConnection · HTTP 400 · correlation id 1234". */
function technicalLine(error: StepError | null): string | null {
  if (!error) return null;
  const parts = [
    error.code ? `code ${error.code}` : null,
    error.status !== null ? `HTTP ${error.status}` : null,
    error.correlationId ? `correlation id ${error.correlationId}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length ? cleanText(redactText(parts.join(' · '))) : null;
}

/**
 * The run for people. `notRun`: plan steps preflight refused (and those depending on them), which the
 * caller kept out of the run; they are listed with their blockers and fixes.
 */
export function formatRun(result: RunResult, notRun: readonly PlanStep[] = [], options: RunFormatOptions = {}): string {
  const color = options.color === true;
  const plan = options.plan;
  const stepsById = new Map<string, PlanStep>(plan?.steps.map((s) => [s.id, s]) ?? []);
  const names = plan ? planNames(plan, options.names) : options.names;
  const environmentName = environmentNamer(plan?.environments ?? []);
  const ctx = { environmentName, names, color, indent: '  ' };
  const outcome = runOutcome(result, notRun.length);
  const headColor = outcome === 'failed' ? 'red' : outcome === 'cancelled' ? 'yellow' : 'green';
  const notRunWords = notRun.length ? `; ${notRun.length} not run (preflight refused)` : '';
  const out: string[] = [paint(`Run ${cleanText(result.runId)} (plan ${cleanText(result.planId)}): ${runSummaryLine(result)}${notRunWords}.`, headColor, color)];
  if (result.cancelled) out.push('The run was cancelled before every step ran; resume it to finish the rest.');

  const section = (title: string, count: number): void => {
    out.push('', paint(`${title} (${count})`, 'bold', color));
  };
  const results = (title: string, steps: readonly StepResult[]): void => {
    if (steps.length === 0) return;
    section(title, steps.length);
    for (const r of steps) {
      let text = stepLine(stepsById.get(r.stepId) ?? null, r, ctx);
      const technical = technicalLine(r.error);
      if (technical) text += `      ${technical}\n`;
      out.push(text.replace(/\n$/, ''));
    }
  };
  results('Failed', result.steps.filter((s) => s.status === 'failed'));
  results('Conflicts', result.steps.filter((s) => s.status === 'conflict'));

  if (notRun.length) {
    section('Not run: preflight refused', notRun.length);
    const refused = new Set(notRun.filter((s) => s.verdict.outcome === 'will-fail').map((s) => s.id));
    const notRunById = new Map(notRun.map((s) => [s.id, s]));
    const dependencyWords = (s: PlanStep): string =>
      s.dependsOn
        .map((d) => notRunById.get(d))
        .filter((d): d is PlanStep => d !== undefined)
        .map((d) => `${d.kind} ${targetWords(d)}`)
        .join(', ');
    for (const s of notRun) {
      const head = `  ${paint(refused.has(s.id) ? '✗' : '-', refused.has(s.id) ? 'red' : 'dim', color)} ${cleanText(`${environmentName(s.environmentId)}  ${s.kind}  ${targetWords(s)}`)}  (${cleanText(identityWords(s.identity, names))})`;
      const why = refused.has(s.id) ? verdictLines(s, names) : [`not run: it depends on ${dependencyWords(s) || 'a step that was not run'}`];
      out.push(head, ...why.flatMap((line) => cleanLines(redactText(line)).map((l) => `      ${l}`)));
    }
  }
  return `${out.join('\n')}\n`;
}

const redactError = (error: StepError | null): StepError | null =>
  error && {
    ...error,
    message: redactText(error.message),
    platformMessage: error.platformMessage === null ? null : redactText(error.platformMessage),
    details: error.details.map((d) => ({ code: d.code, message: redactText(d.message) })),
  };

export interface RunJson {
  format: 'patchbay-run';
  formatVersion: 1;
  runId: string;
  planId: string;
  outcome: RunOutcome;
  cancelled: boolean;
  summary: { total: number; done: number; skipped: number; failed: number; conflicts: number; cancelled: number };
  steps: (StepResult & { environmentName: string; target: string | null; identityName: string })[];
}

/** The run for machines (plain data; the caller serialises it): stable keys, names beside ids, messages redacted. */
export function runJson(result: RunResult, options: Pick<RunFormatOptions, 'plan' | 'names'> = {}): RunJson {
  const plan = options.plan;
  const stepsById = new Map<string, PlanStep>(plan?.steps.map((s) => [s.id, s]) ?? []);
  const environmentName = environmentNamer(plan?.environments ?? []);
  const names = plan ? planNames(plan, options.names) : options.names;
  return {
    format: 'patchbay-run',
    formatVersion: 1,
    runId: result.runId,
    planId: result.planId,
    outcome: runOutcome(result),
    cancelled: result.cancelled,
    summary: {
      total: result.steps.length,
      done: result.summary.done,
      skipped: result.summary.skipped,
      failed: result.summary.failed,
      conflicts: result.summary.conflicts,
      cancelled: result.summary.cancelled,
    },
    steps: result.steps.map((r) => {
      const step = stepsById.get(r.stepId);
      return {
        stepId: r.stepId,
        environmentId: r.environmentId,
        environmentName: environmentName(r.environmentId),
        kind: r.kind,
        target: step ? targetWords(step) : null,
        label: r.label,
        status: r.status,
        reason: r.reason === null ? null : redactText(r.reason),
        observed: r.observed,
        before: r.before,
        after: r.after,
        inTargetState: r.inTargetState,
        uncertain: r.uncertain,
        identity: r.identity,
        identityName: identityWords(r.identity, names),
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        attempts: r.attempts,
        error: redactError(r.error),
      };
    }),
  };
}

/** The run as the release report lists it (before/after as read when the step ran, else as planned). */
export function reportRunFromResult(result: RunResult, options: Pick<RunFormatOptions, 'plan' | 'names'> = {}): ReportRun {
  const plan = options.plan;
  const stepsById = new Map<string, PlanStep>(plan?.steps.map((s) => [s.id, s]) ?? []);
  const environmentName = environmentNamer(plan?.environments ?? []);
  const names = plan ? planNames(plan, options.names) : options.names;
  const steps: ReportStep[] = result.steps.map((r) => {
    const step = stepsById.get(r.stepId);
    return {
      environmentId: r.environmentId,
      environmentName: environmentName(r.environmentId),
      action: r.kind,
      target: step ? targetWords(step) : r.label,
      identity: identityWords(r.identity, names),
      before: r.observed ? r.before : (step?.before ?? null),
      after: r.observed ? r.after : (step?.after ?? null),
      status: r.status,
      note: r.reason === null ? null : redactText(r.reason),
      error: r.error ? redactText(r.error.message) : null,
    };
  });
  return { runId: result.runId, planId: result.planId, cancelled: result.cancelled, steps };
}
