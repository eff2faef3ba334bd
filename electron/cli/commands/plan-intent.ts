import type { Environment } from '../../../shared/domain/types';
import type { Intent, WireIntent } from '../../../shared/engine/plan';
import type { CliOptions } from '../args';

/**
 * Command-line choices → the engine's intent. `--connection k=v` pins a connection for a connector
 * (`shared_office365=…`) or a reference (`cont_sharedsql_9a1b6=…`) in every chosen environment;
 * otherwise wiring takes the engine's suggestion (healthy, usable, an owner who can act, same owner as the rest).
 */
export function wireIntent(o: CliOptions, environments: readonly Environment[]): WireIntent {
  const pinned = Object.keys(o.connections).length ? Object.fromEntries(environments.map((e) => [e.id, { ...o.connections }])) : undefined;
  return { select: 'needing', ...(pinned ? { pinned } : {}) };
}

export function baseIntent(o: CliOptions, solution: string, environments: readonly Environment[]): Intent {
  return { solution, environmentIds: environments.map((e) => e.id), identity: o.as, share: o.share };
}
