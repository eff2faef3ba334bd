import type { Row, SandboxEnvironment } from '../model';
import type { SandboxStore } from '../store';
import { ownsFlow } from './access';
import { cloudFlows, isSolutionFlow } from './names';

/**
 * Which cloud flows a list route returns (reference §3.1; cli-m365 `flow list` docs):
 *
 * - admin (`scopes/admin/…/flows`, `…/v2/flows`): every cloud flow of the environment;
 * - maker (`environments/{env}/flows`): the caller's own flows ("ownedByMe"); `$filter=search('personal')`
 *   the caller's flows that are not shared, `search('team')` flows shared with the caller or by them.
 *   The sandbox models no flow sharing, so `personal` equals the default and `team` is empty. Solution
 *   flows are left out unless `include=includeSolutionCloudFlows`.
 *
 * An unrecognised `$filter` is ignored (sandbox choice). Order: by Flow-API name, so pages are stable.
 */

export type MakerFilter = 'owned' | 'personal' | 'team';

export function makerFilter(filter: string | null): MakerFilter {
  const m = /^\s*search\(\s*'([^']*)'\s*\)\s*$/i.exec(filter ?? '');
  const term = m?.[1]?.toLowerCase();
  return term === 'personal' ? 'personal' : term === 'team' ? 'team' : 'owned';
}

export function includesSolutionFlows(include: string | null): boolean {
  return (include ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes('includesolutioncloudflows');
}

export function adminFlows(store: SandboxStore, env: SandboxEnvironment): Row[] {
  return cloudFlows(store, env);
}

export function makerFlows(store: SandboxStore, env: SandboxEnvironment, systemUser: Row, filter: MakerFilter, withSolutionFlows: boolean): Row[] {
  if (filter === 'team') return [];
  return cloudFlows(store, env).filter((row) => ownsFlow(row, systemUser) && (withSolutionFlows || !isSolutionFlow(row)));
}

export function sortByName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
