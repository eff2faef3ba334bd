import { expect, type Locator, type Page } from '@playwright/test';
import type { RunningHost } from '../../host-fixtures';

/**
 * The Patchbay window as a release manager sees it, by accessible names only (issue 7 fixes them):
 * the "Solution matrix" grid with cells named "<row> in <environment>: <state>", the action buttons, the
 * "Review plan" dialog and the "Results" region.
 */

/** A 14-15" laptop: the size the screenshots are judged at. */
export const VIEWPORT = { width: 1440, height: 900 };

export const TEST = 'Contoso Test';
export const UAT = 'Contoso UAT';
export const PROD = 'Contoso Prod';
export const DEV = 'Contoso Dev';

export const grid = (page: Page): Locator => page.getByRole('grid', { name: 'Solution matrix' });
export const reviewDialog = (page: Page): Locator => page.getByRole('dialog', { name: 'Review plan' });
export const results = (page: Page): Locator => page.getByRole('region', { name: 'Results' });

/** Opens the app from the host's URL and waits for the scanned matrix of the demo solution. */
export async function openMatrix(page: Page, host: RunningHost): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByRole('combobox', { name: 'Solution' })).toHaveValue('Contoso Operations');
  await expect(grid(page).getByRole('columnheader', { name: PROD })).toBeVisible();
  await expect(page.getByText(/^Scanned /)).toBeVisible();
}

/** Selects whole environments: a click on the first column header, Ctrl-clicks on the others. */
export async function selectColumns(page: Page, names: readonly string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    await grid(page)
      .getByRole('columnheader', { name, exact: true })
      .click(i ? { modifiers: ['ControlOrMeta'] } : {});
  }
  for (const name of names) await expect(grid(page).getByRole('columnheader', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
}

/** Every cell of the matrix as "<row> in <environment>" → state, scrolling through the virtualized rows. */
export async function cellStates(page: Page): Promise<Record<string, string>> {
  const names = await grid(page).evaluate(async (el) => {
    const seen = new Set<string>();
    const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
    const start = el.scrollTop;
    el.scrollTop = 0;
    await frame();
    for (;;) {
      el.querySelectorAll('[role="gridcell"]').forEach((cell) => seen.add(cell.getAttribute('aria-label') ?? ''));
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) break;
      el.scrollTop += Math.max(48, el.clientHeight - 120);
      await frame();
    }
    el.scrollTop = start;
    return [...seen];
  });
  const states: Record<string, string> = {};
  for (const name of names) {
    const match = /^(.+): ([^:]+)$/.exec(name);
    if (!match?.[1] || !match[2]) throw new Error(`A matrix cell has a name not of the form "<row> in <environment>: <state>": '${name}'.`);
    states[match[1]] = match[2];
  }
  return states;
}

/** The states of the given rows in the given environments, in a shape exact assertions can compare. */
export async function statesOf(page: Page, rows: Iterable<string>, environments: readonly string[]): Promise<Record<string, string | undefined>> {
  const all = await cellStates(page);
  const picked: Record<string, string | undefined> = {};
  for (const row of rows) for (const env of environments) picked[`${row} in ${env}`] = all[`${row} in ${env}`];
  return picked;
}

export function expected(rows: Iterable<string>, environments: readonly string[], state: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows) for (const env of environments) out[`${row} in ${env}`] = state;
  return out;
}

/** Clicks an action button and waits for its plan in the "Review plan" dialog. */
export async function openPlan(page: Page, action: string): Promise<Locator> {
  await page.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: action, exact: true }).click();
  const dialog = reviewDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('status')).toContainText('will succeed');
  return dialog;
}

/** The plan's totals line, e.g. { succeed: 72, fail: 3, maybe: 0 }. */
export async function planTotals(dialog: Locator): Promise<{ succeed: number; fail: number; maybe: number }> {
  const text = (await dialog.getByRole('status').textContent()) ?? '';
  const num = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  return { succeed: num(/✓ (\d+) will succeed/), fail: num(/✗ (\d+) will fail/), maybe: num(/\? (\d+) may fail/) };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A step of the plan, by its accessible name "<kind> <target>: <verdict>" (kind: "Wire", "Turn on"…). */
export const planStep = (dialog: Locator, kind: string, target: string): Locator => dialog.getByRole('listitem', { name: new RegExp(`^${escape(`${kind} ${target}`)}: `) });

/** Runs the reviewed plan and waits until the "Results" region says it finished (or finished with failures). */
export async function runAndWait(page: Page, title: string): Promise<Locator> {
  const dialog = reviewDialog(page);
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(dialog).toBeHidden();
  const region = results(page);
  await expect(region).toBeVisible();
  await expect(region.getByText(new RegExp(`^${escape(title)} · Finished`))).toBeVisible({ timeout: 60_000 });
  return region;
}

/**
 * The first deployment done the way story 1 does it (Wire & activate on Test, UAT and Prod with the
 * suggested connections and the plan's suggested fixes), for stories that start from a wired release.
 */
export async function wireAndActivateFirstDeployment(page: Page): Promise<void> {
  await selectColumns(page, [TEST, UAT, PROD]);
  const dialog = await openPlan(page, 'Wire & activate');
  await dialog.getByRole('button', { name: /^Apply \d+ suggested fix/ }).click();
  await expect(dialog.getByRole('status')).toContainText('✗ 0 will fail');
  await runAndWait(page, 'Wire & activate');
  await expect(results(page).getByText('0 failed')).toBeVisible();
  await results(page).getByRole('button', { name: 'Close results' }).click();
  await page.getByRole('button', { name: 'Clear selection' }).click();
}

/** Shows only one kind of row (the "Show" toggles: References, Variables, Flows). */
export async function showOnly(page: Page, kind: 'References' | 'Variables' | 'Flows'): Promise<void> {
  const toggle = page.getByRole('group', { name: 'Show' }).getByRole('button', { name: kind });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
}
