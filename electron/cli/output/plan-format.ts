import { describeBlocker } from '../../../shared/engine/audit';
import { RAW_NAMES } from '../../../shared/engine/names';
import type { Plan, PlanStep } from '../../../shared/engine/plan';
import type { Fix, Outcome, ResolvedStrategy } from '../../../shared/engine/preflight';
import type { EnvironmentSnapshot } from '../../../shared/engine/snapshot';
import { formatUtc, plural } from '../../../shared/report/words';
import { redactText } from '../../log/redact';
import { paint, type Color } from './color';
import { changeWords, environmentNamer, identityWords, namesFromSnapshots, planNames, principalWords, targetWords, type NameLookup } from './names';
import { renderColumns } from './table';
import { cleanText } from './text';

/**
 * A plan for people: per environment, one line per step (verdict, action, target, before → after, who
 * it runs as), the blockers in words and the fixes under it; then the plan's warnings and a summary.
 */

const isSnapshots = (context: readonly EnvironmentSnapshot[] | PlanFormatOptions): context is readonly EnvironmentSnapshot[] => Array.isArray(context);

export interface PlanFormatOptions {
  /** Display names for object ids (e.g. `namesFromSnapshots(scan)`). */
  names?: NameLookup;
  color?: boolean;
}

export const VERDICT_SYMBOL: Record<Outcome, string> = { 'will-succeed': '✓', 'will-fail': '✗', 'may-fail': '?' };
const VERDICT_COLOR: Record<Outcome, Color> = { 'will-succeed': 'green', 'will-fail': 'red', 'may-fail': 'yellow' };

const STRATEGY_NAME: Record<ResolvedStrategy, string> = {
  me: 'the signed-in account',
  spn: 'the service principal',
  'connection-owner': 'the connection owner',
};

/** What a fix does, in words. */
export function fixWords(fix: Fix, names?: NameLookup): string {
  const who = (id: string): string => principalWords(id, null, names);
  switch (fix.kind) {
    case 'wire':
      return fix.connectionName === null
        ? `wire ${fix.logicalName} to a new connection (none here fits: create one in the maker portal)`
        : `wire ${fix.logicalName} to connection ${fix.connectionName}`;
    case 'share':
      return `share connection ${fix.connectionName} with ${who(fix.principalObjectId)} (${fix.role})`;
    case 'activate-first':
      return `turn on ${fix.flowName} first`;
    case 'use-identity':
      return `act as ${STRATEGY_NAME[fix.strategy]}`;
    case 'grant-delegate':
      return `give ${who(fix.objectId)} the Delegate privilege (act on behalf of another user)`;
    case 'add-application-user':
      return `add ${who(fix.objectId)} as an application user in this environment`;
    case 'repair-connection':
      return `repair connection ${fix.connectionName} (sign in to it again in the maker portal)`;
  }
}

/** Why preflight doubts a step, and what fixes it: "blocked: …", "may fail: …", "fix: …" (none when it will succeed). */
export function verdictLines(step: Pick<PlanStep, 'verdict'>, names?: NameLookup): string[] {
  const { verdict } = step;
  if (verdict.outcome === 'will-succeed') return [];
  const label = verdict.outcome === 'will-fail' ? 'blocked' : 'may fail';
  const describe = (id: string): string => principalWords(id, null, names);
  const lines = verdict.blockers.map((b) => `${label}: ${redactText(describeBlocker(b, { ...RAW_NAMES, principal: describe }))}`);
  if (!verdict.identity && lines.length === 0) lines.push(`${label}: ${STRATEGY_NAME[verdict.strategy]} is not available in this environment`);
  for (const fix of verdict.fixes) lines.push(`fix: ${fixWords(fix, names)}`);
  return lines;
}

/** "14 steps in 3 environments: 9 will succeed, 4 will fail, 1 may fail". */
export function planSummary(plan: Pick<Plan, 'environments' | 'steps'>): string {
  const environments = new Set([...plan.environments.map((e) => e.id.toLowerCase()), ...plan.steps.map((s) => s.environmentId.toLowerCase())]).size;
  if (plan.steps.length === 0) return `No steps in ${plural(environments, 'environment')}: nothing to do.`;
  const tally: Record<Outcome, number> = { 'will-succeed': 0, 'will-fail': 0, 'may-fail': 0 };
  for (const s of plan.steps) tally[s.verdict.outcome]++;
  const parts = [
    tally['will-succeed'] > 0 ? `${tally['will-succeed']} will succeed` : null,
    tally['will-fail'] > 0 ? `${tally['will-fail']} will fail` : null,
    tally['may-fail'] > 0 ? `${tally['may-fail']} may fail` : null,
  ].filter((p): p is string => p !== null);
  return `${plural(plan.steps.length, 'step')} in ${plural(environments, 'environment')}: ${parts.join(', ')}`;
}

/**
 * The plan as text. `context` is the scan the plan was built from (names come from it) or options.
 */
export function formatPlan(plan: Plan, context: readonly EnvironmentSnapshot[] | PlanFormatOptions = {}): string {
  const options: PlanFormatOptions = isSnapshots(context) ? { names: namesFromSnapshots(context) } : context;
  const color = options.color === true;
  const names = planNames(plan, options.names);
  const environmentName = environmentNamer(plan.environments);
  const out: string[] = [`Plan ${cleanText(plan.id)} for ${cleanText(plan.solution)}, made ${formatUtc(plan.createdAt)}`, ''];

  const groups = new Map<string, { name: string; steps: PlanStep[] }>();
  for (const e of plan.environments) groups.set(e.id.toLowerCase(), { name: e.displayName, steps: [] });
  for (const s of plan.steps) {
    const key = s.environmentId.toLowerCase();
    const group = groups.get(key) ?? { name: environmentName(s.environmentId), steps: [] };
    group.steps.push(s);
    groups.set(key, group);
  }

  for (const group of groups.values()) {
    out.push(paint(`${cleanText(group.name)} (${plural(group.steps.length, 'step')})`, 'bold', color));
    if (group.steps.length === 0) {
      out.push('  nothing to do', '');
      continue;
    }
    const table = renderColumns(
      group.steps,
      [
        { header: '', value: (s) => VERDICT_SYMBOL[s.verdict.outcome], color: (s) => VERDICT_COLOR[s.verdict.outcome], maxWidth: 1 },
        { header: 'Action', value: (s) => s.kind, maxWidth: 12 },
        { header: 'Target', value: (s) => targetWords(s), maxWidth: 48 },
        { header: 'Before → after', value: (s) => changeWords(s), maxWidth: 60 },
        { header: 'As', value: (s) => identityWords(s.identity, names), maxWidth: 100 },
      ],
      { color, indent: '  ', details: (s) => verdictLines(s, names) },
    );
    out.push(table);
  }

  if (plan.warnings.length > 0) {
    out.push(paint('Warnings', 'bold', color));
    for (const w of plan.warnings) out.push(`  ${paint('!', 'yellow', color)} ${cleanText(redactText(w))}`);
    out.push('');
  }
  out.push(planSummary(plan));
  return `${out.join('\n')}\n`;
}
