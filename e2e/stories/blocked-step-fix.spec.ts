import { expect, test } from '@playwright/test';
import { grid, openMatrix, openPlan, planStep, planTotals, PROD, runAndWait, selectColumns, statesOf } from './kit/app';
import { solutionFlows } from './kit/sandbox';
import { screenshots } from './kit/shots';
import { useStoryHost } from './kit/story-host';

/**
 * Story 4, a blocked step (issue 7): in Prod the suggested connections belong to two owners, so a flow
 * that uses both cannot be turned on by either owner, nor by the release manager, who holds no share on
 * them. The plan marks that step ✗ with the reason in plain words and offers fixes as buttons; the
 * release manager clicks "Share … with …", the plan is amended and planned again, and the step becomes ✓.
 * The run then turns that flow on.
 */

const storyHost = useStoryHost();

test('a blocked step shows its reason, and its fix button amends the plan until the step succeeds', async ({ page }) => {
  const shot = screenshots(page, 'blocked-step-fix');
  const host = storyHost();
  const control = host.sandbox;

  await openMatrix(page, host);
  await selectColumns(page, [PROD]);
  const dialog = await openPlan(page, 'Wire & activate');
  const before = await planTotals(dialog);
  expect(before.fail).toBeGreaterThan(0);

  // The first step that will fail: a flow to turn on, with its reasons and its fixes.
  const failing = dialog.getByRole('region', { name: PROD }).getByRole('listitem', { name: /^Turn on .+: Will fail$/ }).first();
  const name = (await failing.getAttribute('aria-label')) ?? '';
  const flow = /^Turn on (.+): Will fail$/.exec(name)?.[1] ?? '';
  expect(flow).not.toBe('');
  await expect(failing.getByRole('listitem').first()).toHaveText(/^Adele Vance may not use connection .+ \(owned by .+\)\.$/);
  const share = failing.getByRole('button', { name: /^Share .+ with Adele Vance$/ }).first();
  await expect(share).toBeEnabled();
  const fixLabel = (await share.textContent()) ?? '';
  await failing.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shot('blocked-step-with-reason');

  await share.click();
  // The plan is amended (and says how), planned again, and the step now succeeds.
  await expect(dialog.getByRole('region', { name: 'Changes you made' })).toContainText(fixLabel);
  const fixed = planStep(dialog, 'Turn on', flow);
  await expect(fixed).toHaveAccessibleName(`Turn on ${flow}: Will succeed, fixed by your change`);
  const after = await planTotals(dialog);
  expect(after.fail).toBe(0);
  expect(after.succeed).toBeGreaterThan(before.succeed);
  // The amended plan shares the connections first: its new steps are the shares.
  await expect(dialog.getByRole('region', { name: PROD }).getByRole('listitem', { name: /^Share .+: Will succeed, added by your change$/ }).first()).toBeVisible();
  await fixed.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shot('step-fixed');

  const region = await runAndWait(page, 'Wire & activate');
  await expect(region.getByText('0 failed')).toBeVisible();
  await expect.poll(() => statesOf(page, [flow], [PROD]), { timeout: 30_000 }).toEqual({ [`${flow} in ${PROD}`]: 'On' });
  expect((await solutionFlows(control, PROD)).get(flow)).toBe(true);
  await region.getByRole('button', { name: 'Hide steps' }).click();
  await page.getByRole('searchbox', { name: 'Filter rows' }).fill(flow);
  await grid(page).getByRole('gridcell', { name: `${flow} in ${PROD}: On` }).click();
  await expect(page.getByRole('complementary', { name: 'Details' })).toContainText(flow);
  await shot('flow-on-in-prod');
});
