import type { CellState } from '../../../shared/engine/matrix';
import type { EnvVarCell, FlowRow, Matrix, MatrixColumn, MatrixRow } from './types';

/**
 * The matrix as the grid shows it: a flat list of lines (section headers, connector group headers,
 * component rows) after filters, with the settings-file overlay applied to environment variables and
 * counts per environment recomputed from what is shown. Pure, so tests and the grid share it.
 */

export type RowKind = MatrixRow['kind'];

export interface GroupLine {
  type: 'group';
  key: string;
  level: 1 | 2;
  kind: RowKind;
  label: string;
  /** "2 references", "5 variables". */
  detail: string;
  /** Row keys under this header (after filters). */
  rowKeys: string[];
}

export interface RowLine {
  type: 'row';
  key: string;
  kind: RowKind;
  row: MatrixRow;
  depth: number;
  label: string;
  sublabel: string;
  /** Flows only: display names of the flows that call it. */
  parents: string[];
}

export type Line = GroupLine | RowLine;

export interface GridFilters {
  text: string;
  states: readonly CellState[];
  connectors: readonly string[];
  kinds: readonly RowKind[];
}

export const emptyFilters: GridFilters = { text: '', states: [], connectors: [], kinds: [] };

export const filtersActive = (f: GridFilters): boolean => f.text.trim() !== '' || f.states.length > 0 || f.connectors.length > 0 || f.kinds.length > 0;

/** Environment id → variable schema name (lower case) → the loaded settings file's value. */
export type SettingsOverlay = Record<string, Record<string, string>>;

export const rowKeyOf = (row: MatrixRow): string => `${row.kind}:${row.key}`;

function overlayEnvVarCell(cell: EnvVarCell, fileValue: string | undefined): EnvVarCell {
  if (fileValue === undefined || cell.state === 'absent') return cell;
  const live = cell.value ?? cell.defaultValue;
  if (fileValue === live) return cell.state === 'differs' ? { ...cell, state: cell.value !== null ? 'set' : cell.defaultValue !== null ? 'default' : 'missing', reasons: cell.reasons.filter((r) => r.code !== 'value-differs') } : cell;
  return { ...cell, state: 'differs', reasons: [...cell.reasons.filter((r) => r.code !== 'value-differs'), { code: 'value-differs', fileValue, liveValue: live }] };
}

/** Applies a loaded settings file to the variables' cells ("differs" where the file and live disagree). */
export function applySettingsOverlay(matrix: Matrix, overlay: SettingsOverlay | null): Matrix {
  if (!overlay || Object.keys(overlay).length === 0) return matrix;
  const envVars = matrix.envVars.map((row) => {
    let changed = false;
    const cells: Record<string, EnvVarCell> = {};
    for (const [envId, cell] of Object.entries(row.cells)) {
      const next = overlayEnvVarCell(cell, overlay[envId]?.[row.schemaName.toLowerCase()]);
      if (next !== cell) changed = true;
      cells[envId] = next;
    }
    return changed ? { ...row, cells } : row;
  });
  return { ...matrix, envVars };
}

/** Per environment: how many cells of the shown rows are in each state. */
export function countStates(columns: readonly MatrixColumn[], rows: readonly MatrixRow[]): Record<string, Partial<Record<CellState, number>>> {
  const counts: Record<string, Partial<Record<CellState, number>>> = {};
  for (const column of columns) counts[column.environmentId] = {};
  for (const row of rows) {
    for (const column of columns) {
      const cell = row.cells[column.environmentId];
      if (!cell) continue;
      const tally = counts[column.environmentId] as Partial<Record<CellState, number>>;
      tally[cell.state] = (tally[cell.state] ?? 0) + 1;
    }
  }
  return counts;
}

/** Flows as a tree: each child right under its first parent (depth + 1); cycles fall back to the top level. */
export function orderFlows(flows: readonly FlowRow[]): { row: FlowRow; depth: number; under: string | null }[] {
  const byKey = new Map(flows.map((f) => [f.key, f]));
  const out: { row: FlowRow; depth: number; under: string | null }[] = [];
  const placed = new Set<string>();
  const visit = (flow: FlowRow, depth: number, under: string | null): void => {
    if (placed.has(flow.key)) return;
    placed.add(flow.key);
    out.push({ row: flow, depth, under });
    const children = flow.childIds.map((id) => byKey.get(id)).filter((c): c is FlowRow => !!c);
    children.sort((a, b) => a.displayName.localeCompare(b.displayName));
    for (const child of children) visit(child, depth + 1, flow.key);
  };
  for (const flow of flows) if (!flow.parentIds.some((p) => byKey.has(p))) visit(flow, 0, null);
  for (const flow of flows) visit(flow, 0, null);
  return out;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function matchesText(row: MatrixRow, text: string): boolean {
  if (!text) return true;
  const hay = [row.displayName, row.key];
  if (row.kind === 'reference') hay.push(row.logicalName, row.connectorName, row.connector);
  if (row.kind === 'envvar') hay.push(row.schemaName);
  return hay.some((h) => h.toLowerCase().includes(text));
}

function matchesStates(row: MatrixRow, columns: readonly MatrixColumn[], states: ReadonlySet<CellState>): boolean {
  if (states.size === 0) return true;
  return columns.some((c) => {
    const cell = row.cells[c.environmentId];
    return cell !== undefined && states.has(cell.state);
  });
}

export interface GridModel {
  columns: MatrixColumn[];
  lines: Line[];
  /** Component rows only, in display order. */
  rows: RowLine[];
  lineIndexByKey: Map<string, number>;
  counts: Record<string, Partial<Record<CellState, number>>>;
  totalRows: number;
}

export function buildGridModel(matrix: Matrix, filters: GridFilters = emptyFilters): GridModel {
  const text = filters.text.trim().toLowerCase();
  const states = new Set(filters.states);
  const connectors = new Set(filters.connectors);
  const kinds = new Set<RowKind>(filters.kinds);
  const filtering = filtersActive(filters);
  const keep = (row: MatrixRow): boolean =>
    (kinds.size === 0 || kinds.has(row.kind)) &&
    (connectors.size === 0 || (row.kind === 'reference' && connectors.has(row.connector))) &&
    matchesText(row, text) &&
    matchesStates(row, matrix.columns, states);

  const lines: Line[] = [];
  const flowNames = new Map(matrix.flows.map((f) => [f.key, f.displayName]));

  // ── connection references, by connector
  const refs = matrix.references.filter(keep);
  if (refs.length) {
    const section: GroupLine = { type: 'group', key: 'group:reference', level: 1, kind: 'reference', label: 'Connection references', detail: plural(refs.length, 'reference'), rowKeys: refs.map(rowKeyOf) };
    lines.push(section);
    const byConnector = new Map<string, typeof refs>();
    for (const r of refs) {
      const group = byConnector.get(r.connector);
      if (group) group.push(r);
      else byConnector.set(r.connector, [r]);
    }
    for (const [connector, group] of byConnector) {
      const first = group[0];
      lines.push({ type: 'group', key: `group:connector:${connector}`, level: 2, kind: 'reference', label: first?.connectorName ?? connector, detail: plural(group.length, 'reference'), rowKeys: group.map(rowKeyOf) });
      for (const row of group) lines.push({ type: 'row', key: rowKeyOf(row), kind: 'reference', row, depth: 0, label: row.displayName, sublabel: row.logicalName, parents: [] });
    }
  }

  // ── environment variables
  const vars = matrix.envVars.filter(keep);
  if (vars.length) {
    lines.push({ type: 'group', key: 'group:envvar', level: 1, kind: 'envvar', label: 'Environment variables', detail: plural(vars.length, 'variable'), rowKeys: vars.map(rowKeyOf) });
    for (const row of vars) lines.push({ type: 'row', key: rowKeyOf(row), kind: 'envvar', row, depth: 0, label: row.displayName, sublabel: `${row.schemaName} · ${row.type}`, parents: [] });
  }

  // ── flows, children under their parents
  const ordered = orderFlows(matrix.flows).filter(({ row }) => keep(row));
  if (ordered.length) {
    lines.push({ type: 'group', key: 'group:flow', level: 1, kind: 'flow', label: 'Flows', detail: plural(ordered.length, 'flow'), rowKeys: ordered.map(({ row }) => rowKeyOf(row)) });
    for (const { row, depth, under } of ordered) {
      // The parent it is shown under first, then the others that call it.
      const parentKeys = under ? [under, ...row.parentIds.filter((p) => p !== under)] : row.parentIds;
      const parents = parentKeys.map((p) => flowNames.get(p)).filter((n): n is string => !!n);
      const children = row.childIds.filter((c) => flowNames.has(c)).length;
      const sublabel = parents.length ? `Child flow · called by ${parents.join(', ')}` : children ? `Calls ${plural(children, 'child flow')}` : 'Cloud flow';
      lines.push({ type: 'row', key: rowKeyOf(row), kind: 'flow', row, depth: filtering ? 0 : depth, label: row.displayName, sublabel, parents });
    }
  }

  const rows = lines.filter((l): l is RowLine => l.type === 'row');
  const lineIndexByKey = new Map(lines.map((l, i) => [l.key, i]));
  return {
    columns: matrix.columns,
    lines,
    rows,
    lineIndexByKey,
    counts: countStates(matrix.columns, rows.map((r) => r.row)),
    totalRows: matrix.references.length + matrix.envVars.length + matrix.flows.length,
  };
}

/** The connectors of the matrix's references, for the connector filter. */
export function connectorsOf(matrix: Matrix): { connector: string; name: string; count: number }[] {
  const map = new Map<string, { connector: string; name: string; count: number }>();
  for (const r of matrix.references) {
    const entry = map.get(r.connector) ?? { connector: r.connector, name: r.connectorName, count: 0 };
    entry.count += 1;
    map.set(r.connector, entry);
  }
  return [...map.values()].sort((a, b) => a.name.localeCompare(b.name));
}
