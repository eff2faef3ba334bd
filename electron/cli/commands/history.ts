import { join } from 'node:path';
import { openJournal } from '../../engine/apply/journal';
import type { CliOptions } from '../args';
import { UsageError } from '../args';
import type { CliIo } from '../io';
import { renderTable } from '../output';
import { EXIT } from './common';

/** `patchbay history [run id]`: runs from the journal, newest first, or one run's steps. */
export async function historyCommand(dataDir: string, o: CliOptions, io: CliIo): Promise<number> {
  const journal = await openJournal(join(dataDir, 'journal'));
  const runId = o.rest[0];
  if (!runId) {
    const runs = (await journal.listRuns()).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    if (o.json) io.out(JSON.stringify(runs, null, 2));
    else if (!runs.length) io.out(`No runs in the journal (${join(dataDir, 'journal')}).`);
    else {
      io.out(
        renderTable(
          ['Run', 'Started', 'Solution', 'Environments', 'By', 'Status', 'Done', 'Failed', 'Conflicts'],
          runs.map((r) => [r.runId, r.startedAt, r.solution, r.environments.join(', '), r.who.account, r.status, String(r.summary.done), String(r.summary.failed), String(r.summary.conflicts)]),
        ),
      );
    }
    return EXIT.ok;
  }
  const run = await journal.readRun(runId).catch(() => null);
  if (!run?.state.plan) throw new UsageError(`No run '${runId}' in the journal. See \`patchbay history\`.`);
  for (const warning of run.warnings) io.err(warning);
  const results = [...run.state.results.values()];
  if (o.json) io.out(JSON.stringify({ runId, plan: run.state.plan, results }, null, 2));
  else io.out(renderTable(['Step', 'Status', 'Before', 'After', 'Reason'], results.map((r) => [r.label, r.status, r.before ?? '—', r.after ?? '—', r.reason ?? ''])));
  return EXIT.ok;
}
