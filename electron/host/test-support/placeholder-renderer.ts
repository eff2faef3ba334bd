import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tiny stand-in for the built renderer (out/renderer) in a fresh temp folder: a page, a script, a style. */
export async function writePlaceholderRenderer(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-host-renderer-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Patchbay placeholder</title><link rel="stylesheet" href="/assets/app.css"><script type="module" src="/assets/app.js"></script></head><body><main id="root">placeholder</main></body></html>\n',
  );
  await writeFile(join(dir, 'assets', 'app.js'), "document.getElementById('root').dataset.ready = 'yes';\n");
  await writeFile(join(dir, 'assets', 'app.css'), 'body { font-family: sans-serif; }\n');
  await writeFile(join(dir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n');
  await writeFile(join(dir, '.secret-dotfile'), 'no\n');
  return dir;
}
