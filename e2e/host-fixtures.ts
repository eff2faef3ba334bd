import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts `npm run host` as the person would (the real app services, here forced to the demo tenant
 * with --sandbox, in a throwaway data folder), reads the one URL it prints, and stops it with SIGTERM.
 * The renderer is the real one, built by the host when stale; until renderer/vite.config.ts exists, or
 * with PATCHBAY_E2E_RENDERER=placeholder, a small placeholder page stands in for it.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

export interface RunningHost {
  url: string;
  origin: string;
  port: number;
  secret: string;
  /** True when the placeholder page stands in for the renderer. */
  placeholder: boolean;
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

export async function startHost(extraArgs: string[] = []): Promise<RunningHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'patchbay-e2e-host-'));
  const placeholder = usePlaceholderRenderer();
  const placeholderDir = join(dataDir, 'placeholder-renderer');
  if (placeholder) {
    await mkdir(placeholderDir);
    await writePlaceholder(placeholderDir);
  }
  const args = ['--import', 'tsx', join('electron', 'host', 'cli.ts'), '--no-open', '--sandbox', '--data-dir', dataDir, ...(placeholder ? ['--renderer-dir', placeholderDir] : []), ...extraArgs];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    secret: new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '',
    placeholder,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
