import { expect, test } from '@playwright/test';
import { expected, openMatrix, openPlan, planTotals, results, reviewDialog, runAndWait, selectColumns, showOnly, statesOf, TEST } from './kit/app';
import { solutionReferences } from './kit/sandbox';
import { screenshots } from './kit/shots';
import { useStoryHost } from './kit/story-host';

/**
 * Story 5, undo (issue 7): Test is wired with the suggested connections; then the release manager learns
 * the release is postponed. Undo plans the way back from the journal (each reference back to the
 * connection it had before the run — here none), shows it for review like any plan, and running it
 * restores the previous wiring, in the matrix and in the environment itself. History keeps both runs.
 */

const storyHost = useStoryHost();

test('undo restores the previous wiring', async ({ page }) => {
  const shot = screenshots(page, 'undo-wiring');
  const host = storyHost();
  const control = host.sandbox;
  const before = await solutionReferences(control, TEST);
  const references = [...before.keys()];

  await openMatrix(page, host);
  await showOnly(page, 'References');
  await expect.poll(() => statesOf(page, references, [TEST])).toEqual(expected(references, [TEST], 'Unwired'));

  // Wire Test with the suggested connections.
  await selectColumns(page, [TEST]);
  const wire = await openPlan(page, 'Wire');
  expect(await planTotals(wire)).toEqual({ succeed: references.length, fail: 0, maybe: 0 });
  await runAndWait(page, 'Wire');
  await expect.poll(() => statesOf(page, references, [TEST]), { timeout: 30_000 }).toEqual(expected(references, [TEST], 'Wired'));
  const wired = await solutionReferences(control, TEST);
  expect([...wired.values()].every((c) => c !== null)).toBe(true);
  await results(page).getByRole('button', { name: 'Hide steps' }).click();
  await shot('test-wired');

  // Undo the run: its own plan, every reference back to what it had.
  await page.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Undo' }).click();
  const undo = reviewDialog(page);
  await expect(undo).toBeVisible();
  await expect(undo.getByText(`Undo · ContosoOperations · ${references.length} steps in 1 environment`)).toBeVisible();
  expect(await planTotals(undo)).toEqual({ succeed: references.length, fail: 0, maybe: 0 });
  const steps = undo.getByRole('region', { name: TEST }).getByRole('listitem', { name: /^Wire .+: Will succeed$/ });
  await expect(steps).toHaveCount(references.length);
  for (const step of await steps.all()) await expect(step).toContainText('No connection');
  await shot('review-undo');

  await runAndWait(page, 'Undo');
  await expect(results(page).getByText('0 failed')).toBeVisible();
  await expect.poll(() => statesOf(page, references, [TEST]), { timeout: 30_000 }).toEqual(expected(references, [TEST], 'Unwired'));
  expect(await solutionReferences(control, TEST)).toEqual(before);
  // The steps stay hidden as the release manager left them; the header keeps the counts.
  await expect(results(page).getByRole('button', { name: 'Show steps' })).toBeVisible();
  await shot('previous-wiring-restored');

  // The journal keeps both runs: the wiring and its undo.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('tab', { name: 'History' }).click();
  const runs = page.getByRole('list', { name: 'Runs' }).getByRole('listitem');
  await expect(runs).toHaveCount(2);
  await expect(runs.first()).toContainText('Undo of an earlier run');
  await runs.first().getByRole('button').click();
  await expect(page.getByRole('heading', { level: 2, name: /^Undo · ContosoOperations · / })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Steps of the run' }).getByRole('row')).toHaveCount(references.length + 1);
  await shot('history');
});
