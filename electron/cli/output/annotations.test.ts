import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/engine/audit';
import { clearRegisteredSecrets, registerSecret } from '../../log/redact';
import {
  annotateFindings,
  annotateRun,
  azureTaskComplete,
  detectCi,
  escapeAzureData,
  escapeAzureProperty,
  escapeGitHubData,
  escapeGitHubProperty,
  formatAnnotation,
} from './annotations';
import { activateBlocked, activateInvoice, plan, result, run, stepError, wireMail } from './test-fixtures';

const unwired: Finding = {
  kind: 'unwired',
  severity: 'error',
  environmentId: 'test',
  environmentName: 'Contoso Test',
  item: 'cr_mail',
  itemName: 'Mail (Office 365)',
  message: 'Mail (Office 365) has no connection.',
  fix: 'Wire it to a healthy connection.',
};
const off: Finding = { ...unwired, kind: 'flow-off', severity: 'warning', item: 'f1', itemName: 'Invoice approval', message: 'Invoice approval is off.', fix: 'Activate it.' };
const info: Finding = { ...unwired, kind: 'not-shared-with-spn', severity: 'info' };

afterEach(() => clearRegisteredSecrets());

describe('detectCi', () => {
  it('reads the environment it is given', () => {
    expect(detectCi({ TF_BUILD: 'True' })).toBe('azure-devops');
    expect(detectCi({ GITHUB_ACTIONS: 'true' })).toBe('github-actions');
    expect(detectCi({ GITHUB_ACTIONS: 'false' })).toBeNull();
    expect(detectCi({ TF_BUILD: '' })).toBeNull();
    expect(detectCi({})).toBeNull();
  });
});

describe('escaping', () => {
  it('escapes GitHub data and properties as the runner decodes them', () => {
    expect(escapeGitHubData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
    expect(escapeGitHubProperty('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext%3A a%2Cb');
  });

  it('escapes Azure DevOps data and properties as the agent decodes them', () => {
    expect(escapeAzureData('50%;a]b\r\nc')).toBe('50%AZP25;a]b%0D%0Ac');
    expect(escapeAzureProperty('50%;a]b\r\nc')).toBe('50%AZP25%3Ba%5Db%0D%0Ac');
  });

  it('keeps a multi-line message on one command line, so it cannot start a command of its own', () => {
    const message = 'line one\n::add-mask::x\n##vso[task.setvariable variable=A]1';
    const gh = formatAnnotation('github-actions', { level: 'error', title: 'T: a, b', message });
    expect(gh).toBe('::error title=T%3A a%2C b::line one%0A::add-mask::x%0A##vso[task.setvariable variable=A]1');
    expect(gh.split('\n')).toHaveLength(1);
    const ado = formatAnnotation('azure-devops', { level: 'warning', file: 'settings/test;x].json', line: 3, message });
    expect(ado).toBe('##vso[task.logissue type=warning;sourcepath=settings/test%3Bx%5D.json;linenumber=3;]line one%0A::add-mask::x%0A##vso[task.setvariable variable=A]1');
  });

  it('redacts messages', () => {
    registerSecret('s3cr3t-value');
    expect(formatAnnotation('github-actions', { level: 'error', message: 'client secret s3cr3t-value refused' })).toBe('::error::client secret [REDACTED] refused');
    expect(formatAnnotation('azure-devops', { level: 'error', message: 'Authorization: Bearer abc.def' })).toBe('##vso[task.logissue type=error;]Authorization: Bearer [REDACTED]');
  });

  it('sets the Azure DevOps task result', () => {
    expect(azureTaskComplete('SucceededWithIssues')).toBe('##vso[task.complete result=SucceededWithIssues;]');
    expect(azureTaskComplete('Failed', '2 flows\nstill off')).toBe('##vso[task.complete result=Failed;]2 flows%0Astill off');
  });
});

describe('annotateFindings', () => {
  it('annotates errors and warnings (not info) for the CI it runs in, and nothing elsewhere', () => {
    expect(annotateFindings([unwired, off, info], { GITHUB_ACTIONS: 'true' })).toEqual([
      '::error title=Connection reference unwired in Contoso Test::Mail (Office 365) has no connection. Fix: Wire it to a healthy connection.',
      '::warning title=Flow off in Contoso Test::Invoice approval is off. Fix: Activate it.',
    ]);
    expect(annotateFindings([unwired], { TF_BUILD: 'True' })).toEqual([
      '##vso[task.logissue type=error;code=unwired;]Connection reference unwired in Contoso Test: Mail (Office 365) has no connection. Fix: Wire it to a healthy connection.',
    ]);
    expect(annotateFindings([unwired, off], {})).toEqual([]);
  });

  it('caps the number of annotations with a line saying how many more', () => {
    const lines = annotateFindings([unwired, unwired, off, off], { GITHUB_ACTIONS: 'true' }, { max: 2 });
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('::warning title=More issues::2 more not shown here: see the log or the report.');
  });
});

describe('annotateRun', () => {
  it('annotates failed and conflicting steps, steps not run, and a cancelled run', () => {
    const r = run(
      [
        result(activateInvoice, 'failed', { error: stepError('Connection reference cr_mail has no connection in Contoso Test: wire it first.') }),
        result(wireMail, 'conflict', { reason: 'changed to shared-office365-9 by someone else since the plan was made' }),
      ],
      { cancelled: true },
    );
    expect(annotateRun(r, [activateBlocked], { GITHUB_ACTIONS: 'true' }, { plan: plan([]) })).toEqual([
      '::error title=Failed%3A turn on Invoice approval in Contoso Test::Connection reference cr_mail has no connection in Contoso Test: wire it first.',
      '::error title=Conflict%3A wire cr_mail in Contoso Test::changed to shared-office365-9 by someone else since the plan was made',
      '::error title=Not run%3A activate Payroll sync in Contoso Prod::Preflight refused it: connection reference cr_sql has no connection.',
      '::warning title=Run cancelled::Run run-20260304T101600Z-abc123 was cancelled before every step ran (0 cancelled).',
    ]);
    expect(annotateRun(r, [], {})).toEqual([]);
  });
});
