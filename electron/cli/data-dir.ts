import { homedir } from 'node:os';
import { join } from 'node:path';

/** The user data folder: PATCHBAY_DATA_DIR, --data-dir, else the platform's conventional place. */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (process.platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Patchbay');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Patchbay');
  return join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'patchbay');
}
