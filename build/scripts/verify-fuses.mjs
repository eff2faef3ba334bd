// Reads the Electron fuses of a packaged Patchbay and fails unless every hardening fuse is as
// build/electron-builder.yml sets it (checklist 19: fuses live in the binary, so only the packaged
// output can prove them). Run after `npm run dist` (or `electron-builder --dir`):
//
//   node build/scripts/verify-fuses.mjs                       # finds the app under dist/
//   node build/scripts/verify-fuses.mjs dist/linux-unpacked/patchbay
//   node build/scripts/verify-fuses.mjs dist/mac-arm64/Patchbay.app
//   node build/scripts/verify-fuses.mjs --e2e <app>           # e2e build: the inspect fuse stays on
//
// Exit codes: 0 as expected, 1 a fuse differs, 2 no packaged app found or it has no fuse wire.
// Uses @electron/fuses, which electron-builder brings (it flips the fuses with it).
import fuses from '@electron/fuses';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const { FuseV1Options, getCurrentFuseWire } = fuses;
/** A fuse's byte in the wire (@electron/fuses `FuseState`, which the package does not export): '0', '1', 'r'. */
const FuseState = { DISABLE: 48, ENABLE: 49, REMOVED: 114, INHERIT: 144 };
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The release build's fuses (build/electron-builder.yml `electronFuses`). */
const releaseFuses = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  GrantFileProtocolExtraPrivileges: false,
};

/** The packaged app's Electron binary (or .app bundle) under dist/, for the current platform. */
function findPackagedApp() {
  const dist = join(root, 'dist');
  if (!existsSync(dist)) return null;
  for (const dir of readdirSync(dist)) {
    const candidates = [join(dist, dir, 'patchbay'), join(dist, dir, 'Patchbay.exe'), join(dist, dir, 'Patchbay.app')];
    const found = candidates.find((c) => existsSync(c));
    if (found && dir.includes('unpacked')) return found;
    if (found && found.endsWith('.app')) return found;
  }
  return null;
}

const args = process.argv.slice(2);
const e2e = args.includes('--e2e');
const target = args.find((a) => !a.startsWith('--'));
const app = target ? resolve(target) : findPackagedApp();
if (!app || !existsSync(app)) {
  console.error(`verify-fuses: no packaged app ${target ? `at ${target}` : 'under dist/'}; build one with \`npm run dist\` (needs the Electron binary).`);
  process.exit(2);
}

/** @type {Record<string, boolean>} */
const expected = { ...releaseFuses, ...(e2e ? { EnableNodeCliInspectArguments: true } : {}) };
let wire;
try {
  wire = await getCurrentFuseWire(app);
} catch (error) {
  console.error(`verify-fuses: could not read the fuse wire of ${app}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

const stateName = (/** @type {number | undefined} */ state) =>
  state === FuseState.ENABLE ? 'on' : state === FuseState.DISABLE ? 'off' : state === FuseState.REMOVED ? 'removed' : state === FuseState.INHERIT ? 'inherit' : 'absent';

let failed = 0;
console.log(`Fuses of ${app}${e2e ? ' (e2e build)' : ''}:`);
for (const [name, want] of Object.entries(expected)) {
  const index = /** @type {Record<string, number>} */ (/** @type {unknown} */ (FuseV1Options))[name];
  const actual = index === undefined ? undefined : /** @type {Record<number, number | undefined>} */ (/** @type {unknown} */ (wire))[index];
  const ok = actual === (want ? FuseState.ENABLE : FuseState.DISABLE);
  if (!ok) failed += 1;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(40)} ${stateName(actual).padEnd(8)} (want ${want ? 'on' : 'off'})`);
}
if (failed > 0) {
  console.error(`verify-fuses: ${failed} fuse(s) differ from build/electron-builder.yml.`);
  process.exit(1);
}
console.log('verify-fuses: every hardening fuse is set.');
