import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from '@playwright/test';
import { findSecrets } from '../electron/log/secret-finder';
import { HOST_LOG_FILE, KNOWN_SECRETS_FILE, SWEEP_ROOT, TRAFFIC_FILE } from './support/sweep-folder';

/**
 * The security sweep (issue 8 §4), run after every web e2e spec (project `sweep` depends on `web`):
 * every file each web host left behind — all contract traffic to and from the page, its log, every file
 * it wrote in its data folder (accounts, journal, settings) — must hold no token, private key, bearer
 * credential, or any secret the host knew (the demo sandbox's client secrets and control key).
 */

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('no token or secret in any log, data file or recorded contract traffic of the e2e run', () => {
  test.skip(!existsSync(SWEEP_ROOT), 'no web host ran in this run (run the web project with it)');
  const hosts = readdirSync(SWEEP_ROOT).filter((name) => statSync(join(SWEEP_ROOT, name)).isDirectory());
  expect(hosts.length, 'web hosts that left something to sweep').toBeGreaterThan(0);

  let rpcs = 0;
  const findings: string[] = [];
  for (const host of hosts) {
    const folder = join(SWEEP_ROOT, host);
    const knownFile = join(folder, KNOWN_SECRETS_FILE);
    const known = existsSync(knownFile) ? (JSON.parse(readFileSync(knownFile, 'utf8')) as string[]) : [];
    expect(known.length, `${host}: the secrets to look for`).toBeGreaterThan(0);
    expect(existsSync(join(folder, HOST_LOG_FILE)), `${host}: its log`).toBe(true);
    for (const file of filesUnder(folder)) {
      if (file === knownFile) continue;
      const text = readFileSync(file, 'utf8');
      if (file.endsWith(TRAFFIC_FILE)) rpcs += text.split('\n').filter((line) => line.includes('"kind":"rpc"')).length;
      for (const f of findSecrets(text, known)) findings.push(`${relative(SWEEP_ROOT, file)} @${f.at}: ${f.kind} (${f.hint})`);
    }
  }
  // The sweep saw real traffic: the stories alone make hundreds of calls.
  expect(rpcs, 'recorded RPC calls').toBeGreaterThan(50);
  expect(findings).toEqual([]);
});
