import { createInterface } from 'node:readline/promises';

/**
 * Where a command writes: stdout for results (tables for people, one JSON document for machines),
 * stderr for progress and notes. A seam so tests run commands in-process and read what they printed.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal (tables, colours); stderr is one (progress bar, prompts). */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  columns: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Asks a yes/no question on a terminal; never called when stdin is not one. */
  confirm(question: string): Promise<boolean>;
  stdinIsTTY: boolean;
  stderrStream: NodeJS.WritableStream;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    columns: process.stdout.columns ?? 120,
    env: process.env,
    stderrStream: process.stderr,
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}
