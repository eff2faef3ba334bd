import { join } from 'node:path';
import type { Environment } from '../../../shared/domain/types';
import type { Plan, PlanStep } from '../../../shared/engine/plan';
import type { EnvironmentSnapshot } from '../../../shared/engine/snapshot';
import { listSolutions } from '../../cloud/dataverse/readers/solutions';
import { applyPlan } from '../../engine/apply/apply';
import { openJournal } from '../../engine/apply/journal';
import type { RunResult } from '../../engine/apply/types';
import { closeNames } from '../../engine/files/names';
import { liveOperations } from '../../engine/live-operations';
import { scan, type ScanResult } from '../../engine/scan';
import { UsageError, type CliOptions } from '../args';
import type { CliIo } from '../io';
import { annotateRun, ciSafeJson, colorEnabled, createProgress, formatPlan, formatRun, namesFromSnapshots, runJson } from '../output';
import { EXIT } from '../exit-codes';
import { IncompleteScanError } from '../incomplete-scan';
import type { CliRuntime } from '../runtime';

/** Re-exported for the commands, which all import their helpers from here. */
export { EXIT };

const normalizeUrl = (url: string): string => url.trim().toLowerCase().replace(/\/+$/, '');

/** Whole-word match: "test" names "Contoso Test", as people say it. */
function wordMatch(displayName: string, wanted: string): boolean {
  const escaped = wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s(\\-_])${escaped}($|[\\s)\\-_])`, 'i').test(displayName);
}

/** `--env` values → environments: display names (case-insensitive, or a unique word of one), ids, or instance URLs. */
export function resolveEnvironments(all: readonly Environment[], names: readonly string[] | undefined, required: boolean): Environment[] {
  if (!names?.length) {
    if (required) throw new UsageError(`Pass --env with the environments to act on (${all.map((e) => e.displayName).join(', ')}).`);
    return all.filter((e) => e.instanceUrl);
  }
  const known = `Known: ${all.map((e) => e.displayName).join(', ')}.`;
  return names.map((name) => {
    const wanted = name.trim().toLowerCase();
    const exact = all.find(
      (e) => e.displayName.toLowerCase() === wanted || e.id.toLowerCase() === wanted || (e.instanceUrl !== null && normalizeUrl(e.instanceUrl) === normalizeUrl(name)),
    );
    if (exact) return exact;
    const byWord = all.filter((e) => wordMatch(e.displayName, name.trim()));
    if (byWord.length === 1 && byWord[0]) return byWord[0];
    if (byWord.length > 1) throw new UsageError(`'${name}' could mean ${byWord.map((e) => `'${e.displayName}'`).join(' or ')}: use the full name or the id.`);
    const close = closeNames(name, all.map((e) => e.displayName));
    throw new UsageError(`Unknown environment '${name}'.${close.length ? ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : ''} ${known}`);
  });
}

/** The one environment a settings file describes. */
export function oneEnvironment(environments: readonly Environment[]): Environment {
  const [only] = environments;
  if (!only || environments.length !== 1) throw new UsageError('A settings file describes one environment: pass exactly one --env.');
  return only;
}

export function requireSolution(o: CliOptions): string {
  if (!o.solution) throw new UsageError('Pass --solution with the solution’s unique name (e.g. ContosoOperations).');
  return o.solution;
}

/** What a report (scan, audit) shows: the environments that could be scanned, and the ones that could not. */
export interface PartialScan {
  snapshots: EnvironmentSnapshot[];
  /** Already reported on stderr, one line each; a report on fewer environments than asked exits 1. */
  unscanned: ScanResult['failures'];
}

/**
 * For reports (scan, audit): whatever could be scanned, each environment that could not reported on
 * stderr; the caller exits 1 when `unscanned` is not empty. An unknown solution is a usage error that
 * suggests close names — only when every environment answered: one that could not be scanned may be the
 * one that has it.
 */
export async function scanForReport(runtime: CliRuntime, environments: readonly Environment[], solution: string, io: CliIo): Promise<PartialScan> {
  const result = await scan(runtime.clients, environments, { solution, identities: await runtime.identities() });
  for (const failure of result.failures) io.err(`Could not scan ${failure.environment.displayName}: ${failure.error}`);
  if (!result.failures.length && result.snapshots.length && result.snapshots.every((s) => s.solution === null)) {
    const first = environments.find((e) => e.instanceUrl);
    const names = first?.instanceUrl ? (await listSolutions(runtime.clients.dataverse(first.instanceUrl))).map((s) => s.uniqueName) : [];
    const close = closeNames(solution, names);
    throw new UsageError(
      `No environment has the solution '${solution}'.${close.length ? ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : ''}`,
    );
  }
  return { snapshots: result.snapshots, unscanned: result.failures };
}

/**
 * For commands that plan, change or export: a snapshot of every environment asked for, in order, or an
 * IncompleteScanError (exit 1) once the failures are reported — never a plan missing an environment.
 */
export async function scanEvery(runtime: CliRuntime, environments: readonly Environment[], solution: string, io: CliIo): Promise<EnvironmentSnapshot[]> {
  const { snapshots, unscanned } = await scanForReport(runtime, environments, solution, io);
  if (unscanned.length) throw new IncompleteScanError(unscanned.map((f) => f.environment), environments.length);
  return snapshots;
}

/** `scanEvery` for the commands that act on exactly one environment (settings files). */
export async function scanOne(runtime: CliRuntime, environment: Environment, solution: string, io: CliIo): Promise<EnvironmentSnapshot> {
  const [snapshot] = await scanEvery(runtime, [environment], solution, io);
  if (!snapshot) throw new IncompleteScanError([environment], 1);
  return snapshot;
}

/** Steps preflight says will fail, and every step depending on them: not sent to the platform. */
export function blockedSteps(plan: Plan): Set<string> {
  const blocked = new Set(plan.steps.filter((s) => s.verdict.outcome === 'will-fail').map((s) => s.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of plan.steps) {
      if (!blocked.has(s.id) && s.dependsOn.some((d) => blocked.has(d))) {
        blocked.add(s.id);
        grew = true;
      }
    }
  }
  return blocked;
}

export interface ApplyOutcome {
  exitCode: number;
  result: RunResult | null;
  notRun: PlanStep[];
}

/**
 * Shows the plan, then (after --yes or a yes on a terminal) runs what preflight does not refuse,
 * journaled, with progress, and reports per-step results. Blocked steps are reported, not sent.
 */
export async function reviewAndApply(runtime: CliRuntime, plan: Plan, snapshots: readonly EnvironmentSnapshot[], o: CliOptions, io: CliIo): Promise<ApplyOutcome> {
  const blocked = blockedSteps(plan);
  const notRun = plan.steps.filter((s) => blocked.has(s.id));
  const names = namesFromSnapshots(snapshots);
  const color = colorEnabled({ isTTY: io.stdoutIsTTY }, io.env);
  if (!o.json) io.out(formatPlan(plan, { names, color }));
  if (plan.steps.length === 0) {
    if (o.json) io.out(ciSafeJson({ plan, run: null }));
    else io.out('Nothing to do: everything is already in the target state.');
    return { exitCode: EXIT.ok, result: null, notRun };
  }
  if (o.dryRun) {
    if (o.json) io.out(ciSafeJson({ plan, run: null }));
    return { exitCode: notRun.length ? EXIT.stepsFailed : EXIT.ok, result: null, notRun };
  }
  if (!o.yes) {
    if (!io.stdinIsTTY) {
      if (o.json) io.out(ciSafeJson({ plan, run: null }));
      io.err('Not applied: re-run with --yes to apply this plan (no terminal to ask on).');
      return { exitCode: EXIT.ok, result: null, notRun };
    }
    if (!(await io.confirm(`Apply ${plan.steps.length - notRun.length} step(s)?`))) {
      io.err('Not applied.');
      return { exitCode: EXIT.ok, result: null, notRun };
    }
  }
  const runnable: Plan = { ...plan, steps: plan.steps.filter((s) => !blocked.has(s.id)) };
  const journal = await openJournal(join(runtime.dataDir, 'journal'));
  const progress = o.json
    ? null
    : createProgress({ stream: io.stderrStream, isTTY: io.stderrIsTTY, columns: io.columns, total: runnable.steps.length, plan: runnable, names, color: colorEnabled({ isTTY: io.stderrIsTTY }, io.env) });
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  let result: RunResult;
  try {
    result = await applyPlan(runnable, {
      operations: liveOperations({ me: runtime.clients, ...(runtime.isApp ? { spn: runtime.clients } : {}) }, snapshots.map((s) => s.environment)),
      names,
      journal,
      who: { account: runtime.label, objectId: runtime.objectId },
      signal: controller.signal,
      ...(o.concurrency ? { concurrencyPerEnvironment: o.concurrency } : {}),
      ...(progress ? { onProgress: (e) => progress.update(e) } : {}),
    });
  } finally {
    process.off('SIGINT', onSignal);
    progress?.finish();
  }
  if (o.json) io.out(ciSafeJson({ plan, run: runJson(result, { plan, names }), notRun: notRun.map((s) => s.id) }));
  else io.out(formatRun(result, notRun, { plan, names, color }));
  for (const line of annotateRun(result, notRun, io.env, { plan })) io.out(line);
  const failed = result.summary.failed + result.summary.conflicts + result.summary.cancelled + notRun.length;
  return { exitCode: failed ? EXIT.stepsFailed : EXIT.ok, result, notRun };
}
