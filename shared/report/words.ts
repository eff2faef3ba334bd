import type { Finding, FindingKind, Severity } from '../engine/audit';
import type { CellState } from '../engine/matrix';
import type { IdentityStrategy } from '../engine/preflight';

/** Words shared by the CLI's text output and the HTML report: counts, dates, strategies, states. */

/** `1 step`, `2 steps`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `2026-03-04 10:15 UTC`: the same on every machine, whatever its locale and time zone. */
export function formatUtc(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`;
}

/** An ISO timestamp from either form (an invalid one is kept as given). */
export function isoOf(value: string | Date): string {
  if (typeof value === 'string') return value;
  return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
}

const STRATEGY_WORDS: Record<IdentityStrategy, string> = {
  auto: 'automatic (the signed-in account, else the connection owner, else the service principal)',
  me: 'the signed-in account',
  spn: 'the pipeline service principal',
  'connection-owner': 'the connection owner (impersonated)',
};

/** Which identity strategy, in words; per environment when it differs (`Test: …; Prod: …`). */
export function strategyWords(strategy: IdentityStrategy | Readonly<Record<string, IdentityStrategy>>, environmentName: (id: string) => string = (id) => id): string {
  if (typeof strategy === 'string') return STRATEGY_WORDS[strategy];
  const entries = Object.entries(strategy);
  if (entries.length === 0) return STRATEGY_WORDS.auto;
  const distinct = new Set(entries.map(([, s]) => s));
  if (distinct.size === 1) return STRATEGY_WORDS[entries[0]?.[1] ?? 'auto'];
  return entries.map(([env, s]) => `${environmentName(env)}: ${STRATEGY_WORDS[s]}`).join('; ');
}

/** Matrix cell states in the order a summary lists them: references, flows, variables, then absent. */
export const CELL_STATE_ORDER: readonly CellState[] = [
  'wired',
  'unwired',
  'dangling',
  'broken',
  'owner-disabled',
  'not-usable',
  'on',
  'off',
  'blocked',
  'suspended',
  'set',
  'default',
  'missing',
  'differs',
  'absent',
];

export type StateGroup = 'reference' | 'flow' | 'envvar' | 'other';

export const CELL_STATE_INFO: Record<CellState, { label: string; group: StateGroup; tone: 'good' | 'warn' | 'bad' | 'neutral' }> = {
  wired: { label: 'Wired', group: 'reference', tone: 'good' },
  unwired: { label: 'Unwired', group: 'reference', tone: 'bad' },
  dangling: { label: 'Dangling', group: 'reference', tone: 'bad' },
  broken: { label: 'Broken', group: 'reference', tone: 'bad' },
  'owner-disabled': { label: 'Owner disabled', group: 'reference', tone: 'warn' },
  'not-usable': { label: 'Not usable', group: 'reference', tone: 'warn' },
  on: { label: 'On', group: 'flow', tone: 'good' },
  off: { label: 'Off', group: 'flow', tone: 'warn' },
  blocked: { label: 'Blocked', group: 'flow', tone: 'bad' },
  suspended: { label: 'Suspended', group: 'flow', tone: 'bad' },
  set: { label: 'Set', group: 'envvar', tone: 'good' },
  default: { label: 'Default', group: 'envvar', tone: 'good' },
  missing: { label: 'Missing', group: 'envvar', tone: 'bad' },
  differs: { label: 'Differs', group: 'envvar', tone: 'warn' },
  absent: { label: 'Absent', group: 'other', tone: 'neutral' },
};

/** Finding kinds in the order exports list them (every kind, so counts have a stable shape). */
export const FINDING_KINDS: readonly FindingKind[] = [
  'unwired',
  'dangling',
  'broken',
  'owner-disabled',
  'not-shared-with-spn',
  'flow-off',
  'flow-blocked',
  'flow-suspended',
  'env-var-missing',
  'env-var-differs',
  'scan-problem',
];

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export const FINDING_KIND_LABEL: Record<FindingKind, string> = {
  unwired: 'Connection reference unwired',
  dangling: 'Connection reference dangling',
  broken: 'Connection broken',
  'owner-disabled': 'Connection owner disabled',
  'not-shared-with-spn': 'Connection not shared with the service principal',
  'flow-off': 'Flow off',
  'flow-blocked': 'Flow blocked',
  'flow-suspended': 'Flow suspended',
  'env-var-missing': 'Environment variable missing',
  'env-var-differs': 'Environment variable differs',
  'scan-problem': 'Scan problem',
};

export const SEVERITY_LABEL: Record<Severity, { one: string; many: string }> = {
  error: { one: 'error', many: 'errors' },
  warning: { one: 'warning', many: 'warnings' },
  info: { one: 'info', many: 'info' },
};

/** "3 errors, 1 warning" (only severities present; "no findings" when none). */
export function severityCounts(findings: readonly Pick<Finding, 'severity'>[]): string {
  const parts = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => plural(n, SEVERITY_LABEL[s].one, SEVERITY_LABEL[s].many));
  return parts.length ? parts.join(', ') : 'no findings';
}
