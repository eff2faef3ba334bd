import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `patchbay` as a separate process, and a watcher that counts the step records it journals — so a
 * chaos run can SIGKILL it after a chosen number of finished steps, as a crash or `kill -9` would.
 */

/**
 * How `patchbay` is started: `bin/patchbay.mjs` (the built bundle, else the source through tsx), or
 * the current source. Either runs in one process, so a SIGKILL hits the process writing the journal.
 */
export const CLI_COMMANDS = {
  bin: [process.execPath, 'bin/patchbay.mjs'],
  source: [process.execPath, '--import', 'tsx', 'electron/cli/entry.ts'],
} as const satisfies Record<string, readonly string[]>;

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  exited: Promise<CliExit>;
}

export function startCli(root: string, command: readonly string[], args: readonly string[], dataDir: string): CliProcess {
  const [program, ...prefix] = command;
  const child = spawn(program ?? process.execPath, [...prefix, ...args], { cwd: root, env: { ...process.env, PATCHBAY_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<CliExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

/** Counts `step-finished` records in the one run file of a journal folder, reading only what was appended. */
export class JournalWatcher {
  #file: string | null = null;
  #offset = 0;
  #partial = '';
  #finished = 0;

  constructor(private readonly folder: string) {}

  /** The run's id once its file exists. */
  get runId(): string | null {
    return this.#file?.replace(/\.jsonl$/, '') ?? null;
  }

  finishedSteps(): number {
    if (!this.#file) {
      if (!existsSync(this.folder)) return 0;
      this.#file = readdirSync(this.folder).find((f) => f.endsWith('.jsonl')) ?? null;
      if (!this.#file) return 0;
    }
    const fd = openSync(join(this.folder, this.#file), 'r');
    try {
      const chunk = Buffer.alloc(1 << 16);
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, this.#offset);
        if (n === 0) break;
        this.#offset += n;
        const lines = (this.#partial + chunk.toString('utf8', 0, n)).split('\n');
        this.#partial = lines.pop() ?? '';
        this.#finished += lines.filter((l) => l.includes('"type":"step-finished"')).length;
      }
    } finally {
      closeSync(fd);
    }
    return this.#finished;
  }
}
