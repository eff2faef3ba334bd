// Bundles the Electron main process and the preload (see build/README.md for the formats):
//   out/main/index.js      ES module (the root package.json says "type": "module"), npm packages external
//                          (they ship in the app's production node_modules), `electron` external.
//   out/preload/index.cjs  CommonJS, self-contained: a sandboxed preload can require only `electron`
//                          (a few of its modules) and cannot load ES modules or other files.
// The renderer is built by Vite into out/renderer/ (renderer/vite.config.ts), served as app://renderer/.
import { build } from 'esbuild';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const production = process.env.NODE_ENV === 'production' || process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  banner: { js: '// Built by build/scripts/build-electron.mjs: do not edit.' },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main/index.ts'],
    outfile: 'out/main/index.js',
    format: 'esm',
    // A floor, not Electron 45's exact Node: nothing newer than Node 20 syntax is needed.
    target: 'node20',
    packages: 'external',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'out/preload/index.cjs',
    format: 'cjs',
    // A floor below Electron 45's Chromium.
    target: 'chrome120',
    external: ['electron'],
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    minify: production,
  }),
]);
