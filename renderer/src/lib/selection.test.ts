import { describe, expect, it } from 'vitest';
import { makeScan } from '../testing/fixtures';
import { buildGridModel } from './grid-model';
import { cellKey, clickCell, clickColumnHeader, clickRowHeader, handleKey, initialSelection, pruneSelection, selectAll, summarize, toggleAll, type SelectionState } from './selection';

const scan = makeScan({ environments: 3, references: 3, flows: 3, variables: 1 });
const model = buildGridModel(scan.matrix);
const envs = model.columns.map((c) => c.environmentId);
const rows = model.rows.map((r) => r.key);
const [e0, e1, e2] = envs as [string, string, string];
const [r0, r1, r2] = rows as [string, string, string];
const keys = (s: SelectionState) => [...s.selected].sort();

describe('selection model', () => {
  it('click selects one cell; ctrl-click toggles; shift-click selects the rectangle from the anchor', () => {
    let s = clickCell(initialSelection, model, r0, e0);
    expect(keys(s)).toEqual([cellKey(r0, e0)]);
    s = clickCell(s, model, r1, e1, { ctrl: true });
    expect(keys(s)).toEqual([cellKey(r0, e0), cellKey(r1, e1)].sort());
    s = clickCell(s, model, r1, e1, { ctrl: true });
    expect(keys(s)).toEqual([cellKey(r0, e0)]);
    // Anchor is where the last plain or ctrl click was: r1/e1. Shift-click r2/e2 → 2×2 (group lines in between hold no cells).
    s = clickCell(clickCell(s, model, r1, e1), model, r2, e2, { shift: true });
    expect(keys(s)).toEqual([cellKey(r1, e1), cellKey(r1, e2), cellKey(r2, e1), cellKey(r2, e2)].sort());
    expect(s.anchor).toEqual({ rowKey: r1, envId: e1 });
    expect(s.focus).toEqual({ rowKey: r2, envId: e2 });
  });

  it('ctrl+shift adds a range to what is selected', () => {
    let s = clickCell(initialSelection, model, r0, e0);
    s = clickCell(s, model, r2, e2, { ctrl: true });
    s = clickCell(s, model, r2, e0, { ctrl: true, shift: true });
    expect(s.selected.has(cellKey(r0, e0))).toBe(true);
    expect([e0, e1, e2].every((e) => s.selected.has(cellKey(r2, e)))).toBe(true);
  });

  it('a row header selects the row across environments; a column header the whole environment', () => {
    let s = clickRowHeader(initialSelection, model, r1);
    expect(keys(s)).toEqual(envs.map((e) => cellKey(r1, e)).sort());
    s = clickColumnHeader(s, model, e2);
    expect(keys(s)).toEqual(rows.map((r) => cellKey(r, e2)).sort());
    s = clickColumnHeader(s, model, e0, { ctrl: true });
    expect(s.selected.size).toBe(rows.length * 2);
    s = clickColumnHeader(s, model, e0, { ctrl: true });
    expect(s.selected.size).toBe(rows.length);
    // Shift on column headers: every column between.
    s = clickColumnHeader(clickColumnHeader(initialSelection, model, e0), model, e2, { shift: true });
    expect(s.selected.size).toBe(rows.length * 3);
  });

  it('a group header selects its rows; shift-click on row headers selects the rows between', () => {
    const connectorGroup = model.lines.find((l) => l.type === 'group' && l.level === 1 && l.kind === 'reference');
    let s = clickRowHeader(initialSelection, model, connectorGroup?.key ?? '');
    expect(s.selected.size).toBe(3 * envs.length);
    s = clickRowHeader(clickRowHeader(initialSelection, model, r0), model, r2, { shift: true });
    expect(keys(s)).toEqual([r0, r1, r2].flatMap((r) => envs.map((e) => cellKey(r, e))).sort());
  });

  it('select all and the corner toggle', () => {
    const all = selectAll(initialSelection, model);
    expect(all.selected.size).toBe(rows.length * envs.length);
    const none = toggleAll(all, model);
    expect(none.selected.size).toBe(0);
    expect(toggleAll(none, model).selected.size).toBe(rows.length * envs.length);
  });

  it('keyboard: arrows move focus, Space toggles, Shift+arrows extend, Ctrl+A selects all, Escape clears', () => {
    const start = clickCell(initialSelection, model, r0, e0);
    let o = handleKey(start, model, { key: 'ArrowRight' });
    expect(o.state.focus).toEqual({ rowKey: r0, envId: e1 });
    expect(keys(o.state)).toEqual([cellKey(r0, e0)]);
    o = handleKey(o.state, model, { key: ' ' });
    expect(keys(o.state)).toEqual([cellKey(r0, e0), cellKey(r0, e1)].sort());
    // Down crosses the connector group header and keeps the column.
    o = handleKey(o.state, model, { key: 'ArrowDown' });
    expect(o.state.focus.rowKey?.startsWith('group:')).toBe(true);
    expect(o.state.focus.envId).toBe(e1);
    o = handleKey(o.state, model, { key: 'ArrowDown' });
    expect(o.state.focus).toEqual({ rowKey: r1, envId: e1 });
    o = handleKey(o.state, model, { key: 'ArrowRight', shift: true });
    expect(keys(o.state)).toEqual([cellKey(r0, e1), cellKey(r0, e2), cellKey(r1, e1), cellKey(r1, e2)].sort());
    // Shift+Down steps over the group header and extends to the next row.
    o = handleKey(o.state, model, { key: 'ArrowDown', shift: true });
    expect(o.state.focus).toEqual({ rowKey: r2, envId: e2 });
    expect(o.state.selected.has(cellKey(r2, e1))).toBe(true);
    o = handleKey(o.state, model, { key: 'a', ctrl: true });
    expect(o.state.selected.size).toBe(rows.length * envs.length);
    o = handleKey(o.state, model, { key: 'Escape' });
    expect(o.state.selected.size).toBe(0);
    expect(handleKey(o.state, model, { key: 'Enter' }).activate).toBe(true);
    expect(handleKey(o.state, model, { key: 'x' }).handled).toBe(false);
  });

  it('keyboard: Home/End, Ctrl+Home, Space on headers', () => {
    let o = handleKey(clickCell(initialSelection, model, r1, e1), model, { key: 'Home' });
    expect(o.state.focus).toEqual({ rowKey: r1, envId: null });
    o = handleKey(o.state, model, { key: ' ' });
    expect(keys(o.state)).toEqual(envs.map((e) => cellKey(r1, e)).sort()); // the clicked cell stays, the row's others join
    o = handleKey(o.state, model, { key: 'End' });
    expect(o.state.focus).toEqual({ rowKey: r1, envId: e2 });
    o = handleKey(o.state, model, { key: 'Home', ctrl: true });
    expect(o.state.focus).toEqual({ rowKey: null, envId: e2 });
    o = handleKey({ ...o.state, selected: new Set() }, model, { key: ' ' });
    expect(keys(o.state)).toEqual(rows.map((r) => cellKey(r, e2)).sort());
    o = handleKey(o.state, model, { key: 'Home' });
    expect(o.state.focus).toEqual({ rowKey: null, envId: null });
    o = handleKey(o.state, model, { key: ' ' });
    expect(o.state.selected.size).toBe(rows.length * envs.length);
  });

  it('prunes cells that a filter hides, and summarises by kind and environment', () => {
    const s = selectAll(initialSelection, model);
    const flowsOnly = buildGridModel(scan.matrix, { text: '', states: [], connectors: [], kinds: ['flow'] });
    const pruned = pruneSelection(s, flowsOnly);
    expect(pruned.selected.size).toBe(3 * envs.length);
    const summary = summarize(pruned.selected, flowsOnly);
    expect(summary.flows.map((f) => f.flowId).sort()).toEqual(scan.matrix.flows.map((f) => f.flowId).sort());
    expect(summary.references).toEqual([]);
    expect(summary.environmentIds).toEqual(envs);
  });

  it('summarises a large selection the same whichever way it counts, stale keys included', () => {
    const big = makeScan({ environments: 6, references: 20, flows: 40, variables: 5, seed: 3 });
    const full = buildGridModel(big.matrix);
    const all = [...selectAll(initialSelection, full).selected];
    // The reference: one key at a time (what summarize does for small selections).
    const bySplitting = (selected: ReadonlySet<string>) => {
      const rowKeys = new Set([...selected].map((k) => k.split(cellKey('', ''))[0]));
      const envIds = new Set([...selected].map((k) => k.split(cellKey('', ''))[1]));
      const kinds = (kind: string) => full.rows.filter((r) => r.kind === kind && rowKeys.has(r.key)).map((r) => r.row);
      return { count: selected.size, environmentIds: full.columns.map((c) => c.environmentId).filter((id) => envIds.has(id)), references: kinds('reference'), flows: kinds('flow'), envVars: kinds('envvar') };
    };
    for (const pick of [() => true, (i: number) => i % 3 === 0, (i: number) => i % 7 < 2]) {
      const selected = new Set(all.filter((_, i) => pick(i)));
      expect(summarize(selected, full)).toEqual(bySplitting(selected));
    }
    // A key the model no longer shows (not yet pruned) still counts its environment.
    const stale = new Set([...all, cellKey('flow:gone', 'env-gone')]);
    expect(summarize(stale, full).environmentIds).toContain('env-gone');
    expect(summarize(stale, full).environmentIds).toHaveLength(full.columns.length + 1);
    expect(summarize(stale, full).count).toBe(all.length + 1);
  });
});
