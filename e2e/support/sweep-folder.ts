import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where each web host of an e2e run leaves what the security sweep scans (e2e/security-sweep.spec.ts):
 * one folder per host with its recorded contract traffic, its log (stderr) and the files it wrote in
 * its data folder, plus the secrets it knew (known-secrets.json, never scanned itself). Under
 * test-results/, which Playwright empties at the start of every run.
 */
export const SWEEP_ROOT = fileURLToPath(new URL('../../test-results/sweep/', import.meta.url));
export const KNOWN_SECRETS_FILE = 'known-secrets.json';
export const TRAFFIC_FILE = 'traffic.jsonl';
export const HOST_LOG_FILE = 'host.log';
export const DATA_FOLDER = 'data';

export const sweepFolderFor = (name: string): string => join(SWEEP_ROOT, name);
