import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { z } from 'zod';
import type { CloudState } from './model';

/**
 * `--state-file`: the demo tenant keeps its changes across restarts. A file that is not valid JSON, or
 * is not ours, stops the start with a clear error and is never overwritten; writes are atomic
 * (temp file, fsync, rename) so a crash cannot leave half a state behind.
 */

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

// A shallow check of the shape: enough to tell our file from someone else's JSON before we trust it.
const stateShape = z.object({
  format: z.literal('patchbay-sandbox-state'),
  formatVersion: z.literal(1),
  scenario: z.object({ name: z.string(), seed: z.number(), parameters: z.record(z.string(), z.number()) }),
  tenant: z.object({ id: z.string(), displayName: z.string(), defaultDomain: z.string() }),
  entra: z.object({ signingKey: z.object({ privateKeyPem: z.string(), certificatePem: z.string() }), tokensValidAfter: z.record(z.string(), z.string()) }),
  apps: z.array(z.object({ name: z.string(), clientId: z.string() }).loose()),
  users: z.array(z.object({ objectId: z.string(), userPrincipalName: z.string() }).loose()),
  environments: z.array(z.object({ id: z.string(), orgName: z.string(), tables: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))) }).loose()),
  connections: z.array(z.object({ name: z.string(), environmentId: z.string() }).loose()),
});

function lineAndColumn(text: string, message: string): string {
  const at = /position (\d+)/.exec(message)?.[1];
  if (at === undefined) return '';
  const before = text.slice(0, Number(at));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

export function readStateFile(path: string): CloudState {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new StateFileError(
      `The state file ${path} is not valid JSON${lineAndColumn(text, message)} (${message}). It was left untouched; move it away or pass another --state-file.`,
    );
  }
  const format = (parsed as { format?: unknown } | null)?.format;
  if (format !== 'patchbay-sandbox-state') {
    throw new StateFileError(
      `${path} is not a Patchbay sandbox state file (it has no "format": "patchbay-sandbox-state"). It was left untouched; pass a new path to --state-file.`,
    );
  }
  const checked = stateShape.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new StateFileError(
      `The state file ${path} is damaged: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape'}. It was left untouched; move it away or pass another --state-file.`,
    );
  }
  return parsed as CloudState;
}

export function writeStateFileAtomic(path: string, state: CloudState): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

export interface StateFile {
  /** The state found in the file, or null when the file did not exist yet. */
  loaded: CloudState | null;
  save(state: CloudState): void;
  /** Coalesces bursts of changes (a bulk run) into one write shortly after. */
  scheduleSave(state: CloudState): void;
  flush(state: CloudState): void;
}

export function openStateFile(path: string, debounceMs = 250): StateFile {
  const loaded = existsSync(path) ? readStateFile(path) : null;
  let timer: NodeJS.Timeout | null = null;
  let dirty = false;
  let latest: CloudState | null = null;
  const save = (state: CloudState): void => {
    dirty = false;
    writeStateFileAtomic(path, state);
  };
  return {
    loaded,
    save,
    scheduleSave: (state) => {
      dirty = true;
      latest = state;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (dirty && latest) save(latest);
      }, debounceMs);
      timer.unref();
    },
    flush: (state) => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (dirty) save(state);
    },
  };
}
