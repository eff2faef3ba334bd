import { ResponseShapeError } from '../cloud/dataverse/errors';
import { JournalError } from '../engine/apply/journal-error';
import { PlatformError } from '../cloud/http/platform-error';
import { redactText } from '../log/redact';
import { parseCli, usage, UsageError, type CliOptions, type Command } from './args';
import { EXIT } from './exit-codes';
import { ConfigError } from './config-error';
import { IncompleteScanError } from './incomplete-scan';
import { resolveDataDir } from './data-dir';
import { processIo, type CliIo } from './io';
import type { CliRuntime } from './runtime';

/**
 * `patchbay`: the engine for pipelines and terminals. Exit codes: 0 success, 1 some steps failed,
 * 2 usage or configuration error, 3 audit findings matched --fail-on.
 */

const WRITES = new Set(['wire', 'apply', 'activate', 'deactivate', 'share', 'undo']);

type RuntimeCommand = (runtime: CliRuntime, o: CliOptions, io: CliIo) => Promise<number>;

/**
 * Each command's module is loaded only when it runs: `patchbay help` (and a usage error) must not pay for
 * msal, undici and the engine, and pipelines start the CLI on every step.
 */
const COMMANDS: Record<Exclude<Command, 'help' | 'history'>, () => Promise<RuntimeCommand>> = {
  envs: async () => (await import('./commands/envs')).envsCommand,
  scan: async () => (await import('./commands/scan')).scanCommand,
  audit: async () => (await import('./commands/audit')).auditCommand,
  wire: async () => (await import('./commands/wire')).wireCommand,
  plan: async () => (await import('./commands/plan')).planCommand,
  apply: async () => (await import('./commands/apply')).applyCommand,
  activate: async () => {
    const { activateCommand } = await import('./commands/activate');
    return (runtime, o, io) => activateCommand(runtime, o, io, true);
  },
  deactivate: async () => {
    const { activateCommand } = await import('./commands/activate');
    return (runtime, o, io) => activateCommand(runtime, o, io, false);
  },
  share: async () => (await import('./commands/share')).shareCommand,
  settings: async () => (await import('./commands/settings')).settingsCommand,
  undo: async () => (await import('./commands/undo')).undoCommand,
};

async function dispatch(o: CliOptions, io: CliIo): Promise<number> {
  if (o.command === 'help') {
    io.out(usage);
    return EXIT.ok;
  }
  const dataDir = resolveDataDir(o.dataDir, io.env);
  if (o.command === 'history') {
    const { historyCommand } = await import('./commands/history');
    return historyCommand(dataDir, o, io);
  }
  const [command, { openRuntime }] = await Promise.all([COMMANDS[o.command](), import('./runtime')]);
  const runtime = await openRuntime(o, io, dataDir);
  try {
    if (WRITES.has(o.command) && !o.dryRun) await (await import('./resume-interrupted')).resumeInterrupted(runtime, o, io);
    return await command(runtime, o, io);
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
    // A service's answer in a shape the clients cannot read: its message names the service, the entity and the field.
    // Environments that could not be scanned (each reported already), and a journal that cannot be used, name themselves too.
    if (error instanceof ResponseShapeError || error instanceof IncompleteScanError || error instanceof JournalError) {
      io.err(redactText(error.message));
      return EXIT.stepsFailed;
    }
    // The plan module is the engine's: loaded only when something failed, so `help` does not pay for it.
    // What reaches here is the solution's own problem (flows that call each other in a cycle).
    const { PlanError } = await import('../../shared/engine/plan');
    if (error instanceof PlanError) {
      io.err(redactText(error.message));
      return EXIT.stepsFailed;
    }
    io.err(`patchbay failed unexpectedly: ${redactText(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
    return EXIT.stepsFailed;
  }
}
