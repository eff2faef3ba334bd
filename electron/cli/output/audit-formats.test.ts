import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/engine/audit';
import type { Matrix } from '../../../shared/engine/matrix';
import { auditToCsv, auditToJson, auditToJunit, auditToTable, formatFindings } from './audit-formats';
import { csvCell } from './csv';
import { escapeXmlAttribute, escapeXmlText } from './xml';

const environments = [
  { id: 'test', displayName: 'Contoso Test' },
  { id: 'prod', displayName: 'Contoso Prod' },
];

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
const blocked: Finding = {
  kind: 'flow-blocked',
  severity: 'error',
  environmentId: 'test',
  environmentName: 'Contoso Test',
  item: 'f1',
  itemName: 'Invoice <approval> & "review"',
  message: 'Invoice <approval> & "review" is off and cannot be turned on: connection reference cr_mail has no connection.',
  fix: 'Open its plan: Wire & activate proposes the fixes.',
};
const off: Finding = {
  kind: 'flow-off',
  severity: 'warning',
  environmentId: 'prod',
  environmentName: 'Contoso Prod',
  item: 'f9',
  itemName: '=HYPERLINK("http://evil","x")',
  message: '=HYPERLINK("http://evil","x") is off.',
  fix: 'Activate it.',
};
const findings = [unwired, blocked, off];
const input = { solution: 'ContosoSales', generatedAt: '2026-03-04T10:15:00.000Z', environments, findings };

describe('json', () => {
  it('has a stable shape: format, generatedAt, solution, environments with counts, every kind counted', () => {
    const doc = JSON.parse(auditToJson(input)) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['format', 'formatVersion', 'generatedAt', 'solution', 'environments', 'counts', 'findings']);
    expect(doc).toMatchObject({
      format: 'patchbay-audit',
      formatVersion: 1,
      generatedAt: '2026-03-04T10:15:00.000Z',
      solution: 'ContosoSales',
      environments: [
        { id: 'test', displayName: 'Contoso Test', counts: { error: 2, warning: 0, info: 0 } },
        { id: 'prod', displayName: 'Contoso Prod', counts: { error: 0, warning: 1, info: 0 } },
      ],
      counts: {
        total: 3,
        bySeverity: { error: 2, warning: 1, info: 0 },
        byKind: {
          unwired: 1,
          dangling: 0,
          broken: 0,
          'owner-disabled': 0,
          'not-shared-with-spn': 0,
          'flow-off': 1,
          'flow-blocked': 1,
          'flow-suspended': 0,
          'env-var-missing': 0,
          'env-var-differs': 0,
          'scan-problem': 0,
        },
      },
    });
    expect((doc['findings'] as unknown[])[0]).toEqual(unwired);
    expect(auditToJson(input)).toBe(auditToJson({ ...input, generatedAt: new Date('2026-03-04T10:15:00.000Z') }));
  });

  it('redacts credentials in messages', () => {
    const leaky: Finding = { ...unwired, message: 'connection in error: token=abcdef123 expired' };
    expect(auditToJson({ ...input, findings: [leaky] })).toContain('"message": "connection in error: token=[REDACTED] expired"');
  });
});

describe('pipeline logging commands in names', () => {
  it('never reach a CI log as commands from json or junit, yet parse back unchanged', () => {
    const evil: Finding = { ...unwired, itemName: '##vso[task.setvariable variable=A]1', message: 'x\n::add-mask::y' };
    const json = auditToJson({ ...input, findings: [evil] });
    expect(json).not.toContain('##vso[');
    expect((JSON.parse(json) as { findings: Finding[] }).findings[0]?.itemName).toBe('##vso[task.setvariable variable=A]1');
    const xml = auditToJunit({ ...input, findings: [evil] });
    expect(xml).not.toContain('##vso[');
    expect(xml.split('\n').some((line) => line.trimStart().startsWith('::'))).toBe(false);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('name="&#35;#vso[task.setvariable variable=A]1"');
    expect(xml).toContain('\n&#58;:add-mask::y');
  });
});

describe('csv', () => {
  it('quotes per RFC 4180 with CRLF, and guards formulas', () => {
    expect(auditToCsv(findings)).toBe(
      [
        'severity,kind,environment_id,environment,item,item_name,message,fix',
        'error,unwired,test,Contoso Test,cr_mail,Mail (Office 365),Mail (Office 365) has no connection.,Wire it to a healthy connection.',
        'error,flow-blocked,test,Contoso Test,f1,"Invoice <approval> & ""review""","Invoice <approval> & ""review"" is off and cannot be turned on: connection reference cr_mail has no connection.",Open its plan: Wire & activate proposes the fixes.',
        `warning,flow-off,prod,Contoso Prod,f9,"'=HYPERLINK(""http://evil"",""x"")","'=HYPERLINK(""http://evil"",""x"") is off.",Activate it.`,
        '',
      ].join('\r\n'),
    );
  });

  it('guards every formula lead character and quotes line breaks', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'a\nb', 'plain', '', null].map(csvCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      `"'\rx"`,
      '"a\nb"',
      'plain',
      '',
      '',
    ]);
  });
});

describe('junit', () => {
  it('has one testsuite per environment, one testcase per item, failures for errors and output for warnings', () => {
    expect(auditToJunit(input)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="Patchbay audit: ContosoSales" tests="3" failures="2" errors="0" skipped="0" time="0" timestamp="2026-03-04T10:15:00.000Z">',
        '  <testsuite name="Contoso Test" id="0" package="ContosoSales" tests="2" failures="2" errors="0" skipped="0" time="0" timestamp="2026-03-04T10:15:00.000Z">',
        '    <properties>',
        '      <property name="environmentId" value="test"/>',
        '    </properties>',
        '    <testcase name="Mail (Office 365)" classname="ContosoSales.Contoso Test" time="0">',
        '      <failure message="Mail (Office 365) has no connection." type="unwired">Mail (Office 365) has no connection.',
        'Fix: Wire it to a healthy connection.</failure>',
        '    </testcase>',
        '    <testcase name="Invoice &lt;approval&gt; &amp; &quot;review&quot;" classname="ContosoSales.Contoso Test" time="0">',
        '      <failure message="Invoice &lt;approval&gt; &amp; &quot;review&quot; is off and cannot be turned on: connection reference cr_mail has no connection." type="flow-blocked">Invoice &lt;approval&gt; &amp; "review" is off and cannot be turned on: connection reference cr_mail has no connection.',
        'Fix: Open its plan: Wire &amp; activate proposes the fixes.</failure>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="Contoso Prod" id="1" package="ContosoSales" tests="1" failures="0" errors="0" skipped="0" time="0" timestamp="2026-03-04T10:15:00.000Z">',
        '    <properties>',
        '      <property name="environmentId" value="prod"/>',
        '    </properties>',
        '    <testcase name="=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)" classname="ContosoSales.Contoso Prod" time="0">',
        '      <system-out>warning: =HYPERLINK("http://evil","x") is off.',
        'Fix: Activate it.</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('lists passing items from the matrix and stays valid XML whatever the names hold', () => {
    const nasty = 'x]]><script>&amp;\u0001\ud800\'"';
    const matrix = {
      columns: [{ environmentId: 'test', displayName: nasty, sku: 'Sandbox', solutionVersion: '1.0', problems: [] }],
      references: [{ kind: 'reference', key: 'cr_mail', displayName: 'Mail', logicalName: 'cr_mail', connector: 'shared_office365', connectorName: 'Office 365', cells: { test: { state: 'unwired' } } }],
      flows: [
        { kind: 'flow', key: 'ok', displayName: nasty, flowId: 'ok', cells: { test: { state: 'on' } } },
        { kind: 'flow', key: 'gone', displayName: 'Gone', flowId: 'gone', cells: { test: { state: 'absent' } } },
      ],
      envVars: [],
    } as unknown as Matrix;
    const xml = auditToJunit({ solution: nasty, generatedAt: '2026-03-04T10:15:00.000Z', findings: [{ ...unwired, environmentName: nasty, message: nasty }], matrix });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<testsuite name="x]]&gt;&lt;script&gt;&amp;amp;\ufffd\ufffd&apos;&quot;" id="0"');
    expect(xml).toContain(`tests="2" failures="1"`);
    expect(xml).toContain('<testcase name="x]]&gt;&lt;script&gt;&amp;amp;\ufffd\ufffd&apos;&quot;" classname=');
    expect(xml).not.toContain('Gone');
  });

  it('escapes XML text and attributes', () => {
    expect(escapeXmlText('a < b && c > d "q" \'s\' ]]>')).toBe('a &lt; b &amp;&amp; c &gt; d "q" \'s\' ]]&gt;');
    expect(escapeXmlAttribute('a<"b">\'\n\t')).toBe('a&lt;&quot;b&quot;&gt;&apos;&#10;&#9;');
  });
});

describe('table', () => {
  it('lists findings for people with the message and fix under each, and counts', () => {
    expect(auditToTable(findings)).toBe(
      [
        'Severity  Environment   Item                           Finding',
        '--------  ------------  -----------------------------  ----------------------------',
        'error     Contoso Test  Mail (Office 365)              Connection reference unwired',
        '    Mail (Office 365) has no connection.',
        '    Fix: Wire it to a healthy connection.',
        'error     Contoso Test  Invoice <approval> & "review"  Flow blocked',
        '    Invoice <approval> & "review" is off and cannot be turned on: connection reference cr_mail has no connection.',
        '    Fix: Open its plan: Wire & activate proposes the fixes.',
        'warning   Contoso Prod  =HYPERLINK("http://evil","x")  Flow off',
        '    =HYPERLINK("http://evil","x") is off.',
        '    Fix: Activate it.',
        '',
        '3 findings in 2 environments: 2 errors, 1 warning.',
        '',
      ].join('\n'),
    );
    expect(auditToTable([])).toBe('No findings.\n');
  });

  it('renders each --format, including the HTML report', () => {
    const context = { solution: 'ContosoSales', generatedAt: '2026-03-04T10:15:00.000Z', environments, account: 'adele@contoso.example', identity: 'auto' as const };
    expect(formatFindings('csv', findings, context)).toBe(auditToCsv(findings));
    expect(formatFindings('junit', findings, context)).toBe(auditToJunit(input));
    const html = formatFindings('html', findings, context);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('Invoice &lt;approval&gt; &amp; &quot;review&quot;');
  });
});
