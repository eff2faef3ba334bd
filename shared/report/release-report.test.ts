import { describe, expect, it } from 'vitest';
import type { Finding } from '../engine/audit';
import { renderReleaseReport, type ReleaseReportInput, type ReportStep } from './release-report';
import { escapeHtml } from './html';
import { strategyWords } from './words';

const columns = [
  { environmentId: 'test', displayName: 'Contoso Test', sku: 'Sandbox', solutionVersion: '1.0', problems: [] },
  { environmentId: 'prod', displayName: 'Contoso Prod', sku: 'Production', solutionVersion: '1.0', problems: [] },
];

const done: ReportStep = {
  environmentId: 'test',
  environmentName: 'Contoso Test',
  action: 'activate',
  target: 'Invoice approval',
  identity: 'Adele Vance as Lee Gu',
  before: 'off',
  after: 'on',
  status: 'done',
  note: null,
  error: null,
};
const failed: ReportStep = {
  ...done,
  environmentId: 'prod',
  environmentName: 'Contoso Prod',
  action: 'wire',
  target: 'Mail (cr_mail)',
  identity: 'Adele Vance',
  before: null,
  after: 'shared-office365-1',
  status: 'failed',
  error: 'Adele Vance may not use connection shared-office365-1.\nShare it with her or act as its owner.',
};
const unwired: Finding = {
  kind: 'unwired',
  severity: 'error',
  environmentId: 'prod',
  environmentName: 'Contoso Prod',
  item: 'cr_mail',
  itemName: 'Mail (Office 365)',
  message: 'Mail (Office 365) has no connection.',
  fix: 'Wire it to a healthy connection.',
};
const off: Finding = { ...unwired, kind: 'flow-off', severity: 'warning', item: 'f2', itemName: 'Payroll sync', message: 'Payroll sync is off.', fix: 'Activate it.' };

const input: ReleaseReportInput = {
  solution: 'ContosoSales',
  generatedAt: '2026-03-04T10:15:00.000Z',
  account: 'adele@contoso.example',
  identity: 'connection-owner',
  matrix: { columns, counts: { test: { wired: 2, on: 3 }, prod: { unwired: 1, wired: 1, blocked: 1 } } },
  run: { runId: 'run-1', planId: 'plan-1', cancelled: false, steps: [done, failed] },
  findings: [unwired, off],
};

const between = (html: string, from: string, to: string): string => html.slice(html.indexOf(from), html.indexOf(to, html.indexOf(from)) + to.length);

describe('renderReleaseReport', () => {
  it('is one self-contained, script-free HTML document with inline CSS', () => {
    const html = renderReleaseReport(input);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">')).toBe(true);
    expect(html).toContain('<title>Release report: ContosoSales</title>');
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import|\son[a-z]+=/i);
    expect(html.endsWith('</html>\n')).toBe(true);
  });

  it('says who, when, which solution, environments and identity strategy', () => {
    expect(between(renderReleaseReport(input), '<header>', '</header>')).toBe(
      [
        '<header>',
        '<h1>Release report: ContosoSales</h1>',
        '<p class="subtitle">Contoso Test · Contoso Prod</p>',
        '<dl class="facts">',
        '<dt>Solution</dt><dd>ContosoSales</dd>',
        '<dt>Environments</dt><dd>Contoso Test, Contoso Prod</dd>',
        '<dt>Account</dt><dd>adele@contoso.example</dd>',
        '<dt>Generated</dt><dd><time datetime="2026-03-04T10:15:00.000Z">2026-03-04 10:15 UTC</time></dd>',
        '<dt>Identity strategy</dt><dd>the connection owner (impersonated)</dd>',
        '<dt>Run</dt><dd>run-1: 2 steps: 1 done, 1 failed.</dd>',
        '</dl>',
        '</header>',
      ].join('\n'),
    );
  });

  it('summarises the matrix: counts per state per environment, grouped, states with none anywhere left out', () => {
    expect(between(renderReleaseReport(input), '<thead>', '</tbody>')).toBe(
      [
        '<thead>',
        '<tr><td></td>',
        '<th scope="colgroup" colspan="2">Connection references</th>',
        '<th scope="colgroup" colspan="2">Flows</th>',
        '</tr>',
        '<tr><th scope="col">Environment</th>',
        '<th scope="col" class="num">Wired</th>',
        '<th scope="col" class="num">Unwired</th>',
        '<th scope="col" class="num">On</th>',
        '<th scope="col" class="num">Blocked</th>',
        '</tr>',
        '</thead>',
        '<tbody>',
        '<tr><th scope="row">Contoso Test</th>',
        '<td class="num">2</td>',
        '<td class="num zero">0</td>',
        '<td class="num">3</td>',
        '<td class="num zero">0</td>',
        '</tr>',
        '<tr><th scope="row">Contoso Prod</th>',
        '<td class="num">1</td>',
        '<td class="num bad">1</td>',
        '<td class="num zero">0</td>',
        '<td class="num bad">1</td>',
        '</tr>',
        '</tbody>',
      ].join('\n'),
    );
  });

  it('lists each step of the run per environment with identity, before → after, result and error', () => {
    const html = renderReleaseReport(input);
    expect(html).toContain(
      '<tr><td>activate</td><td>Invoice approval</td><td>Adele Vance as Lee Gu</td><td>off → on</td><td class="status-done"><span aria-hidden="true">✓</span> Done</td><td></td></tr>',
    );
    expect(html).toContain(
      '<tr><td>wire</td><td>Mail (cr_mail)</td><td>Adele Vance</td><td>none → shared-office365-1</td><td class="status-failed"><span aria-hidden="true">✗</span> Failed</td>' +
        '<td><span class="error">Adele Vance may not use connection shared-office365-1.\nShare it with her or act as its owner.</span></td></tr>',
    );
    expect(html.indexOf('<h3 id="run-env-0">Contoso Test</h3>')).toBeLessThan(html.indexOf('<h3 id="run-env-1">Contoso Prod</h3>'));
  });

  it('groups remaining findings by environment, then severity', () => {
    expect(between(renderReleaseReport(input), '<section aria-labelledby="findings">', '</section>')).toBe(
      [
        '<section aria-labelledby="findings">',
        '<h2 id="findings">Remaining findings</h2>',
        '<p>2 findings: 1 error, 1 warning.</p>',
        '<h3 id="findings-env-1">Contoso Prod <span class="note">(1 error, 1 warning)</span></h3>',
        '<h4 id="findings-env-1-error">Errors (1)</h4>',
        '<table aria-labelledby="findings-env-1-error">',
        '<thead><tr>',
        '<th scope="col">Item</th>',
        '<th scope="col">Finding</th>',
        '<th scope="col">Problem</th>',
        '<th scope="col">Fix</th>',
        '</tr></thead>',
        '<tbody>',
        '<tr><td>Mail (Office 365)</td><td>Connection reference unwired</td><td>Mail (Office 365) has no connection.</td><td>Wire it to a healthy connection.</td></tr>',
        '</tbody>',
        '</table>',
        '<h4 id="findings-env-1-warning">Warnings (1)</h4>',
        '<table aria-labelledby="findings-env-1-warning">',
        '<thead><tr>',
        '<th scope="col">Item</th>',
        '<th scope="col">Finding</th>',
        '<th scope="col">Problem</th>',
        '<th scope="col">Fix</th>',
        '</tr></thead>',
        '<tbody>',
        '<tr><td>Payroll sync</td><td>Flow off</td><td>Payroll sync is off.</td><td>Activate it.</td></tr>',
        '</tbody>',
        '</table>',
        '</section>',
      ].join('\n'),
    );
    expect(renderReleaseReport({ ...input, findings: [] })).toContain('<p class="empty">No findings remain.</p>');
  });

  it('escapes every name, so none can inject markup', () => {
    const evil = '<script>alert(1)</script><img src=x onerror="alert(2)">\'&';
    const html = renderReleaseReport({
      solution: evil,
      generatedAt: new Date('2026-03-04T10:15:00Z'),
      account: evil,
      identity: { test: 'me', prod: 'spn' },
      environments: [{ id: 'test', displayName: evil }],
      matrix: { columns: [{ ...columns[0]!, displayName: evil, problems: [evil] }], counts: { test: { on: 1 } } },
      run: { runId: evil, planId: evil, cancelled: true, steps: [{ ...failed, environmentId: 'test', environmentName: evil, target: evil, identity: evil, before: evil, error: evil }] },
      findings: [{ ...unwired, environmentId: 'test', environmentName: evil, itemName: evil, message: evil, fix: evil }],
    });
    expect(html).not.toMatch(/<script|<img|onerror="/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;&#39;&amp;');
    expect(html).toContain('The run was cancelled before every step ran.');
    expect(html).toContain('<dt>Identity strategy</dt><dd>&lt;script&gt;');
  });

  it('renders 2,000 steps and findings quickly, in one pass', () => {
    const steps = Array.from({ length: 2000 }, (_, i): ReportStep => ({ ...done, environmentId: i % 2 ? 'test' : 'prod', target: `Flow ${i}` }));
    const findings = Array.from({ length: 2000 }, (_, i): Finding => ({ ...off, item: `f${i}`, itemName: `Flow ${i}`, environmentId: i % 2 ? 'test' : 'prod' }));
    const started = Date.now();
    const html = renderReleaseReport({ ...input, run: { runId: 'r', planId: 'p', cancelled: false, steps }, findings });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(html.match(/<tr><td>activate<\/td>/g)).toHaveLength(2000);
    expect(html.match(/<td>Flow off<\/td>/g)).toHaveLength(2000);
  });
});

describe('words', () => {
  it('names strategies, per environment when they differ', () => {
    expect(strategyWords('me')).toBe('the signed-in account');
    expect(strategyWords({ a: 'spn', b: 'spn' })).toBe('the pipeline service principal');
    expect(strategyWords({ a: 'me', b: 'spn' }, (id) => id.toUpperCase())).toBe('A: the signed-in account; B: the pipeline service principal');
  });

  it('escapes HTML and replaces characters HTML cannot hold', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('a\u0000b\ud800c')).toBe('a\ufffdb\ufffdc');
    expect(escapeHtml('x ##vso[task.complete result=Failed]\n::error::y')).toBe('x &#35;#vso[task.complete result=Failed]\n&#58;:error::y');
  });
});
