import type { Finding, Severity } from '../engine/audit';
import type { CellState, Matrix } from '../engine/matrix';
import type { IdentityStrategy } from '../engine/preflight';
import { escapeHtml } from './html';
import { CELL_STATE_INFO, CELL_STATE_ORDER, FINDING_KIND_LABEL, SEVERITIES, formatUtc, isoOf, plural, severityCounts, strategyWords, type StateGroup } from './words';

/**
 * The printable HTML release report: one self-contained page (inline CSS, no scripts, no external
 * resources), light and print-friendly, with real headings and table headers. Who ran what, when, as
 * which identity strategy; the matrix in counts; each step of a run with its result; the findings that
 * remain. Pure: the CLI writes it to a file, the renderer exports it. Every value is escaped; callers
 * pass text already redacted. Built as an array of parts joined once (linear in the number of rows).
 */

export type ReportStepStatus = 'done' | 'skipped' | 'failed' | 'conflict' | 'cancelled';

export interface ReportEnvironment {
  id: string;
  displayName: string;
}

/** One step of a run, in words (the CLI and the app build these from their run results). */
export interface ReportStep {
  environmentId: string;
  environmentName: string;
  /** share, unshare, wire, set-variable, activate, deactivate. */
  action: string;
  /** "Office 365 mail (cr_mail)", "Invoice approval", "connection c3 with Lee Gu". */
  target: string;
  /** Who it ran as: "Adele Vance", "Adele Vance as Lee Gu". */
  identity: string;
  before: string | null;
  after: string | null;
  status: ReportStepStatus;
  /** Why it ended so, for anything but a plain success ("already on", "depends on … which failed"). */
  note: string | null;
  /** The plain-language error of a failed step (may span lines). */
  error: string | null;
}

export interface ReportRun {
  runId: string;
  planId: string;
  cancelled: boolean;
  steps: readonly ReportStep[];
}

export interface ReleaseReportInput {
  solution: string;
  generatedAt: string | Date;
  /** The signed-in account (or service principal) that scanned and ran. */
  account: string | null;
  identity: IdentityStrategy | Readonly<Record<string, IdentityStrategy>>;
  /** In order; default: the matrix's columns, then environments the run and findings name. */
  environments?: readonly ReportEnvironment[];
  matrix?: Pick<Matrix, 'columns' | 'counts'>;
  run?: ReportRun;
  findings: readonly Finding[];
}

const STATUS_WORDS: Record<ReportStepStatus, { symbol: string; label: string }> = {
  done: { symbol: '✓', label: 'Done' },
  skipped: { symbol: '–', label: 'Skipped' },
  failed: { symbol: '✗', label: 'Failed' },
  conflict: { symbol: '!', label: 'Conflict' },
  cancelled: { symbol: '○', label: 'Cancelled' },
};

const SEVERITY_HEADING: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Information' };

const GROUP_LABEL: Record<StateGroup, string> = {
  reference: 'Connection references',
  flow: 'Flows',
  envvar: 'Environment variables',
  other: 'Other',
};

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1b1b1b; font: 13px/1.45 "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #d0d7de; }
h3 { font-size: 14px; margin: 20px 0 6px; }
h4 { font-size: 13px; margin: 14px 0 6px; color: #3b3b3b; }
p { margin: 6px 0; }
.subtitle { color: #4a4a4a; margin: 0 0 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border: 1px solid #d0d7de; overflow-wrap: anywhere; }
thead th { background: #f3f5f7; font-weight: 600; }
th[scope="row"] { font-weight: 600; background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #8a8a8a; }
td.bad, .status-failed { color: #b3261e; font-weight: 600; }
td.warn, .status-conflict { color: #8a5a00; font-weight: 600; }
.status-done { color: #1a7f37; }
.status-skipped, .status-cancelled { color: #57606a; }
.error { white-space: pre-line; }
.note { color: #57606a; }
.empty { color: #57606a; font-style: italic; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@page { margin: 12mm; }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 10.5px; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
}
`;

/** Environments in order: as given, else the matrix's columns; plus any the run or findings name. */
function reportEnvironments(input: ReleaseReportInput): ReportEnvironment[] {
  const list: ReportEnvironment[] = [...(input.environments ?? input.matrix?.columns.map((c) => ({ id: c.environmentId, displayName: c.displayName })) ?? [])];
  const seen = new Set(list.map((e) => e.id.toLowerCase()));
  const add = (id: string, displayName: string): void => {
    if (seen.has(id.toLowerCase())) return;
    seen.add(id.toLowerCase());
    list.push({ id, displayName });
  };
  for (const s of input.run?.steps ?? []) add(s.environmentId, s.environmentName);
  for (const f of input.findings) add(f.environmentId, f.environmentName);
  return list;
}

/** Items by environment id (lower case), keeping their order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item).toLowerCase();
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function matrixSection(out: string[], matrix: Pick<Matrix, 'columns' | 'counts'>): void {
  out.push('<section aria-labelledby="matrix-summary">', '<h2 id="matrix-summary">Matrix summary</h2>');
  const states = CELL_STATE_ORDER.filter((state) => matrix.columns.some((c) => (matrix.counts[c.environmentId]?.[state] ?? 0) > 0));
  if (matrix.columns.length === 0 || states.length === 0) {
    out.push('<p class="empty">The scan found nothing of this solution.</p>', '</section>');
    return;
  }
  // Consecutive states of one group share a group header.
  const groups: { group: StateGroup; states: CellState[] }[] = [];
  for (const state of states) {
    const group = CELL_STATE_INFO[state].group;
    const last = groups.at(-1);
    if (last?.group === group) last.states.push(state);
    else groups.push({ group, states: [state] });
  }
  out.push('<table>', '<caption class="visually-hidden">Cells in each state, per environment</caption>', '<thead>');
  out.push('<tr><td></td>');
  for (const g of groups) out.push(`<th scope="colgroup" colspan="${g.states.length}">${escapeHtml(GROUP_LABEL[g.group])}</th>`);
  out.push('</tr>', '<tr><th scope="col">Environment</th>');
  for (const state of states) out.push(`<th scope="col" class="num">${escapeHtml(CELL_STATE_INFO[state].label)}</th>`);
  out.push('</tr>', '</thead>', '<tbody>');
  for (const column of matrix.columns) {
    const counts = matrix.counts[column.environmentId] ?? {};
    out.push(`<tr><th scope="row">${escapeHtml(column.displayName)}</th>`);
    for (const state of states) {
      const n = counts[state] ?? 0;
      const tone = CELL_STATE_INFO[state].tone;
      const cls = n === 0 ? 'num zero' : tone === 'bad' || tone === 'warn' ? `num ${tone}` : 'num';
      out.push(`<td class="${cls}">${n}</td>`);
    }
    out.push('</tr>');
  }
  out.push('</tbody>', '</table>');
  const problems = matrix.columns.filter((c) => c.problems.length > 0);
  for (const c of problems) {
    out.push(`<p><strong>${escapeHtml(c.displayName)}</strong>: the scan could not read everything: ${c.problems.map(escapeHtml).join('; ')}</p>`);
  }
  out.push('</section>');
}

function runSummary(steps: readonly ReportStep[]): string {
  const tally: Record<ReportStepStatus, number> = { done: 0, skipped: 0, failed: 0, conflict: 0, cancelled: 0 };
  for (const s of steps) tally[s.status]++;
  const parts = (Object.keys(tally) as ReportStepStatus[])
    .filter((k) => tally[k] > 0)
    .map((k) => (k === 'conflict' ? plural(tally[k], 'conflict') : `${tally[k]} ${k}`));
  return `${plural(steps.length, 'step')}${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}

function runSection(out: string[], run: ReportRun, environments: readonly ReportEnvironment[]): void {
  out.push('<section aria-labelledby="run">', '<h2 id="run">Run</h2>');
  out.push(`<p>Run <code>${escapeHtml(run.runId)}</code> of plan <code>${escapeHtml(run.planId)}</code>: ${escapeHtml(runSummary(run.steps))}</p>`);
  if (run.cancelled) out.push('<p class="status-conflict">The run was cancelled before every step ran.</p>');
  const byEnv = groupBy(run.steps, (s) => s.environmentId);
  environments.forEach((env, i) => {
    const steps = byEnv.get(env.id.toLowerCase());
    if (!steps?.length) return;
    out.push(`<h3 id="run-env-${i}">${escapeHtml(env.displayName)}</h3>`);
    out.push(`<table aria-labelledby="run-env-${i}">`, '<thead><tr>');
    for (const h of ['Action', 'Target', 'As', 'Before → after', 'Result', 'Error or note']) out.push(`<th scope="col">${escapeHtml(h)}</th>`);
    out.push('</tr></thead>', '<tbody>');
    for (const s of steps) {
      const status = STATUS_WORDS[s.status];
      const detail = s.error !== null && s.error !== '' ? `<span class="error">${escapeHtml(s.error)}</span>` : s.note ? `<span class="note">${escapeHtml(s.note)}</span>` : '';
      out.push(
        `<tr><td>${escapeHtml(s.action)}</td><td>${escapeHtml(s.target)}</td><td>${escapeHtml(s.identity)}</td>` +
          `<td>${escapeHtml(s.before ?? 'none')} → ${escapeHtml(s.after ?? 'none')}</td>` +
          `<td class="status-${s.status}"><span aria-hidden="true">${status.symbol}</span> ${status.label}</td><td>${detail}</td></tr>`,
      );
    }
    out.push('</tbody>', '</table>');
  });
  out.push('</section>');
}

function findingsSection(out: string[], findings: readonly Finding[], environments: readonly ReportEnvironment[]): void {
  out.push('<section aria-labelledby="findings">', '<h2 id="findings">Remaining findings</h2>');
  if (findings.length === 0) {
    out.push('<p class="empty">No findings remain.</p>', '</section>');
    return;
  }
  out.push(`<p>${escapeHtml(`${plural(findings.length, 'finding')}: ${severityCounts(findings)}.`)}</p>`);
  const byEnv = groupBy(findings, (f) => f.environmentId);
  environments.forEach((env, i) => {
    const list = byEnv.get(env.id.toLowerCase());
    if (!list?.length) return;
    out.push(`<h3 id="findings-env-${i}">${escapeHtml(env.displayName)} <span class="note">(${escapeHtml(severityCounts(list))})</span></h3>`);
    const bySeverity = groupBy(list, (f) => f.severity);
    for (const severity of SEVERITIES) {
      const group = bySeverity.get(severity);
      if (!group?.length) continue;
      const id = `findings-env-${i}-${severity}`;
      out.push(`<h4 id="${id}">${SEVERITY_HEADING[severity]} (${group.length})</h4>`, `<table aria-labelledby="${id}">`, '<thead><tr>');
      for (const h of ['Item', 'Finding', 'Problem', 'Fix']) out.push(`<th scope="col">${h}</th>`);
      out.push('</tr></thead>', '<tbody>');
      for (const f of group) {
        out.push(
          `<tr><td>${escapeHtml(f.itemName || 'Scan')}</td><td>${escapeHtml(FINDING_KIND_LABEL[f.kind])}</td><td>${escapeHtml(f.message)}</td><td>${escapeHtml(f.fix)}</td></tr>`,
        );
      }
      out.push('</tbody>', '</table>');
    }
  });
  out.push('</section>');
}

/** The whole report as one HTML document. */
export function renderReleaseReport(input: ReleaseReportInput): string {
  const environments = reportEnvironments(input);
  const nameOf = new Map(environments.map((e) => [e.id.toLowerCase(), e.displayName]));
  const envNames = environments.map((e) => e.displayName);
  const title = `Release report: ${input.solution}`;
  const generated = isoOf(input.generatedAt);
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    '<meta name="generator" content="Patchbay">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="subtitle">${envNames.length ? escapeHtml(envNames.join(' · ')) : 'No environments'}</p>`,
    '<dl class="facts">',
    `<dt>Solution</dt><dd>${escapeHtml(input.solution)}</dd>`,
    `<dt>Environments</dt><dd>${envNames.length ? escapeHtml(envNames.join(', ')) : 'none'}</dd>`,
    `<dt>Account</dt><dd>${escapeHtml(input.account ?? 'not signed in')}</dd>`,
    `<dt>Generated</dt><dd><time datetime="${escapeHtml(generated)}">${escapeHtml(formatUtc(input.generatedAt))}</time></dd>`,
    `<dt>Identity strategy</dt><dd>${escapeHtml(strategyWords(input.identity, (id) => nameOf.get(id.toLowerCase()) ?? id))}</dd>`,
  ];
  if (input.run) out.push(`<dt>Run</dt><dd>${escapeHtml(`${input.run.runId}: ${runSummary(input.run.steps)}`)}</dd>`);
  out.push('</dl>', '</header>');
  if (input.matrix) matrixSection(out, input.matrix);
  if (input.run) runSection(out, input.run, environments);
  findingsSection(out, input.findings, environments);
  out.push('</main>', '</body>', '</html>', '');
  return out.join('\n');
}
