import type { Finding, FindingKind, Severity } from '../../../shared/engine/audit';
import type { Matrix } from '../../../shared/engine/matrix';
import type { IdentityStrategy } from '../../../shared/engine/preflight';
import { renderReleaseReport } from '../../../shared/report/release-report';
import { FINDING_KINDS, FINDING_KIND_LABEL, isoOf, plural, severityCounts } from '../../../shared/report/words';
import { redactText } from '../../log/redact';
import type { Color } from './color';
import { toCsv } from './csv';
import { ciSafeJson } from './json';
import { renderColumns } from './table';
import { escapeXmlAttribute, escapeXmlText } from './xml';

/**
 * Audit findings exported for machines and people: `json` (stable shape, counts by severity and kind),
 * `csv` (one finding a record, safe to open in a spreadsheet), `junit` (one testsuite per environment,
 * one testcase per item: CI test tabs ingest it) and `table`. Messages and fixes are redacted.
 */

export type AuditFormat = 'json' | 'csv' | 'junit' | 'table';
export const AUDIT_FORMATS: readonly AuditFormat[] = ['json', 'csv', 'junit', 'table'];

export interface AuditEnvironment {
  id: string;
  displayName: string;
}

export interface AuditExportInput {
  solution: string;
  generatedAt: string | Date;
  /** Environments audited, in order (default: the matrix's columns, else those the findings name). */
  environments?: readonly AuditEnvironment[];
  findings: readonly Finding[];
  /** With the matrix, JUnit lists every item of each environment, passing ones too. */
  matrix?: Pick<Matrix, 'columns' | 'references' | 'flows' | 'envVars'>;
}

export interface AuditFormatOptions {
  /** ANSI colour in `table` (the caller decides). */
  color?: boolean;
}

export function formatAudit(format: AuditFormat, input: AuditExportInput, options: AuditFormatOptions = {}): string {
  switch (format) {
    case 'json':
      return auditToJson(input);
    case 'csv':
      return auditToCsv(input.findings);
    case 'junit':
      return auditToJunit(input);
    case 'table':
      return auditToTable(input.findings, options);
  }
}

/** The audited environments: as given, else the matrix's columns; plus any a finding names beyond them. */
export function auditEnvironments(input: Pick<AuditExportInput, 'environments' | 'findings' | 'matrix'>): AuditEnvironment[] {
  const list: AuditEnvironment[] = (input.environments ?? input.matrix?.columns.map((c) => ({ id: c.environmentId, displayName: c.displayName })) ?? []).map((e) => ({
    id: e.id,
    displayName: e.displayName,
  }));
  const seen = new Set(list.map((e) => e.id.toLowerCase()));
  for (const f of input.findings) {
    if (seen.has(f.environmentId.toLowerCase())) continue;
    seen.add(f.environmentId.toLowerCase());
    list.push({ id: f.environmentId, displayName: f.environmentName });
  }
  return list;
}

const severityTally = (): Record<Severity, number> => ({ error: 0, warning: 0, info: 0 });

/** Findings by environment id (lower case), in their order. */
function byEnvironment(findings: readonly Finding[]): Map<string, Finding[]> {
  const map = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.environmentId.toLowerCase();
    const list = map.get(key);
    if (list) list.push(f);
    else map.set(key, [f]);
  }
  return map;
}

// ── json

export function auditToJson(input: AuditExportInput): string {
  const environments = auditEnvironments(input);
  const bySeverity = severityTally();
  const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  const perEnvironment = new Map(environments.map((e) => [e.id.toLowerCase(), severityTally()]));
  for (const f of input.findings) {
    bySeverity[f.severity]++;
    byKind[f.kind]++;
    const tally = perEnvironment.get(f.environmentId.toLowerCase());
    if (tally) tally[f.severity]++;
  }
  const document = {
    format: 'patchbay-audit',
    formatVersion: 1,
    generatedAt: isoOf(input.generatedAt),
    solution: input.solution,
    environments: environments.map((e) => ({ id: e.id, displayName: e.displayName, counts: perEnvironment.get(e.id.toLowerCase()) ?? severityTally() })),
    counts: { total: input.findings.length, bySeverity, byKind },
    findings: input.findings.map((f) => ({
      severity: f.severity,
      kind: f.kind,
      environmentId: f.environmentId,
      environmentName: f.environmentName,
      item: f.item,
      itemName: f.itemName,
      message: redactText(f.message),
      fix: redactText(f.fix),
    })),
  };
  return `${ciSafeJson(document)}\n`;
}

// ── csv

export const AUDIT_CSV_HEADER = ['severity', 'kind', 'environment_id', 'environment', 'item', 'item_name', 'message', 'fix'] as const;

export function auditToCsv(findings: readonly Finding[]): string {
  return toCsv(
    AUDIT_CSV_HEADER,
    findings.map((f) => [f.severity, f.kind, f.environmentId, f.environmentName, f.item, f.itemName, redactText(f.message), redactText(f.fix)]),
  );
}

// ── junit

interface TestCase {
  key: string;
  name: string;
  findings: Finding[];
}

/** The items of one environment, in matrix order when there is a matrix, then any only findings name. */
function testCases(environmentId: string, findings: readonly Finding[], matrix: AuditExportInput['matrix']): TestCase[] {
  const cases = new Map<string, TestCase>();
  const add = (item: string, name: string): TestCase => {
    const key = item.toLowerCase();
    let c = cases.get(key);
    if (!c) {
      c = { key, name: name || item || 'Scan', findings: [] };
      cases.set(key, c);
    }
    return c;
  };
  if (matrix) {
    const present = (cell: { state: string } | undefined): boolean => cell !== undefined && cell.state !== 'absent';
    for (const r of matrix.references) if (present(r.cells[environmentId])) add(r.logicalName, `${r.displayName} (${r.connectorName})`);
    for (const r of matrix.flows) if (present(r.cells[environmentId])) add(r.flowId, r.displayName);
    for (const r of matrix.envVars) if (present(r.cells[environmentId])) add(r.schemaName, r.displayName);
  }
  for (const f of findings) add(f.item, f.itemName).findings.push(f);
  return [...cases.values()];
}

const findingText = (f: Finding): string => `${redactText(f.message)}\nFix: ${redactText(f.fix)}`;

export function auditToJunit(input: AuditExportInput): string {
  const environments = auditEnvironments(input);
  const grouped = byEnvironment(input.findings);
  const timestamp = isoOf(input.generatedAt);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  environments.forEach((env, index) => {
    const cases = testCases(env.id, grouped.get(env.id.toLowerCase()) ?? [], input.matrix);
    const failed = cases.filter((c) => c.findings.some((f) => f.severity === 'error')).length;
    tests += cases.length;
    failures += failed;
    const lines: string[] = [
      `  <testsuite name="${escapeXmlAttribute(env.displayName)}" id="${index}" package="${escapeXmlAttribute(input.solution)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" time="0" timestamp="${escapeXmlAttribute(timestamp)}">`,
      `    <properties>`,
      `      <property name="environmentId" value="${escapeXmlAttribute(env.id)}"/>`,
      `    </properties>`,
    ];
    const classname = escapeXmlAttribute(`${input.solution}.${env.displayName}`);
    for (const c of cases) {
      const errors = c.findings.filter((f) => f.severity === 'error');
      const others = c.findings.filter((f) => f.severity !== 'error');
      const open = `    <testcase name="${escapeXmlAttribute(c.name)}" classname="${classname}" time="0"`;
      if (errors.length === 0 && others.length === 0) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      const first = errors[0];
      if (first) {
        // One failure per testcase (what every ingester reads); every error is in its body.
        lines.push(
          `      <failure message="${escapeXmlAttribute(redactText(first.message))}" type="${escapeXmlAttribute(first.kind)}">${escapeXmlText(errors.map(findingText).join('\n\n'))}</failure>`,
        );
      }
      // Warnings and info do not fail the item: they are its output.
      if (others.length) lines.push(`      <system-out>${escapeXmlText(others.map((f) => `${f.severity}: ${findingText(f)}`).join('\n\n'))}</system-out>`);
      lines.push(`    </testcase>`);
    }
    lines.push(`  </testsuite>`);
    suites.push(lines.join('\n'));
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${escapeXmlAttribute(`Patchbay audit: ${input.solution}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="0" timestamp="${escapeXmlAttribute(timestamp)}">`,
    ...suites,
    `</testsuites>`,
    '',
  ].join('\n');
}

// ── table

const SEVERITY_COLOR: Record<Severity, Color> = { error: 'red', warning: 'yellow', info: 'dim' };

export function auditToTable(findings: readonly Finding[], options: AuditFormatOptions = {}): string {
  const environments = new Set(findings.map((f) => f.environmentId.toLowerCase())).size;
  if (findings.length === 0) return 'No findings.\n';
  const table = renderColumns(
    findings,
    [
      { header: 'Severity', value: (f) => f.severity, color: (f) => SEVERITY_COLOR[f.severity], maxWidth: 8 },
      { header: 'Environment', value: (f) => f.environmentName, maxWidth: 24 },
      { header: 'Item', value: (f) => f.itemName || '(scan)', maxWidth: 40 },
      { header: 'Finding', value: (f) => FINDING_KIND_LABEL[f.kind], maxWidth: 50 },
    ],
    { color: options.color === true, details: (f) => [redactText(f.message), `Fix: ${redactText(f.fix)}`] },
  );
  return `${table}\n${plural(findings.length, 'finding')} in ${plural(environments, 'environment')}: ${severityCounts(findings)}.\n`;
}

// ── the CLI's entry point

export interface FindingsContext {
  solution: string;
  generatedAt: string | Date;
  environments?: readonly AuditEnvironment[];
  matrix?: Matrix;
  /** For the HTML report. */
  account?: string | null;
  identity?: IdentityStrategy | Readonly<Record<string, IdentityStrategy>>;
  /** ANSI colour in `table`. */
  color?: boolean;
}

/** Findings in the chosen `--format`: json, csv, junit, table, or the printable HTML release report. */
export function formatFindings(format: AuditFormat | 'html', findings: readonly Finding[], context: FindingsContext): string {
  const input: AuditExportInput = {
    solution: context.solution,
    generatedAt: context.generatedAt,
    findings,
    ...(context.environments ? { environments: context.environments } : {}),
    ...(context.matrix ? { matrix: context.matrix } : {}),
  };
  if (format !== 'html') return formatAudit(format, input, context.color === undefined ? {} : { color: context.color });
  return renderReleaseReport({
    solution: context.solution,
    generatedAt: context.generatedAt,
    account: context.account ?? null,
    identity: context.identity ?? 'auto',
    findings: findings.map((f) => ({ ...f, message: redactText(f.message), fix: redactText(f.fix) })),
    ...(context.environments ? { environments: context.environments } : {}),
    ...(context.matrix ? { matrix: context.matrix } : {}),
  });
}
