import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../log/logger';
import { JournalError } from './journal-error';
import { JOURNAL_VERSION, parseJournalText, type JournalEntry, type JournalRecord } from './records';
import { foldRun, listingOf, type RunListing, type RunState } from './run-state';

export { JournalError };

/**
 * The journal: who changed what, written ahead of the change. Layout in the data folder given to
 * `openJournal`:
 *
 *   <folder>/<runId>.jsonl   one file per run, append-only JSON Lines (records.ts); a resume appends
 *                            to the same file, so a run's whole story is one file
 *   <folder>/<runId>.lock    while a process writes the run: `{"pid":…}`; a lock whose process is gone
 *                            (crash, kill -9) is taken over
 *
 * One file per run keeps each file single-writer (the app and the CLI may run at once), makes "read one
 * run" one read, and confines a crash's cut-off last line to that run. Run ids start with a sortable
 * UTC time, so the folder lists in time order.
 *
 * Every append is written and fsynced before its promise resolves; apply waits for it before touching
 * the platform. Appends that arrive while an fsync is running are written together and share the next
 * fsync (group commit), so a concurrent run is not serialised on the disk.
 */

export interface RunWriter {
  readonly runId: string;
  /** Resolves once the record is on disk (written and fsynced). After a failed append the writer refuses more. */
  append(entry: JournalEntry): Promise<void>;
  /** Waits for pending appends, closes the file and releases the run's lock. */
  close(): Promise<void>;
}

export interface JournalRun {
  runId: string;
  records: JournalRecord[];
  /** One per skipped line: garbage, a line cut off by a crash, a record of an unknown schema version. */
  warnings: string[];
  state: RunState;
}

export interface Journal {
  readonly folder: string;
  /** Starts a new run's file (refused if it exists) and locks it. */
  createRun(runId: string): Promise<RunWriter>;
  /** Reopens an existing run's file to append to it (resume) and locks it. */
  continueRun(runId: string): Promise<RunWriter>;
  readRun(runId: string): Promise<JournalRun>;
  /** Every run with a readable run-started record, newest first. */
  listRuns(): Promise<RunListing[]>;
}

export interface JournalOptions {
  logger?: Logger;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw new JournalError('invalid-run-id', `'${runId}' is not a run id (letters, digits, '.', '_' and '-', at most 128).`);
}

const errnoCode = (error: unknown): string | undefined => (error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

async function acquireLock(path: string, runId: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw new JournalError('io', `Could not lock run ${runId}: ${String(error)}`, { cause: error });
      let holder: number | null = null;
      try {
        const parsed = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown };
        holder = typeof parsed.pid === 'number' ? parsed.pid : null;
      } catch {
        holder = null; // a lock cut off by a crash is stale
      }
      if (holder !== null && processAlive(holder)) {
        throw new JournalError('locked', `Run ${runId} is being written by another process (pid ${holder}); wait for it to finish.`);
      }
      await rm(path, { force: true });
    }
  }
  throw new JournalError('locked', `Run ${runId} is locked by another process.`);
}

/** Best effort: makes a new file's name durable (directories cannot be opened for fsync on Windows). */
async function syncDirectory(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // not supported here
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

interface Pending {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

class FileRunWriter implements RunWriter {
  private pending: Pending[] = [];
  /** Set and cleared synchronously with the flush loop's last check, so no append is ever left waiting. */
  private flushing = false;
  private drained: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private closed = false;

  constructor(
    readonly runId: string,
    private readonly handle: FileHandle,
    private readonly release: () => Promise<void>,
  ) {}

  append(entry: JournalEntry): Promise<void> {
    if (this.closed) return Promise.reject(new JournalError('closed', `The journal of run ${this.runId} is closed.`));
    if (this.failure !== null) return Promise.reject(this.failed());
    const text = `${JSON.stringify({ v: JOURNAL_VERSION, runId: this.runId, ...entry })}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ text, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        this.drained = this.flush();
      }
    });
  }

  private failed(): JournalError {
    return new JournalError('io', `The journal of run ${this.runId} could not be written: ${String(this.failure)}`, { cause: this.failure });
  }

  /** Never throws: a failed write rejects its batch and poisons the writer. */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      if (this.failure !== null) {
        for (const p of batch) p.reject(this.failed());
        continue;
      }
      try {
        await this.handle.appendFile(batch.map((p) => p.text).join(''), 'utf8');
        await this.handle.sync();
        for (const p of batch) p.resolve();
      } catch (error) {
        this.failure = error;
        for (const p of batch) p.reject(this.failed());
      }
    }
    // Same synchronous stretch as the check above: an append after this starts a new flush.
    this.flushing = false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.drained;
    try {
      await this.handle.close();
    } finally {
      await this.release();
    }
  }
}

class FileJournal implements Journal {
  constructor(
    readonly folder: string,
    private readonly logger: Logger,
  ) {}

  private file(runId: string): string {
    return join(this.folder, `${runId}.jsonl`);
  }

  private async writer(runId: string, create: boolean): Promise<RunWriter> {
    checkRunId(runId);
    const release = await acquireLock(join(this.folder, `${runId}.lock`), runId);
    try {
      const path = this.file(runId);
      let handle: FileHandle;
      try {
        handle = await open(path, create ? 'wx' : 'r+');
      } catch (error) {
        if (errnoCode(error) === 'EEXIST') throw new JournalError('exists', `Run ${runId} already has a journal.`);
        if (errnoCode(error) === 'ENOENT') throw new JournalError('not-found', `There is no journal of run ${runId} in ${this.folder}.`);
        throw new JournalError('io', `Could not open the journal of run ${runId}: ${String(error)}`, { cause: error });
      }
      try {
        if (create) {
          await syncDirectory(this.folder);
        } else {
          // A crash can leave the last line cut off: end it, so the next record starts on its own line.
          const { size } = await handle.stat();
          if (size > 0) {
            const last = Buffer.alloc(1);
            await handle.read(last, 0, 1, size - 1);
            if (last[0] !== 0x0a) {
              await handle.write('\n', size);
              await handle.sync();
            }
          }
          await handle.close();
          handle = await open(path, 'a');
        }
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw new JournalError('io', `Could not prepare the journal of run ${runId}: ${String(error)}`, { cause: error });
      }
      return new FileRunWriter(runId, handle, release);
    } catch (error) {
      await release();
      throw error;
    }
  }

  createRun(runId: string): Promise<RunWriter> {
    return this.writer(runId, true);
  }

  continueRun(runId: string): Promise<RunWriter> {
    return this.writer(runId, false);
  }

  async readRun(runId: string): Promise<JournalRun> {
    checkRunId(runId);
    let text: string;
    try {
      text = await readFile(this.file(runId), 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw new JournalError('not-found', `There is no journal of run ${runId} in ${this.folder}.`);
      throw new JournalError('io', `Could not read the journal of run ${runId}: ${String(error)}`, { cause: error });
    }
    const { records, warnings } = parseJournalText(text, `${runId}.jsonl`, runId);
    for (const warning of warnings) this.logger.warn('journal line skipped', { runId, warning });
    return { runId, records, warnings, state: foldRun(runId, records) };
  }

  async listRuns(): Promise<RunListing[]> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw new JournalError('io', `Could not list the journal folder ${this.folder}: ${String(error)}`, { cause: error });
    }
    const listings: RunListing[] = [];
    for (const name of names.sort()) {
      const runId = name.endsWith('.jsonl') ? name.slice(0, -'.jsonl'.length) : null;
      if (runId === null || !RUN_ID.test(runId)) continue;
      try {
        const run = await this.readRun(runId);
        const listing = listingOf(run.state, run.warnings);
        if (listing) listings.push(listing);
        else this.logger.warn('journal file without a readable run-started record ignored', { runId });
      } catch (error) {
        this.logger.warn('journal file could not be read', { runId, error });
      }
    }
    return listings.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
  }
}

/** Opens (creating if needed) the journal in `folder`; a folder that cannot be made or used is a JournalError naming it. */
export async function openJournal(folder: string, options: JournalOptions = {}): Promise<Journal> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    // mkdir answers EEXIST when the path is a file, ENOTDIR when a part of it is one.
    const code = errnoCode(error);
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'it, or a part of its path, is a file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(error);
    throw new JournalError('io', `The journal folder ${folder} cannot be made: ${why}.`, { cause: error });
  }
  const info = await stat(folder);
  if (!info.isDirectory()) throw new JournalError('io', `The journal folder ${folder} is not a folder.`);
  return new FileJournal(folder, options.logger ?? silentLogger);
}
