import { ApplyError } from './apply-error';
import { closeQuietly, execute, type ExecutionOptions } from './apply';
import type { Journal } from './journal';
import { remainingSteps, type RunListing } from './run-state';
import type { RunResult } from './types';
import { validatePlan } from './validate-plan';

/**
 * After a crash (or kill -9) mid-run, the run's journal has no `run-finished`. Resuming rebuilds the
 * work left from the journaled plan minus the steps journaled finished, and runs it with the same
 * read-before-write: a step journaled started but not finished may or may not have reached the
 * platform, and the re-read tells (found in its target state → `done`, confirmed). Steps cancelled in
 * an earlier session are run again too. The resume is journaled as `run-resumed` in the same run.
 */

export async function findIncompleteRuns(journal: Journal): Promise<RunListing[]> {
  return (await journal.listRuns()).filter((r) => r.status === 'incomplete');
}

export async function resumeRun(journal: Journal, runId: string, options: ExecutionOptions): Promise<RunResult> {
  // Lock first, then read: another process may have resumed (or be resuming) the same run.
  const writer = await journal.continueRun(runId);
  try {
    const { state } = await journal.readRun(runId);
    const plan = state.plan;
    if (!plan) throw new ApplyError('not-resumable', `Run ${runId} cannot be resumed: its journal has no readable plan (run-started record).`);
    validatePlan(plan);
    const remaining = remainingSteps(state);
    if (state.status === 'complete' && remaining.length === 0) {
      throw new ApplyError('not-resumable', `Run ${runId} has finished every step; there is nothing to resume.`);
    }
    // Started but never finished, or cancelled mid-write: their write may have landed; the re-read settles it.
    const interrupted = remaining.filter((id) => state.interrupted.has(id) || state.results.get(id)?.uncertain === true);
    const now = options.now ?? (() => new Date());
    await writer.append({ type: 'run-resumed', at: now().toISOString(), who: options.who, remaining, interrupted });
    return await execute(plan, runId, writer, options, {
      toRun: new Set(remaining),
      prior: state.results,
      interrupted: new Set(interrupted),
    });
  } finally {
    await closeQuietly(writer, options.logger);
  }
}
