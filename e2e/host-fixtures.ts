import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRAFFIC_ENV } from '../electron/host/traffic-recorder';
import { DATA_FOLDER, HOST_LOG_FILE, KNOWN_SECRETS_FILE, sweepFolderFor, TRAFFIC_FILE } from './support/sweep-folder';

/**
 * Starts `npm run host` as the person would (the real app services, here forced to the demo tenant
 * with --sandbox, in a throwaway data folder), reads the one URL it prints, and stops it with SIGTERM.
 * The renderer is the real one, built by the host when stale; until renderer/vite.config.ts exists, or
 * with PATCHBAY_E2E_RENDERER=placeholder, a small placeholder page stands in for it.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where the host's demo sandbox listens, and its control key (written by the host when asked: see startHost). */
export interface SandboxControl {
  baseUrl: string;
  controlKey: string;
  caCertPem: string;
}

export interface RunningHost {
  url: string;
  origin: string;
  port: number;
  secret: string;
  /** True when the placeholder page stands in for the renderer. */
  placeholder: boolean;
  /** The demo sandbox's control API; null unless startHost was asked for it. */
  sandbox: SandboxControl | null;
  stderr(): string;
  stop(): Promise<number | null>;
}

const placeholderFiles: Record<string, string> = {
  'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="color-scheme" content="light dark" />
    <title>Patchbay (host placeholder)</title>
    <link rel="stylesheet" href="./placeholder.css" />
    <script type="module" src="./placeholder.js"></script>
  </head>
  <body>
    <main>
      <h1>Patchbay web host</h1>
      <p>This placeholder stands in for the renderer until <code>renderer/vite.config.ts</code> builds.</p>
      <p id="status" role="status">Calling app:info…</p>
    </main>
  </body>
</html>
`,
  'placeholder.css': `body { font-family: system-ui, sans-serif; margin: 3rem; }
#status[data-ok='true'] { color: #107c10; }
#status[data-ok='false'] { color: #a4262c; }
`,
  // Calls app:info the way the renderer's web bridge does: the secret from #token=…, sent in a header.
  'placeholder.js': `const status = document.getElementById('status');
const token = new URLSearchParams(location.hash.slice(1)).get('token');
if (token) history.replaceState(null, '', location.pathname);
fetch('/rpc/app%3Ainfo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-patchbay-token': token ?? '' }, body: '{}' })
  .then((r) => r.json())
  .then((result) => {
    status.dataset.ok = String(result.ok);
    status.textContent = result.ok ? \`app:info → version \${result.value.version}, demo \${result.value.demo}, transport \${result.value.transport}\` : \`app:info → \${result.error.code}\`;
  })
  .catch((error) => {
    status.dataset.ok = 'false';
    status.textContent = String(error);
  });
`,
};

/** Writes the placeholder "renderer" to a temp folder (kept out of the repo: no stray JS for the linter). */
async function writePlaceholder(dir: string): Promise<void> {
  for (const [name, text] of Object.entries(placeholderFiles)) await writeFile(join(dir, name), text);
}

export function usePlaceholderRenderer(): boolean {
  return process.env['PATCHBAY_E2E_RENDERER'] === 'placeholder' || !existsSync(join(root, 'renderer', 'vite.config.ts'));
}

export interface StartHostOptions {
  /**
   * Also hand the test the demo sandbox's control API (to simulate a pipeline deployment, say): the host
   * writes it to a file in the throwaway data folder (PATCHBAY_E2E_SANDBOX_CONTROL, electron/services/
   * demo.ts), so the control key never goes through stdout or the logs.
   */
  sandboxControl?: boolean;
}

export async function startHost(extraArgs: string[] = [], options: StartHostOptions = {}): Promise<RunningHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'patchbay-e2e-host-'));
  const controlFile = join(dataDir, 'sandbox-control.json');
  const placeholder = usePlaceholderRenderer();
  const placeholderDir = join(dataDir, 'placeholder-renderer');
  if (placeholder) {
    await mkdir(placeholderDir);
    await writePlaceholder(placeholderDir);
  }
  const args = ['--import', 'tsx', join('electron', 'host', 'cli.ts'), '--no-open', '--sandbox', '--data-dir', dataDir, ...(placeholder ? ['--renderer-dir', placeholderDir] : []), ...extraArgs];
  // What the security sweep scans after the run (e2e/security-sweep.spec.ts): all contract traffic, the log, the data files.
  const sweepDir = sweepFolderFor(basename(dataDir));
  await mkdir(sweepDir, { recursive: true });
  // Debug logs: the most the host ever writes, so the sweep sees the most.
  const env: NodeJS.ProcessEnv = { ...process.env, PATCHBAY_LOG_LEVEL: 'debug', [TRAFFIC_ENV]: join(sweepDir, TRAFFIC_FILE) };
  if (options.sandboxControl) env['PATCHBAY_E2E_SANDBOX_CONTROL'] = controlFile;
  else delete env['PATCHBAY_E2E_SANDBOX_CONTROL'];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  // The renderer build (when stale) and the demo tenant take a while on a cold start.
  const deadline = Date.now() + 240_000;
  while (!out.includes('\n')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`The web host did not print its URL.\n${err.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = out.split('\n')[0] ?? '';
  const parsed = new URL(url);
  // The demo starts (and writes the file) before the host listens, so it is there once the URL is. The
  // test keeps it in memory; the file goes at once, so no copy of the control key outlives this line.
  let sandbox: SandboxControl | null = null;
  if (options.sandboxControl) {
    sandbox = JSON.parse(await readFile(controlFile, 'utf8')) as SandboxControl;
    await rm(controlFile, { force: true });
  }
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    secret: new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '',
    placeholder,
    sandbox,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      const secret = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
      await leaveForSweep(dataDir, sweepDir, err, [secret, ...(sandbox ? [sandbox.controlKey] : [])]);
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Folders of the data dir that are not the app's own output: the simulated cloud's state (its keys and client secrets, by design) and test scaffolding. */
const NOT_SWEPT = new Set(['demo', 'placeholder-renderer', 'web-host-browser']);

/** The demo sandbox's client secrets, from its state file: what must never leave the sandbox. */
async function sandboxSecrets(dataDir: string): Promise<string[]> {
  const state = JSON.parse(await readFile(join(dataDir, 'demo', 'sandbox-state.json'), 'utf8').catch(() => '{}')) as { apps?: { secrets?: { value?: unknown }[] }[] };
  return (state.apps ?? []).flatMap((app) => (app.secrets ?? []).flatMap((s) => (typeof s.value === 'string' ? [s.value] : [])));
}

/** Copies what the host logged and wrote, and the secrets it knew, to its sweep folder. */
async function leaveForSweep(dataDir: string, sweepDir: string, log: string, secrets: string[]): Promise<void> {
  await writeFile(join(sweepDir, HOST_LOG_FILE), log);
  await cp(dataDir, join(sweepDir, DATA_FOLDER), { recursive: true, filter: (source) => !NOT_SWEPT.has(relative(dataDir, source).split(sep)[0] ?? '') });
  const known = [...secrets, ...(await sandboxSecrets(dataDir))].filter((s) => s.length > 0);
  await writeFile(join(sweepDir, KNOWN_SECRETS_FILE), JSON.stringify(known), { mode: 0o600 });
}
