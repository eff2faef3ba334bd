import { describe, expect, it } from 'vitest';
import { formatRun, reportRunFromResult, runJson, runOutcome, runSummaryLine } from './run-format';
import { activateBlocked, activateInvoice, names, plan, result, run, shareC3, step, stepError, wireMail } from './test-fixtures';

const thePlan = plan([shareC3, wireMail, activateInvoice]);
const failure = stepError('Connection reference cr_mail has no connection in Contoso Test: wire it first.\nThe platform said: missing', {
  code: 'XrmConnectionReferenceMissingConnection',
  correlationId: 'c0ffee',
});
const mixed = run([
  result(shareC3, 'done'),
  result(wireMail, 'conflict', { reason: 'changed to shared-office365-9 by someone else since the plan was made' }),
  result(activateInvoice, 'failed', { error: failure }),
]);

describe('formatRun', () => {
  it('summarises, then lists failed and conflicting steps with their errors, then what preflight kept from running', () => {
    expect(formatRun(mixed, [activateBlocked], { plan: thePlan, names })).toBe(
      [
        'Run run-20260304T101600Z-abc123 (plan plan-1): 3 steps: 1 done, 1 failed, 1 conflict; 1 not run (preflight refused).',
        '',
        'Failed (1)',
        '  ✗ Contoso Test  activate  Invoice approval  (Adele Vance as Lee Gu): Connection reference cr_mail has no connection in Contoso Test: wire it first.',
        '      The platform said: missing',
        '      code XrmConnectionReferenceMissingConnection · HTTP 400 · correlation id c0ffee',
        '',
        'Conflicts (1)',
        '  ! Contoso Test  wire  Mail (cr_mail)  (Adele Vance): changed to shared-office365-9 by someone else since the plan was made',
        '',
        'Not run: preflight refused (1)',
        '  ✗ Contoso Prod  activate  Payroll sync  (Adele Vance)',
        '      blocked: connection reference cr_sql has no connection',
        '      fix: wire cr_sql to connection sql-1',
        '',
      ].join('\n'),
    );
  });

  it('uses the step labels without the plan, and is one line when all went well', () => {
    const text = formatRun(mixed);
    expect(text).toContain('  ! wire cr_mail in Contoso Test  (the signed-in account): changed to shared-office365-9');
    expect(formatRun(run([result(shareC3, 'done'), result(wireMail, 'skipped', { reason: 'already wired' })]))).toBe(
      'Run run-20260304T101600Z-abc123 (plan plan-1): 2 steps: 1 done, 1 skipped.\n',
    );
    expect(formatRun(run([result(shareC3, 'cancelled')], { cancelled: true }))).toBe(
      'Run run-20260304T101600Z-abc123 (plan plan-1): 1 step: 1 cancelled.\nThe run was cancelled before every step ran; resume it to finish the rest.\n',
    );
  });

  it('names what a not-run step waited for', () => {
    const dependent = step({ id: 'prod:activate:p', environmentId: 'prod', kind: 'activate', target: { type: 'flow', flowId: 'p', name: 'Payroll parent' }, dependsOn: [activateBlocked.id] });
    expect(formatRun(run([]), [activateBlocked, dependent], { plan: thePlan })).toContain(
      '  - Contoso Prod  activate  Payroll parent  (the signed-in account)\n      not run: it depends on activate Payroll sync\n',
    );
  });

  it('redacts errors and cleans control characters', () => {
    const leaky = run([result(activateInvoice, 'failed', { error: stepError('refused: Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.sig \u001b[2J') })]);
    expect(formatRun(leaky, [], { plan: thePlan })).toContain('refused: Authorization: Bearer [REDACTED]  [2J');
  });
});

describe('runJson', () => {
  it('is plain data with the outcome, summary and every step, names beside ids, messages redacted', () => {
    const leaky = run([result(activateInvoice, 'failed', { error: stepError('secret=hunter22 refused', { platformMessage: 'password: hunter22', details: [{ code: 'X', message: 'token=abc' }] }) })]);
    const doc = runJson(leaky, { plan: thePlan, names });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(doc).toMatchObject({
      format: 'patchbay-run',
      formatVersion: 1,
      runId: 'run-20260304T101600Z-abc123',
      planId: 'plan-1',
      outcome: 'failed',
      cancelled: false,
      summary: { total: 1, done: 0, skipped: 0, failed: 1, conflicts: 0, cancelled: 0 },
    });
    expect(doc.steps[0]).toMatchObject({
      stepId: 'test:activate:f1',
      environmentName: 'Contoso Test',
      target: 'Invoice approval',
      identityName: 'Adele Vance as Lee Gu',
      error: { message: 'secret=[REDACTED] refused', platformMessage: 'password: [REDACTED]', details: [{ code: 'X', message: 'token=[REDACTED]' }] },
    });
  });
});

describe('outcome and summary', () => {
  it('fails on failures, conflicts or steps not run; else reports a cancel; else success', () => {
    expect(runOutcome(mixed)).toBe('failed');
    expect(runOutcome(run([result(shareC3, 'done')]), 1)).toBe('failed');
    expect(runOutcome(run([result(shareC3, 'cancelled')], { cancelled: true }))).toBe('cancelled');
    expect(runOutcome(run([result(shareC3, 'done'), result(wireMail, 'skipped')]))).toBe('succeeded');
    expect(runSummaryLine(run([]))).toBe('0 steps');
  });
});

describe('reportRunFromResult', () => {
  it('turns results into report rows in words', () => {
    const notObserved = result(activateInvoice, 'skipped', { observed: false, before: null, after: null, reason: 'depends on wire cr_mail in Contoso Test which ended in a conflict' });
    expect(reportRunFromResult(run([result(wireMail, 'failed', { error: failure }), notObserved]), { plan: thePlan, names })).toEqual({
      runId: 'run-20260304T101600Z-abc123',
      planId: 'plan-1',
      cancelled: false,
      steps: [
        {
          environmentId: 'test',
          environmentName: 'Contoso Test',
          action: 'wire',
          target: 'Mail (cr_mail)',
          identity: 'Adele Vance',
          before: null,
          after: null,
          status: 'failed',
          note: null,
          error: failure.message,
        },
        {
          environmentId: 'test',
          environmentName: 'Contoso Test',
          action: 'activate',
          target: 'Invoice approval',
          identity: 'Adele Vance as Lee Gu',
          before: 'off',
          after: 'on',
          status: 'skipped',
          note: 'depends on wire cr_mail in Contoso Test which ended in a conflict',
          error: null,
        },
      ],
    });
  });
});
