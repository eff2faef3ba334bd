import type { GridModel } from './grid-model';
import type { EnvVarRow, FlowRow, ReferenceRow } from './types';

/**
 * The grid's selection model, pure: cells are selected by (row key, environment id), so a selection
 * survives a refresh or a filter change. Positions: line -1 is the header row, column -1 the row
 * headers; (-1, -1) is the "Select all" corner. Group header lines (sections, connectors) can be
 * focused and select the rows under them.
 */

export interface CellRef {
  /** A line key (row or group); null = the header row. */
  rowKey: string | null;
  /** An environment id; null = the row-header column. */
  envId: string | null;
}

export interface SelectionState {
  selected: ReadonlySet<string>;
  anchor: CellRef | null;
  focus: CellRef;
}

export interface Modifiers {
  ctrl?: boolean;
  shift?: boolean;
}

export const SEP = '\u0001';
export const cellKey = (rowKey: string, envId: string): string => `${rowKey}${SEP}${envId}`;
export const splitCellKey = (key: string): { rowKey: string; envId: string } => {
  const i = key.indexOf(SEP);
  return { rowKey: key.slice(0, i), envId: key.slice(i + 1) };
};

export const initialSelection: SelectionState = { selected: new Set(), anchor: null, focus: { rowKey: null, envId: null } };

interface Pos {
  line: number;
  col: number;
}

function colIndex(model: GridModel, envId: string | null): number {
  if (envId === null) return -1;
  const i = model.columns.findIndex((c) => c.environmentId === envId);
  return i < 0 ? -1 : i;
}

export function posOf(model: GridModel, ref: CellRef): Pos {
  const line = ref.rowKey === null ? -1 : (model.lineIndexByKey.get(ref.rowKey) ?? (model.lines.length ? 0 : -1));
  return { line, col: colIndex(model, ref.envId) };
}

export function refAt(model: GridModel, pos: Pos): CellRef {
  const line = pos.line < 0 ? null : model.lines[pos.line];
  const col = pos.col < 0 ? null : model.columns[pos.col];
  return { rowKey: line ? line.key : null, envId: col ? col.environmentId : null };
}

const isRowLine = (model: GridModel, line: number): boolean => model.lines[line]?.type === 'row';

/** Every data cell in the rectangle between two positions; -1 on either side means "all" on that axis. */
function rectangle(model: GridModel, a: Pos, b: Pos): string[] {
  const allLines = a.line < 0 || b.line < 0;
  const allCols = a.col < 0 || b.col < 0;
  const [l0, l1] = allLines ? [0, model.lines.length - 1] : [Math.min(a.line, b.line), Math.max(a.line, b.line)];
  const [c0, c1] = allCols ? [0, model.columns.length - 1] : [Math.min(a.col, b.col), Math.max(a.col, b.col)];
  const keys: string[] = [];
  for (let l = l0; l <= l1; l++) {
    const line = model.lines[l];
    if (line?.type !== 'row') continue;
    for (let c = c0; c <= c1; c++) {
      const column = model.columns[c];
      if (column) keys.push(cellKey(line.key, column.environmentId));
    }
  }
  return keys;
}

/**
 * Every shown cell's key, by row (model.rows order) and column, made once per model: select-all and
 * the checks over a large selection then look up the same strings (their hashes cached) instead of
 * concatenating 40,000 new ones each time.
 */
const keyTables = new WeakMap<GridModel, string[][]>();
export function cellKeysOf(model: GridModel): string[][] {
  let table = keyTables.get(model);
  if (!table) {
    table = model.rows.map((r) => model.columns.map((c) => cellKey(r.key, c.environmentId)));
    keyTables.set(model, table);
  }
  return table;
}

const rowCells = (model: GridModel, rowKey: string): string[] => model.columns.map((c) => cellKey(rowKey, c.environmentId));
const columnCells = (model: GridModel, envId: string): string[] => model.rows.map((r) => cellKey(r.key, envId));
const groupCells = (model: GridModel, groupKey: string): string[] => {
  const line = model.lines[model.lineIndexByKey.get(groupKey) ?? -1];
  return line?.type === 'group' ? line.rowKeys.flatMap((k) => rowCells(model, k)) : [];
};
export const allCells = (model: GridModel): string[] => cellKeysOf(model).flat();

/** Adds the keys, or removes them all when every one is already selected. */
function toggle(selected: ReadonlySet<string>, keys: readonly string[]): Set<string> {
  const next = new Set(selected);
  const all = keys.length > 0 && keys.every((k) => next.has(k));
  for (const k of keys) {
    if (all) next.delete(k);
    else next.add(k);
  }
  return next;
}

function extend(state: SelectionState, model: GridModel, target: Pos, ctrl: boolean): Set<string> {
  const anchor = state.anchor ? posOf(model, state.anchor) : target;
  const rect = rectangle(model, anchor, target);
  return ctrl ? new Set([...state.selected, ...rect]) : new Set(rect);
}

export function clickCell(state: SelectionState, model: GridModel, rowKey: string, envId: string, mods: Modifiers = {}): SelectionState {
  const focus = { rowKey, envId };
  if (mods.shift && state.anchor) return { selected: extend(state, model, posOf(model, focus), !!mods.ctrl), anchor: state.anchor, focus };
  if (mods.ctrl) return { selected: toggle(state.selected, [cellKey(rowKey, envId)]), anchor: focus, focus };
  return { selected: new Set([cellKey(rowKey, envId)]), anchor: focus, focus };
}

export function clickRowHeader(state: SelectionState, model: GridModel, rowKey: string, mods: Modifiers = {}): SelectionState {
  const focus = { rowKey, envId: null };
  const group = model.lines[model.lineIndexByKey.get(rowKey) ?? -1]?.type === 'group';
  const cells = group ? groupCells(model, rowKey) : rowCells(model, rowKey);
  if (mods.shift && state.anchor) {
    const anchor = posOf(model, state.anchor);
    const target = posOf(model, focus);
    const rect = rectangle(model, { line: anchor.line, col: -1 }, { line: target.line, col: -1 });
    return { selected: mods.ctrl ? new Set([...state.selected, ...rect]) : new Set(rect), anchor: state.anchor, focus };
  }
  if (mods.ctrl) return { selected: toggle(state.selected, cells), anchor: focus, focus };
  return { selected: new Set(cells), anchor: focus, focus };
}

export function clickColumnHeader(state: SelectionState, model: GridModel, envId: string, mods: Modifiers = {}): SelectionState {
  const focus = { rowKey: null, envId };
  if (mods.shift && state.anchor) {
    const anchor = posOf(model, state.anchor);
    const target = posOf(model, focus);
    const rect = rectangle(model, { line: -1, col: anchor.col }, { line: -1, col: target.col });
    return { selected: mods.ctrl ? new Set([...state.selected, ...rect]) : new Set(rect), anchor: state.anchor, focus };
  }
  const cells = columnCells(model, envId);
  if (mods.ctrl) return { selected: toggle(state.selected, cells), anchor: focus, focus };
  return { selected: new Set(cells), anchor: focus, focus };
}

/** The corner: select every shown cell, or clear when all are selected. */
export function toggleAll(state: SelectionState, model: GridModel): SelectionState {
  const all = allCells(model);
  const everything = all.length > 0 && all.every((k) => state.selected.has(k));
  return { selected: everything ? new Set() : new Set(all), anchor: null, focus: { rowKey: null, envId: null } };
}

export function selectAll(state: SelectionState, model: GridModel): SelectionState {
  return { ...state, selected: new Set(allCells(model)) };
}

export function clearSelection(state: SelectionState): SelectionState {
  return { ...state, selected: new Set(), anchor: null };
}

/** Drops selected cells that are no longer shown (after a filter or refresh). */
export function pruneSelection(state: SelectionState, model: GridModel): SelectionState {
  const shown = new Set(model.rows.map((r) => r.key));
  const envs = new Set(model.columns.map((c) => c.environmentId));
  const selected = new Set([...state.selected].filter((k) => {
    const { rowKey, envId } = splitCellKey(k);
    return shown.has(rowKey) && envs.has(envId);
  }));
  return selected.size === state.selected.size ? state : { ...state, selected };
}

export interface KeyInput extends Modifiers {
  key: string;
}

export interface KeyOutcome {
  state: SelectionState;
  handled: boolean;
  /** Enter: open the focused item's details. */
  activate?: boolean;
}

/** Keyboard: arrows, Home/End, PageUp/PageDown move focus (Shift extends); Space toggles; Ctrl+A all; Escape clears. */
export function handleKey(state: SelectionState, model: GridModel, input: KeyInput, pageSize = 10): KeyOutcome {
  const pos = posOf(model, state.focus);
  const lastLine = model.lines.length - 1;
  const lastCol = model.columns.length - 1;
  const onGroup = pos.line >= 0 && model.lines[pos.line]?.type === 'group';
  let target: Pos | null = null;
  switch (input.key) {
    case 'ArrowDown':
      target = { line: Math.min(lastLine, pos.line + 1), col: pos.col };
      break;
    case 'ArrowUp':
      target = { line: Math.max(-1, pos.line - 1), col: pos.col };
      break;
    case 'ArrowRight':
      target = onGroup ? pos : { line: pos.line, col: Math.min(lastCol, pos.col + 1) };
      break;
    case 'ArrowLeft':
      target = onGroup ? pos : { line: pos.line, col: Math.max(-1, pos.col - 1) };
      break;
    case 'Home':
      target = input.ctrl ? { line: -1, col: pos.col } : { line: pos.line, col: -1 };
      break;
    case 'End':
      target = input.ctrl ? { line: lastLine, col: pos.col } : { line: pos.line, col: lastCol };
      break;
    case 'PageDown':
      target = { line: Math.min(lastLine, pos.line + pageSize), col: pos.col };
      break;
    case 'PageUp':
      target = { line: Math.max(-1, pos.line - pageSize), col: pos.col };
      break;
    case 'a':
    case 'A':
      if (!input.ctrl) return { state, handled: false };
      return { state: selectAll(state, model), handled: true };
    case 'Escape':
      if (state.selected.size === 0) return { state, handled: false };
      return { state: clearSelection(state), handled: true };
    case 'Enter':
      return { state, handled: true, activate: true };
    case ' ':
    case 'Spacebar':
      return { state: space(state, model, pos, input), handled: true };
    default:
      return { state, handled: false };
  }
  // Extending with Shift steps over group header lines (they hold no cells).
  if (input.shift && target.line >= 0 && model.lines[target.line]?.type === 'group') {
    const dir = target.line >= pos.line ? 1 : -1;
    let l = target.line;
    while (l >= 0 && l <= lastLine && model.lines[l]?.type === 'group') l += dir;
    target = l >= 0 && l <= lastLine ? { line: l, col: target.col } : pos;
  }
  const focus = refAt(model, target);
  if (input.shift && target.line >= 0 && target.col >= 0) {
    const anchor = state.anchor ?? state.focus;
    const withAnchor = { ...state, anchor };
    return { state: { selected: extend(withAnchor, model, target, !!input.ctrl), anchor, focus }, handled: true };
  }
  // Keep the column in memory while crossing a group header, so Down-Down returns to the same column.
  if (target.line >= 0 && model.lines[target.line]?.type === 'group' && focus.envId === null) focus.envId = state.focus.envId;
  return { state: { ...state, focus }, handled: true };
}

function space(state: SelectionState, model: GridModel, pos: Pos, input: KeyInput): SelectionState {
  const focus = state.focus;
  if (pos.line < 0 && pos.col < 0) return toggleAll(state, model);
  if (pos.line < 0) return { ...clickColumnHeader(state, model, focus.envId as string, { ctrl: true }), focus };
  const line = model.lines[pos.line];
  if (!line) return state;
  if (line.type === 'group') return { ...clickRowHeader(state, model, line.key, { ctrl: true }), focus };
  if (pos.col < 0 || input.shift) return { ...clickRowHeader(state, model, line.key, { ctrl: true }), focus };
  if (!isRowLine(model, pos.line)) return state;
  return clickCell(state, model, line.key, focus.envId as string, { ctrl: true });
}

export interface SelectionSummary {
  count: number;
  environmentIds: string[];
  references: ReferenceRow[];
  flows: FlowRow[];
  envVars: EnvVarRow[];
}

/** What the selection covers: its environments (in column order) and its components per kind. */
export function summarize(selected: ReadonlySet<string>, model: GridModel): SelectionSummary {
  if (selected.size > model.columns.length) {
    const fast = summarizeShown(selected, model);
    if (fast) return fast;
  }
  const envOrder = new Map(model.columns.map((c, i) => [c.environmentId, i]));
  const envs = new Set<string>();
  const rows = new Set<string>();
  for (const key of selected) {
    const { rowKey, envId } = splitCellKey(key);
    envs.add(envId);
    rows.add(rowKey);
  }
  const references: ReferenceRow[] = [];
  const flows: FlowRow[] = [];
  const envVars: EnvVarRow[] = [];
  for (const line of model.rows) {
    if (!rows.has(line.key)) continue;
    const row = line.row;
    if (row.kind === 'reference') references.push(row);
    else if (row.kind === 'flow') flows.push(row);
    else envVars.push(row);
  }
  return { count: selected.size, environmentIds: [...envs].sort((a, b) => (envOrder.get(a) ?? 0) - (envOrder.get(b) ?? 0)), references, flows, envVars };
}

/**
 * summarize() for a large selection: walks the shown cells (keys made once per model) instead of
 * splitting every selected key. Null when some selected key is not a shown cell (a selection not yet
 * pruned after a refresh), where only splitting the keys says what it covers.
 */
function summarizeShown(selected: ReadonlySet<string>, model: GridModel): SelectionSummary | null {
  const table = cellKeysOf(model);
  const envHit = model.columns.map(() => false);
  const references: ReferenceRow[] = [];
  const flows: FlowRow[] = [];
  const envVars: EnvVarRow[] = [];
  let hits = 0;
  model.rows.forEach((line, r) => {
    const keys = table[r] ?? [];
    let any = false;
    for (let c = 0; c < keys.length; c++) {
      if (!selected.has(keys[c] as string)) continue;
      hits += 1;
      envHit[c] = true;
      any = true;
    }
    if (!any) return;
    const row = line.row;
    if (row.kind === 'reference') references.push(row);
    else if (row.kind === 'flow') flows.push(row);
    else envVars.push(row);
  });
  if (hits !== selected.size) return null;
  const environmentIds = model.columns.filter((_, c) => envHit[c]).map((c) => c.environmentId);
  return { count: selected.size, environmentIds, references, flows, envVars };
}
