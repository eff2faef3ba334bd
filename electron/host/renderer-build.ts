import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Keeps `out/renderer` current for the web host: it is rebuilt (`vite build --config
 * renderer/vite.config.ts`) when its index.html is missing or older than any renderer or shared
 * source. Vite's output goes to stderr: the host's stdout carries only its URL.
 */

export const RENDERER_CONFIG = join('renderer', 'vite.config.ts');
export const RENDERER_OUT = join('out', 'renderer');
const SOURCE_DIRS = ['renderer', 'shared'];
const SKIP = new Set(['node_modules', 'dist', 'out', 'coverage']);

function newestMtime(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.isFile() && !/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export type BuildNeed = { build: false } | { build: true; reason: string } | { build: 'impossible'; reason: string };

/** Whether `out/renderer` must be (re)built before serving, and why. */
export function rendererBuildNeed(root: string): BuildNeed {
  const index = join(root, RENDERER_OUT, 'index.html');
  const config = join(root, RENDERER_CONFIG);
  if (!existsSync(index)) {
    if (!existsSync(config)) return { build: 'impossible', reason: `the renderer is not built (${RENDERER_OUT}/index.html) and there is no ${RENDERER_CONFIG} to build it with` };
    return { build: true, reason: `${RENDERER_OUT}/index.html is missing` };
  }
  if (!existsSync(config)) return { build: false };
  const built = statSync(index).mtimeMs;
  const sources = Math.max(...SOURCE_DIRS.map((d) => newestMtime(join(root, d))));
  return sources > built ? { build: true, reason: 'the renderer sources changed since the last build' } : { build: false };
}

/** Runs `vite build --config renderer/vite.config.ts` in `root` with vite's output on our stderr. */
export function buildRenderer(root: string): Promise<void> {
  const require = createRequire(join(root, 'package.json'));
  const vitePackage = require.resolve('vite/package.json');
  const viteBin = join(vitePackage, '..', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--config', RENDERER_CONFIG], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (${signal ?? `exit code ${code}`})`));
    });
  });
}
