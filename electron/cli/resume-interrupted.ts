import { join } from 'node:path';
import { openJournal } from '../engine/apply/journal';
import { findIncompleteRuns, resumeRun } from '../engine/apply/resume';
import { liveOperations } from '../engine/live-operations';
import type { CliOptions } from './args';
import type { CliIo } from './io';
import { formatRun } from './output';
import type { CliRuntime } from './runtime';

/** A run cut short (kill -9, power loss) is finished first, so no one plans over half-made changes. */
export async function resumeInterrupted(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<void> {
  const journal = await openJournal(join(runtime.dataDir, 'journal'));
  for (const run of await findIncompleteRuns(journal)) {
    if (!o.yes && !(io.stdinIsTTY && (await io.confirm(`Run ${run.runId} (${run.solution}) was interrupted. Finish it first?`)))) {
      io.err(`Run ${run.runId} was interrupted and is not finished; re-run with --yes to finish it first, or see \`patchbay history ${run.runId}\`.`);
      continue;
    }
    io.err(`Finishing interrupted run ${run.runId} (${run.solution}, started ${run.startedAt})…`);
    const result = await resumeRun(journal, run.runId, {
      operations: liveOperations({ me: runtime.clients, ...(runtime.isApp ? { spn: runtime.clients } : {}) }, await runtime.environments()),
      who: { account: runtime.label, objectId: runtime.objectId },
    });
    io.err(formatRun(result, []));
  }
}
