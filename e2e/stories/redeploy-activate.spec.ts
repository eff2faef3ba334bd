import { expect, test } from '@playwright/test';
import { expected, grid, openMatrix, openPlan, planTotals, PROD, runAndWait, showOnly, statesOf, TEST, UAT, wireAndActivateFirstDeployment } from './kit/app';
import { deploy, solutionFlows } from './kit/sandbox';
import { screenshots } from './kit/shots';
import { useStoryHost } from './kit/story-host';

/**
 * Story 2, after every deployment (issue 7): the release is wired and on; the pipeline imports the
 * solution again (the sandbox's control API `deploy`, as Azure DevOps or GitHub would), which turns every
 * flow off. The release manager refreshes, sees the flows off, selects everything, activates, and every
 * flow is on again — wiring untouched.
 */

const TARGETS = [TEST, UAT, PROD] as const;
const storyHost = useStoryHost();

test('after a pipeline deployment: refresh, select all, activate, every flow on again', async ({ page }) => {
  const shot = screenshots(page, 'redeploy-activate');
  const host = storyHost();
  const control = host.sandbox;
  const flows = [...(await solutionFlows(control, TEST)).keys()];

  await openMatrix(page, host);
  await wireAndActivateFirstDeployment(page);
  await showOnly(page, 'Flows');
  await expect.poll(() => statesOf(page, flows, TARGETS)).toEqual(expected(flows, TARGETS, 'On'));
  await shot('release-on');

  // The pipeline deploys again: every flow of the solution goes off in each environment.
  for (const env of TARGETS) {
    const result = await deploy(control, env);
    expect(result.flowsTurnedOff, env).toBe(flows.length);
    expect([...(await solutionFlows(control, env)).values()].some(Boolean), env).toBe(false);
  }

  await page.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Refresh' }).click();
  await expect.poll(() => statesOf(page, flows, TARGETS), { timeout: 30_000 }).toEqual(expected(flows, TARGETS, 'Off'));
  await shot('refreshed-flows-off');

  await grid(page).getByRole('columnheader', { name: 'Select all' }).click();
  await expect(grid(page).getByRole('columnheader', { name: 'Select all' })).toHaveAccessibleDescription(/^(\d+) of \1 cells selected$/);
  await shot('all-selected');

  const dialog = await openPlan(page, 'Activate');
  // Dev's flows are on already: the plan turns on exactly the flows that went off, and all will succeed.
  expect(await planTotals(dialog)).toEqual({ succeed: flows.length * TARGETS.length, fail: 0, maybe: 0 });
  for (const env of TARGETS) await expect(dialog.getByRole('region', { name: env }).getByRole('listitem', { name: /^Turn on .*: Will succeed$/ })).toHaveCount(flows.length);
  await shot('review-activate-plan');

  const region = await runAndWait(page, 'Activate');
  await expect(region.getByText('0 failed')).toBeVisible();
  await expect.poll(() => statesOf(page, flows, TARGETS), { timeout: 30_000 }).toEqual(expected(flows, TARGETS, 'On'));
  for (const env of TARGETS) expect([...(await solutionFlows(control, env)).values()].every(Boolean), env).toBe(true);
  await region.getByRole('button', { name: 'Hide steps' }).click();
  await shot('every-flow-on-again');
});
