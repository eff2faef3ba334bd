import { expect, test } from '@playwright/test';
import { expected, grid, openMatrix, openPlan, planTotals, PROD, runAndWait, selectColumns, statesOf, TEST, UAT } from './kit/app';
import { solutionFlows, solutionReferences } from './kit/sandbox';
import { screenshots } from './kit/shots';
import { useStoryHost } from './kit/story-host';

/**
 * Story 1, first deployment (issue 7): the pipeline has just imported ContosoOperations into Test, UAT
 * and Prod — references unwired, flows off. The release manager selects those three columns, runs
 * Wire & activate with the suggested connections, reviews the plan (Prod's connections belong to two
 * owners, so some flows need their connections shared first: the plan says so and offers the fix), runs
 * it, and every flow cell shows On — which the sandbox confirms.
 */

const TARGETS = [TEST, UAT, PROD] as const;
const storyHost = useStoryHost();

test('first deployment: wire and turn on every flow in Test, UAT and Prod', async ({ page }) => {
  const shot = screenshots(page, 'first-deployment');
  const host = storyHost();
  const control = host.sandbox;
  const flows = [...(await solutionFlows(control, TEST)).keys()];
  const references = [...(await solutionReferences(control, TEST)).keys()];
  expect(flows.length).toBeGreaterThan(0);

  await openMatrix(page, host);
  // Just after the pipeline: nothing wired, nothing on.
  await expect.poll(() => statesOf(page, references, TARGETS)).toEqual(expected(references, TARGETS, 'Unwired'));
  const before = Object.values(await statesOf(page, flows, TARGETS));
  expect(before.filter((s) => s !== 'Off' && s !== 'Blocked')).toEqual([]);
  await shot('after-pipeline-import');

  await selectColumns(page, TARGETS);
  await expect(page.getByText(/^\d+\s+cells selected in 3 environments$/)).toBeVisible();
  await shot('test-uat-prod-selected');

  const dialog = await openPlan(page, 'Wire & activate');
  // One connection per connector and environment, each the suggested one.
  const choices = dialog.getByRole('table', { name: 'Connections to wire' }).getByRole('row').filter({ has: page.getByRole('combobox') });
  const choiceCount = await choices.count();
  expect(choiceCount).toBeGreaterThanOrEqual(TARGETS.length);
  await expect(choices.filter({ hasText: '· suggested' })).toHaveCount(choiceCount);
  const first = await planTotals(dialog);
  await shot('review-plan-suggested-connections');

  // Prod: some flows use connections of two owners; the plan says which fail and offers the fix.
  expect(first.fail).toBeGreaterThan(0);
  const failing = dialog.getByRole('region', { name: PROD }).getByRole('listitem', { name: /: Will fail$/ });
  await expect(failing).toHaveCount(first.fail);
  await dialog.getByRole('switch', { name: 'Only steps that may fail' }).check();
  await failing.first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shot('review-plan-failing-steps');
  await dialog.getByRole('switch', { name: 'Only steps that may fail' }).uncheck();
  await dialog.getByRole('button', { name: /^Apply \d+ suggested fix/ }).click();
  await expect(dialog.getByRole('status')).toContainText('✗ 0 will fail');
  // The amendment says what it did, in words.
  await expect(dialog.getByRole('region', { name: 'Changes you made' })).toContainText(/^Changes you madeApplied \d+ suggested fix(es)?: share the connections each step needs with the identity that acts$/);
  const fixed = await planTotals(dialog);
  expect(fixed).toEqual({ succeed: fixed.succeed, fail: 0, maybe: 0 });
  expect(fixed.succeed).toBeGreaterThan(first.succeed);
  await shot('review-plan-ready');

  const region = await runAndWait(page, 'Wire & activate');
  await expect(region.getByText(`${fixed.succeed} of ${fixed.succeed} steps`)).toBeVisible();
  await expect(region.getByText('0 failed')).toBeVisible();
  await shot('run-finished');

  // Every flow cell shows On (and every reference Wired), and the sandbox agrees.
  await expect.poll(() => statesOf(page, flows, TARGETS), { timeout: 30_000 }).toEqual(expected(flows, TARGETS, 'On'));
  await expect.poll(() => statesOf(page, references, TARGETS)).toEqual(expected(references, TARGETS, 'Wired'));
  for (const env of TARGETS) expect([...(await solutionFlows(control, env)).values()].every(Boolean), env).toBe(true);
  await page.getByRole('button', { name: 'Hide steps' }).click();
  await page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Flows' }).click();
  await expect(grid(page).getByRole('gridcell', { name: `${flows[0] ?? ''} in ${PROD}: On` })).toBeVisible();
  await shot('every-flow-on');
});
