// Bundles the CLI's TypeScript into one ES module so `patchbay` starts without a TypeScript loader
// (start-up time counts in pipelines). npm packages stay external: they load from node_modules.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ['electron/cli/entry.ts'],
  outdir: 'out/cli',
  entryNames: 'patchbay',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // The demo sandbox is loaded only for --sandbox: a separate chunk keeps it out of a pipeline's start-up.
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: '// Built by build/scripts/build-cli.mjs from electron/cli: do not edit.' },
});
