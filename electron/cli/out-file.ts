import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './args';

/**
 * The file `--out` names: written beside itself under a temporary name, then renamed over, so a
 * failure leaves no half-written file; a path that cannot be written is a usage error naming it.
 */

function reason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** The temporary file, if it was made; a path below a file cannot hold one, and that is fine. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing was there
  }
}

export function writeOutFile(path: string, text: string, what: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw new UsageError(`Cannot write ${what} to '${path}': ${reason(error)}. Nothing was written there.`);
  }
}
