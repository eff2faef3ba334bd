import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startHarness, type Harness } from '../../sandbox/test-support/harness';
import type { CliIo } from '../io';
import { runCli } from '../main';

/**
 * Runs `patchbay` in-process against a running sandbox, as a pipeline would call it (the pipeline SPN
 * with its client secret), and captures what it prints.
 */

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
}

export interface CliHarness {
  h: Harness;
  dataDir: string;
  /** Sign-in flags for the sandbox's pipeline service principal. */
  auth: string[];
  run(...args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

export function captureIo(env: Record<string, string | undefined> = {}): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const stderrStream = new PassThrough();
  stderrStream.on('data', (d: Buffer) => (err += d.toString()));
  return {
    io: {
      out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`),
      err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`),
      stdoutIsTTY: false,
      stderrIsTTY: false,
      stdinIsTTY: false,
      columns: 160,
      env,
      stderrStream,
      confirm: () => Promise.resolve(false),
    },
    stdout: () => out,
    stderr: () => err,
  };
}

export async function startCliHarness(): Promise<CliHarness> {
  const h = await startHarness();
  const pipeline = h.sb.ready().apps.find((a) => a.isPipelineSpn);
  const dataDir = mkdtempSync(join(tmpdir(), 'patchbay-cli-'));
  const auth = ['--sandbox-url', h.base, '--ca-file', h.sb.caCertPath, '--tenant', h.sb.tenantId, '--client-id', pipeline?.clientId ?? '', '--client-secret', pipeline?.clientSecret ?? ''];
  return {
    h,
    dataDir,
    auth,
    run: async (...args) => {
      const captured = captureIo({ PATCHBAY_DATA_DIR: dataDir });
      const code = await runCli(args, captured.io);
      const stdout = captured.stdout();
      return { code, stdout, stderr: captured.stderr(), json: <T>() => JSON.parse(stdout) as T };
    },
    close: () => h.close(),
  };
}
