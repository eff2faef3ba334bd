import { join } from 'node:path';
import type { Plan } from '../../../shared/engine/plan';
import { repreflight } from '../../engine/repreflight';
import { ApplyError } from '../../engine/apply/apply-error';
import { JournalError, openJournal } from '../../engine/apply/journal';
import { planUndo } from '../../engine/apply/undo';
import { UsageError, type CliOptions } from '../args';
import type { CliIo } from '../io';
import type { CliRuntime } from '../runtime';
import { reviewAndApply, scanEvery } from './common';

/** `patchbay undo [run id | --last]`: the run's before-values as a new plan, reviewed and applied. */
export async function undoCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const journal = await openJournal(join(runtime.dataDir, 'journal'));
  let runId = o.rest[0];
  if (!runId) {
    if (!o.last) throw new UsageError('undo needs a run id (see `patchbay history`) or --last.');
    const runs = (await journal.listRuns()).filter((r) => r.summary.done > 0).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    runId = runs[0]?.runId;
    if (!runId) throw new UsageError('The journal has no run that changed anything.');
  }
  let plan: Plan;
  try {
    plan = await planUndo(journal, runId);
  } catch (error) {
    if (error instanceof ApplyError) throw new UsageError(error.message);
    // A run id that names no run (a typo, or another machine's journal).
    if (error instanceof JournalError && (error.code === 'not-found' || error.code === 'invalid-run-id')) throw new UsageError(`${error.message} See \`patchbay history\`.`);
    throw error;
  }
  const all = await runtime.environments();
  const environments = all.filter((e) => plan.environments.some((p) => p.id === e.id));
  const snapshots = await scanEvery(runtime, environments, plan.solution, io);
  return (await reviewAndApply(runtime, repreflight(plan, snapshots), snapshots, o, io)).exitCode;
}
