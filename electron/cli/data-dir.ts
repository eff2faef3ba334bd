import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config-error';

/** The user data folder: PATCHBAY_DATA_DIR, --data-dir, else the platform's conventional place. */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (process.platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Patchbay');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Patchbay');
  return join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'patchbay');
}

const errnoCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/**
 * The data folder a command uses, absolute: `given` (--data-dir or PATCHBAY_DATA_DIR), else the default.
 * Checked before anything signs in, reads or writes there (the journal, run locks and the token cache
 * live below it): the nearest part of the path that exists must be a folder — what is missing is made
 * when first needed — else a configuration error names the path, not an ENOTDIR from deep in a command.
 */
export function resolveDataDir(given: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const dir = resolve(given ?? defaultDataDir(env));
  const fix = given === undefined ? 'Set PATCHBAY_DATA_DIR or pass --data-dir with a folder' : 'Pass --data-dir (or PATCHBAY_DATA_DIR) a folder';
  for (let at = dir; ; at = dirname(at)) {
    let isFolder: boolean;
    try {
      isFolder = statSync(at).isDirectory();
    } catch (error) {
      // Missing (ENOENT), or below a file (ENOTDIR): look at the part above, which says which.
      const code = errnoCode(error);
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(at) !== at) continue;
      throw new ConfigError(`The data folder '${dir}' cannot be used: ${error instanceof Error ? error.message : String(error)}. ${fix}.`);
    }
    if (isFolder) return dir;
    const what = at === dir ? `'${dir}' is a file, not a folder` : `'${at}' on its path is a file, not a folder`;
    throw new ConfigError(`The data folder '${dir}' cannot be used: ${what}. ${fix} (it is made if missing).`);
  }
}
