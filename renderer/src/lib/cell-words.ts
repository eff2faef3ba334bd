import type { CellState } from '../../../shared/engine/matrix';
import { CELL_STATE_INFO } from '../../../shared/report/words';

/** How a cell state reads: the report's label and tone, shared with the CLI and the HTML report. */

export type Tone = 'good' | 'warn' | 'bad' | 'neutral';

export const REFERENCE_STATES: readonly CellState[] = ['wired', 'unwired', 'dangling', 'broken', 'owner-disabled', 'not-usable', 'absent'];
export const FLOW_STATES: readonly CellState[] = ['on', 'off', 'blocked', 'suspended', 'absent'];
export const ENVVAR_STATES: readonly CellState[] = ['set', 'default', 'missing', 'differs', 'absent'];

export function stateLabel(state: CellState): string {
  return CELL_STATE_INFO[state].label;
}

export function stateTone(state: CellState): Tone {
  return CELL_STATE_INFO[state].tone;
}

/** One sentence per state, for tooltips and the legend. */
export const STATE_MEANING: Record<CellState, string> = {
  wired: 'Points at a healthy connection that exists here.',
  unwired: 'Has no connection: flows that use it cannot be turned on.',
  dangling: 'Points at a connection that does not exist in this environment.',
  broken: 'Its connection is in error (expired credentials, consent revoked…).',
  'owner-disabled': 'Its connection belongs to someone whose account is disabled.',
  'not-usable': 'The acting identity may not use its connection (not owned, not shared).',
  absent: 'Not in this environment (the solution or this component is not installed).',
  on: 'Turned on.',
  off: 'Off, and can be turned on as the chosen identity.',
  blocked: 'Off, and cannot be turned on as the chosen identity until its blockers are fixed.',
  suspended: 'Suspended by the platform (a data policy or licence issue).',
  set: 'Has a value in this environment.',
  default: 'Uses the default value.',
  missing: 'Has neither a value nor a default.',
  differs: 'The live value differs from the loaded settings file.',
};

/** The accessible name of a matrix cell: "<row> in <environment>: <state>". */
export function cellAccessibleName(rowName: string, environmentName: string, state: CellState): string {
  return `${rowName} in ${environmentName}: ${stateLabel(state)}`;
}

/** Environment SKU as a short badge: Production, Sandbox, Developer, Default, Trial. */
export function skuLabel(sku: string): string {
  if (!sku) return 'Unknown';
  return sku.charAt(0).toUpperCase() + sku.slice(1);
}
