// @ts-check
// `npm start`: the desktop app where Electron's binary exists; otherwise the same renderer through the
// web host (electron/host), opened in a Chromium-family browser's app mode when one is installed.
// The Electron package is never require()d: its entry downloads the binary when it is missing.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/** @param {string} line */
const say = (line) => process.stderr.write(`${line}\n`);

/** The Electron executable under node_modules/electron/dist, or null when it was never downloaded. */
function electronBinary() {
  const dist = join(root, 'node_modules', 'electron', 'dist');
  if (!existsSync(dist)) return null;
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  const relative = existsSync(pathFile)
    ? readFileSync(pathFile, 'utf8').trim()
    : process.platform === 'win32'
      ? 'electron.exe'
      : process.platform === 'darwin'
        ? 'Electron.app/Contents/MacOS/Electron'
        : 'electron';
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : null;
}

/**
 * Runs a child with our stdio, passes SIGINT/SIGTERM on, and exits with its status.
 * @param {string} command
 * @param {string[]} childArgs
 */
function run(command, childArgs) {
  const child = spawn(command, childArgs, { cwd: root, stdio: 'inherit' });
  /** @param {NodeJS.Signals} signal */
  const forward = (signal) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.once('error', (error) => {
    say(`patchbay: could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** @returns {Record<string, string>} */
function packageScripts() {
  /** @type {unknown} */
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const scripts = pkg && typeof pkg === 'object' && 'scripts' in pkg ? pkg.scripts : undefined;
  return scripts && typeof scripts === 'object' ? /** @type {Record<string, string>} */ (scripts) : {};
}

/**
 * Runs `npm run -s <script>` and reports whether it succeeded.
 * @param {string} script
 * @returns {Promise<boolean>}
 */
function npmRun(script) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '-s', script], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/**
 * Builds what the desktop app loads when it is missing: main + preload (out/main) and the renderer
 * served as app://renderer/ (out/renderer).
 * @param {string} output
 * @param {string} script
 */
async function ensureBuilt(output, script) {
  if (existsSync(join(root, output))) return;
  if (!(script in packageScripts())) {
    say(`patchbay: ${output} is not built and there is no \`npm run ${script}\` script to build it.`);
    process.exit(1);
  }
  if (!(await npmRun(script)) || !existsSync(join(root, output))) {
    say(`patchbay: \`npm run ${script}\` did not produce ${output}.`);
    process.exit(1);
  }
}

/** @param {string} binary */
async function startElectron(binary) {
  await ensureBuilt(join('out', 'main', 'index.js'), 'build:electron');
  await ensureBuilt(join('out', 'renderer', 'index.html'), 'build:renderer');
  run(binary, [join(root, 'out', 'main', 'index.js'), ...args]);
}

function startWebHost() {
  say('patchbay: the Electron binary is not available here (node_modules/electron/dist is missing); starting the web host instead.');
  // `--import tsx` resolves from the working directory (the repo root): TypeScript without a build step.
  run(process.execPath, ['--import', 'tsx', join(root, 'electron', 'host', 'cli.ts'), ...args]);
}

const binary = electronBinary();
if (binary) await startElectron(binary);
else startWebHost();
