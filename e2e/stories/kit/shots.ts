import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

/**
 * One screenshot per step of a story: e2e/screenshots/<story>-<nn>-<step>.png, numbered in the order the
 * story takes them, so the folder reads like the story. Animations are finished first, so a dialog is
 * never caught half faded in.
 */

const folder = fileURLToPath(new URL('../../screenshots', import.meta.url));

/** Takes the next screenshot of the story, of its page or of another one (a downloaded report, say). */
export type Shot = (step: string, of?: Page) => Promise<void>;

export function screenshots(page: Page, story: string): Shot {
  mkdirSync(folder, { recursive: true });
  // A story's earlier screenshots go first, so none is left over from a step that no longer exists.
  for (const name of readdirSync(folder)) if (name.startsWith(`${story}-`) && name.endsWith('.png')) rmSync(join(folder, name));
  let n = 0;
  return async (step, of = page) => {
    n += 1;
    if (!/^[a-z0-9-]+$/.test(step)) throw new Error(`Screenshot step names are kebab-case words: '${step}'.`);
    await of.screenshot({ path: join(folder, `${story}-${String(n).padStart(2, '0')}-${step}.png`), animations: 'disabled', caret: 'hide' });
  };
}
