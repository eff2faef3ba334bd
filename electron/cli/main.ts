import { join, resolve } from 'node:path';
import { redactText } from '../log/redact';
import { openJournal } from '../engine/apply/journal';
import { findIncompleteRuns, resumeRun } from '../engine/apply/resume';
import { liveOperations } from '../engine/live-operations';
import { PlatformError } from '../cloud/http/platform-error';
import { parseCli, usage, UsageError, type CliOptions } from './args';
import { activateCommand } from './commands/activate';
import { applyCommand } from './commands/apply';
import { auditCommand } from './commands/audit';
import { EXIT } from './commands/common';
import { envsCommand } from './commands/envs';
import { historyCommand } from './commands/history';
import { planCommand } from './commands/plan';
import { scanCommand } from './commands/scan';
import { settingsCommand } from './commands/settings';
import { shareCommand } from './commands/share';
import { undoCommand } from './commands/undo';
import { wireCommand } from './commands/wire';
import { processIo, type CliIo } from './io';
import { formatRun } from './output';
import { ConfigError, defaultDataDir, openRuntime, type CliRuntime } from './runtime';

/**
 * `patchbay`: the engine for pipelines and terminals. Exit codes: 0 success, 1 some steps failed,
 * 2 usage or configuration error, 3 audit findings matched --fail-on.
 */

const WRITES = new Set(['wire', 'apply', 'activate', 'deactivate', 'share', 'undo']);

/** A run cut short (kill -9, power loss) is finished first, so no one plans over half-made changes. */
async function resumeInterrupted(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<void> {
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

async function dispatch(o: CliOptions, io: CliIo): Promise<number> {
  if (o.command === 'help') {
    io.out(usage);
    return EXIT.ok;
  }
  if (o.command === 'history') return historyCommand(resolve(o.dataDir ?? defaultDataDir(io.env)), o, io);
  const runtime = await openRuntime(o, io);
  try {
    if (WRITES.has(o.command) && !o.dryRun) await resumeInterrupted(runtime, o, io);
    switch (o.command) {
      case 'envs':
        return await envsCommand(runtime, o, io);
      case 'scan':
        return await scanCommand(runtime, o, io);
      case 'audit':
        return await auditCommand(runtime, o, io);
      case 'wire':
        return await wireCommand(runtime, o, io);
      case 'plan':
        return await planCommand(runtime, o, io);
      case 'apply':
        return await applyCommand(runtime, o, io);
      case 'activate':
        return await activateCommand(runtime, o, io, true);
      case 'deactivate':
        return await activateCommand(runtime, o, io, false);
      case 'share':
        return await shareCommand(runtime, o, io);
      case 'settings':
        return await settingsCommand(runtime, o, io);
      case 'undo':
        return await undoCommand(runtime, o, io);
    }
  } finally {
    await runtime.close();
  }
}

/** Runs one command line; never throws: every failure is a message and an exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await dispatch(parseCli(argv, io.env), io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.err(redactText(error.message));
      if (error instanceof UsageError && /^Unknown (command|option)/.test(error.message)) io.err('Run `patchbay help` for the commands and options.');
      return EXIT.usage;
    }
    if (error instanceof PlatformError) {
      io.err(redactText(error.message));
      return error.kind === 'auth' || error.kind === 'forbidden' ? EXIT.usage : EXIT.stepsFailed;
    }
    io.err(`patchbay failed unexpectedly: ${redactText(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
    return EXIT.stepsFailed;
  }
}
