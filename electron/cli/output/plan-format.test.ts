import { describe, expect, it } from 'vitest';
import type { EnvironmentSnapshot, PrincipalRights } from '../../../shared/engine/snapshot';
import { fixWords, formatPlan, planSummary } from './plan-format';
import { ADELE, LEE, activateBlocked, activateInvoice, activateMaybe, names, plan, shareC3, step, wireMail } from './test-fixtures';

describe('formatPlan', () => {
  it('groups steps by environment with verdict, action, target, change, identity, blockers, fixes, warnings and a summary', () => {
    const p = plan([shareC3, wireMail, activateInvoice, activateBlocked, activateMaybe], { warnings: ['Contoso Dev: the solution ContosoSales is not installed; nothing to do there.'] });
    expect(formatPlan(p, { names })).toBe(
      [
        'Plan plan-1 for ContosoSales, made 2026-03-04 10:15 UTC',
        '',
        'Contoso Test (3 steps)',
        '     Action    Target                     Before → after             As',
        '  -  --------  -------------------------  -------------------------  ---------------------',
        '  ✓  share     connection c3 with Lee Gu  not shared → CanView       Adele Vance',
        '  ✓  wire      Mail (cr_mail)             none → shared-office365-1  Adele Vance',
        '  ✓  activate  Invoice approval           off → on                   Adele Vance as Lee Gu',
        '',
        'Contoso Prod (2 steps)',
        '     Action    Target        Before → after  As',
        '  -  --------  ------------  --------------  -----------',
        '  ✗  activate  Payroll sync  off → on        Adele Vance',
        '      blocked: connection reference cr_sql has no connection',
        '      fix: wire cr_sql to connection sql-1',
        '  ?  activate  Parent flow   off → on        Adele Vance',
        '      may fail: its child flow Child flow is off (turn it on first)',
        '      fix: turn on Child flow first',
        '',
        'Warnings',
        '  ! Contoso Dev: the solution ContosoSales is not installed; nothing to do there.',
        '',
        '5 steps in 2 environments: 3 will succeed, 1 will fail, 1 may fail',
        '',
      ].join('\n'),
    );
  });

  it('takes names from the scan, says so when an environment has nothing to do, and falls back to roles', () => {
    const rights = (objectId: string, displayName: string): PrincipalRights => ({
      objectId,
      displayName,
      present: true,
      disabled: false,
      isApplicationUser: false,
      delegate: true,
      canWrite: true,
      platformAdmin: false,
    });
    const scan = [{ rights: { [ADELE]: rights(ADELE, 'Adele V.'), [LEE]: rights(LEE, 'Lee G.') }, connections: [] }] as unknown as EnvironmentSnapshot[];
    const text = formatPlan(plan([activateInvoice]), scan);
    expect(text).toContain('  ✓  activate  Invoice approval  off → on        Adele V. as Lee G.\n');
    expect(text).toContain('Contoso Prod (0 steps)\n  nothing to do\n');
    expect(formatPlan(plan([activateInvoice]))).toContain('the signed-in account as aaaaaaaa-0000-0000-0000-000000000003');
  });

  it('explains a step with no identity, and keeps hostile names on one line', () => {
    const spnMissing = step({
      id: 'test:activate:x',
      environmentId: 'test',
      kind: 'activate',
      target: { type: 'flow', flowId: 'x', name: 'Evil\n##vso[task.setvariable variable=A]1' },
      before: 'off',
      after: 'on',
      identity: null,
      verdict: { outcome: 'will-fail', strategy: 'spn', identity: null, blockers: [], fixes: [{ kind: 'use-identity', strategy: 'me' }] },
    });
    const text = formatPlan(plan([spnMissing], { environments: [{ id: 'test', displayName: 'Contoso Test', instanceUrl: null }] }));
    expect(text).toContain('  ✗  activate  Evil #\u200b#vso[task.setvariable variable=A]1  off → on        no identity available\n');
    expect(text).toContain('      blocked: the service principal is not available in this environment\n      fix: act as the signed-in account\n');
  });

  it('shows a variable being set with its old and new value', () => {
    const setUrl = step({
      id: 'test:set-variable:cr_apiurl',
      environmentId: 'test',
      kind: 'set-variable',
      target: { type: 'variable', definitionId: 'd1', schemaName: 'cr_apiurl', displayName: 'API URL' },
      before: null,
      after: 'https://api.contoso.example',
    });
    expect(formatPlan(plan([setUrl]), { names })).toContain('  ✓  set-variable  API URL (cr_apiurl)  no value → https://api.contoso.example  Adele Vance\n');
  });

  it('colours verdicts only when asked', () => {
    expect(formatPlan(plan([activateBlocked]), { color: true })).toContain('\u001b[31m✗\u001b[39m');
    expect(formatPlan(plan([activateBlocked]))).not.toContain('\u001b[');
  });
});

describe('planSummary', () => {
  it('counts steps, environments and verdicts', () => {
    expect(planSummary(plan([wireMail]))).toBe('1 step in 2 environments: 1 will succeed');
    expect(planSummary(plan([]))).toBe('No steps in 2 environments: nothing to do.');
    expect(planSummary(plan([wireMail, activateBlocked, activateBlocked, activateMaybe]))).toBe('4 steps in 2 environments: 1 will succeed, 2 will fail, 1 may fail');
  });
});

describe('fixWords', () => {
  it('says every fix in words', () => {
    expect(
      [
        fixWords({ kind: 'wire', referenceId: 'r', logicalName: 'cr_mail', connectionName: null }),
        fixWords({ kind: 'share', connectionName: 'c3', connector: 'x', principalObjectId: LEE, role: 'CanView' }, names),
        fixWords({ kind: 'use-identity', strategy: 'connection-owner' }),
        fixWords({ kind: 'grant-delegate', objectId: ADELE }, names),
        fixWords({ kind: 'add-application-user', objectId: 'spn-1' }),
        fixWords({ kind: 'repair-connection', connectionName: 'c9' }),
      ],
    ).toEqual([
      'wire cr_mail to a new connection (none here fits: create one in the maker portal)',
      'share connection c3 with Lee Gu (CanView)',
      'act as the connection owner',
      'give Adele Vance the Delegate privilege (act on behalf of another user)',
      'add spn-1 as an application user in this environment',
      'repair connection c9 (sign in to it again in the maker portal)',
    ]);
  });
});
