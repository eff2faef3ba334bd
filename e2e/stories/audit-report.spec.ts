import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { FINDING_KIND_LABEL } from '../../shared/report/words';
import { DEV, openMatrix, PROD, TEST, UAT, VIEWPORT } from './kit/app';
import { referenceProblems, SOLUTION } from './kit/sandbox';
import { screenshots } from './kit/shots';
import { useStoryHost } from './kit/story-host';

/**
 * Story 3, audit (issue 7): the release manager opens the audit of the release train, finds the
 * connection owned by a person whose account was disabled and the reference that points at a connection
 * that is not there, narrows the list to errors and warnings, and exports the printable HTML release
 * report as evidence — whose content is checked here, not just its existence.
 */

const ENVIRONMENTS = [DEV, TEST, UAT, PROD] as const;
const storyHost = useStoryHost();

test.use({ acceptDownloads: true });

test('audit: the disabled owner’s connection and the dangling reference, then the HTML release report', async ({ page, context }) => {
  const shot = screenshots(page, 'audit-report');
  const host = storyHost();
  const control = host.sandbox;
  // What the audit must find, from the sandbox's own tables.
  const truth = await referenceProblems(control, ENVIRONMENTS);
  expect(truth.ownerDisabled.length).toBeGreaterThan(0);
  expect(truth.dangling.length).toBeGreaterThan(0);

  await openMatrix(page, host);
  await page.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Audit' }).click();
  await expect(page.getByRole('main', { name: 'Audit' }).getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
  const findings = page.getByRole('table', { name: 'Findings' });
  await expect(findings).toBeVisible();

  const rowFor = (environment: string, reference: string, kind: string) =>
    findings.getByRole('row').filter({ has: page.getByRole('cell', { name: environment, exact: true }) }).filter({ hasText: reference }).filter({ hasText: kind });
  for (const p of truth.ownerDisabled) {
    const row = rowFor(p.environment, p.reference, FINDING_KIND_LABEL['owner-disabled']);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(`owned by ${p.owner}, whose account is disabled`);
    await expect(row.getByRole('button', { name: 'Fix' })).toBeEnabled();
  }
  for (const p of truth.dangling) {
    const row = rowFor(p.environment, p.reference, FINDING_KIND_LABEL.dangling);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('which does not exist in this environment');
    await expect(row.getByRole('button', { name: 'Fix' })).toBeEnabled();
  }
  await shot('findings');

  // Narrow the list to the two kinds the release manager is after: exactly those findings remain.
  const filters = page.getByRole('search', { name: 'Audit filters' });
  await filters.getByRole('combobox', { name: 'Kind' }).click();
  for (const kind of [FINDING_KIND_LABEL['owner-disabled'], FINDING_KIND_LABEL.dangling]) await page.getByRole('menuitemcheckbox', { name: kind }).click();
  await page.keyboard.press('Escape');
  await expect(findings.getByRole('row')).toHaveCount(1 + truth.ownerDisabled.length + truth.dangling.length);
  await expect(filters.getByRole('status')).toHaveText(new RegExp(`^${truth.ownerDisabled.length + truth.dangling.length} of \\d+ findings$`));
  await shot('owner-disabled-and-dangling');

  // The printable release report, downloaded as a file.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Release report' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^${SOLUTION}-release-report-\\d{4}-\\d{2}-\\d{2}\\.html$`));
  const html = await readFile(await file.path(), 'utf8');
  expect(html).toMatch(/^<!doctype html>/i);
  expect(html).not.toMatch(/<script/i);

  // Read it as a person would: open it in a page of its own.
  const report = await context.newPage();
  await report.setViewportSize(VIEWPORT);
  await report.setContent(html);
  await expect(report.getByRole('heading', { level: 1 })).toHaveText(`Release report: ${SOLUTION}`);
  await expect(report.getByText(ENVIRONMENTS.join(', '), { exact: true })).toBeVisible();
  for (const p of truth.ownerDisabled) {
    const row = report.getByRole('row').filter({ hasText: p.reference }).filter({ hasText: FINDING_KIND_LABEL['owner-disabled'] });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(p.owner);
  }
  for (const p of truth.dangling) await expect(report.getByRole('row').filter({ hasText: p.reference }).filter({ hasText: FINDING_KIND_LABEL.dangling })).toHaveCount(1);
  const remaining = report.getByRole('heading', { name: 'Remaining findings' });
  await expect(remaining).toBeVisible();
  await shot('report-top', report);
  await remaining.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot('report-findings', report);
  await report.close();
});
