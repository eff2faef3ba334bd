#!/usr/bin/env node
// The `patchbay` command. Runs the bundled CLI (out/cli/patchbay.mjs, built by `npm run build:cli`, which
// `npm ci` runs as `prepare`); in a checkout without the bundle it runs the TypeScript through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundled = new URL('../out/cli/patchbay.mjs', import.meta.url);
if (existsSync(fileURLToPath(bundled))) {
  await import(bundled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../electron/cli/entry.ts', import.meta.url).href);
}
