import { makeStyles, mergeClasses, shorthands, tokens } from '@fluentui/react-components';
import {
  ArrowTurnRight16Regular,
  Braces16Regular,
  CheckboxChecked16Regular,
  CheckboxIndeterminate16Regular,
  CheckboxUnchecked16Regular,
  Flow16Regular,
  PlugConnected16Regular,
  Warning16Filled,
} from '@fluentui/react-icons';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { CellState } from '../../../shared/engine/matrix';
import { CELL_STATE_ORDER } from '../../../shared/report/words';
import { cellAccessibleName, skuLabel, stateLabel, stateTone } from '../lib/cell-words';
import type { GridModel, GroupLine, Line, RowLine } from '../lib/grid-model';
import { cellKey, cellKeysOf, clickCell, clickColumnHeader, clickRowHeader, handleKey, posOf, toggleAll, type CellRef, type SelectionState } from '../lib/selection';
import type { MatrixCell, MatrixColumn } from '../lib/types';
import { STATE_ICONS, useToneStyles } from './state-chip';

/**
 * The matrix: an ARIA grid (environments × components), virtualized by rows so thousands of rows
 * scroll smoothly, with sticky column and row headers, a roving tab stop and the selection model of
 * lib/selection.ts. Presentational: it takes the model and the selection, and reports changes.
 */

export const ROW_HEIGHT = 48;
export const GROUP_HEIGHT = 34;
export const SECTION_HEIGHT = 40;
export const HEADER_HEIGHT = 76;
export const ROW_HEADER_WIDTH = 320;
/** Row headers give up width down to this before the environments need a horizontal scroll bar. */
export const MIN_ROW_HEADER_WIDTH = 240;
export const COLUMN_WIDTH = 156;

export interface MatrixGridProps {
  model: GridModel;
  selection: SelectionState;
  onSelectionChange: (next: SelectionState) => void;
  /** Enter or double-click: open the item's details. */
  onActivate?: (ref: CellRef) => void;
  label?: string;
  /** Initial viewport before the first measurement (tests, server rendering). */
  initialRect?: { width: number; height: number };
  className?: string;
}

const useStyles = makeStyles({
  frame: { position: 'relative', height: '100%', width: '100%', isolation: 'isolate' },
  grid: {
    position: 'relative',
    overflow: 'auto',
    height: '100%',
    width: '100%',
    outlineStyle: 'none',
    backgroundColor: tokens.colorNeutralBackground1,
    scrollPaddingTop: `${HEADER_HEIGHT}px`,
    // Size containment only: a scroller that is a stacking context (which paint or layout containment
    // would make it) has Chromium re-record every mounted row whenever the virtualizer adds one, about
    // two thirds of a scroll frame's paint. The frame around it keeps the sticky headers' z-indexes in.
    contain: 'size',
    userSelect: 'none',
  },
  headerGroup: { position: 'sticky', top: 0, zIndex: 3 },
  header: {
    display: 'grid',
    height: `${HEADER_HEIGHT}px`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderBottom: `1px solid ${tokens.colorNeutralStroke1}`,
  },
  body: { position: 'relative' },
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    top: 0,
    display: 'grid',
    contain: 'layout style',
  },
  corner: {
    position: 'sticky',
    left: 0,
    zIndex: 4,
    display: 'flex',
    alignItems: 'flex-end',
    gap: '8px',
    padding: '0 12px 10px 12px',
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `1px solid ${tokens.colorNeutralStroke1}`,
    cursor: 'pointer',
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
  },
  columnHeader: {
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'flex-end',
    gap: '4px',
    padding: '8px 10px',
    minWidth: 0,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground2Hover },
  },
  envName: {
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase300,
    color: tokens.colorNeutralForeground1,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  envMeta: { display: 'flex', alignItems: 'center', gap: '6px', minWidth: 0 },
  sku: {
    fontSize: tokens.fontSizeBase100,
    lineHeight: '16px',
    paddingInline: '6px',
    borderRadius: tokens.borderRadiusSmall,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    color: tokens.colorNeutralForeground2,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
    whiteSpace: 'nowrap',
  },
  skuProduction: { ...shorthands.borderColor(tokens.colorBrandStroke1), color: tokens.colorBrandForeground1 },
  counts: { display: 'flex', gap: '6px', fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground2, minHeight: '16px', overflow: 'hidden' },
  count: { display: 'inline-flex', alignItems: 'center', gap: '2px', whiteSpace: 'nowrap' },
  countIcon: { fontSize: '12px', width: '12px', height: '12px' },
  count_good: { color: tokens.colorStatusSuccessForeground1 },
  count_warn: { color: tokens.colorStatusWarningForeground2 },
  count_bad: { color: tokens.colorStatusDangerForeground1 },
  count_neutral: { color: tokens.colorNeutralForeground3 },
  problem: { color: tokens.colorStatusWarningForeground1, flexShrink: 0 },
  rowHeader: {
    position: 'sticky',
    left: 0,
    zIndex: 2,
    display: 'flex',
    alignItems: 'center',
    gap: '8px',
    paddingRight: '12px',
    minWidth: 0,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRight: `1px solid ${tokens.colorNeutralStroke1}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  rowHeaderSelected: { backgroundColor: tokens.colorBrandBackground2, ':hover': { backgroundColor: tokens.colorBrandBackground2Hover } },
  // A selected environment reads as selected at a glance (the tint alone is faint on the header grey).
  columnHeaderSelected: { boxShadow: `inset 0 -3px 0 ${tokens.colorBrandStroke1}` },
  kindIcon: { color: tokens.colorNeutralForeground3, flexShrink: 0 },
  childIcon: { color: tokens.colorNeutralForeground4, flexShrink: 0 },
  names: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  rowName: { color: tokens.colorNeutralForeground1, fontSize: tokens.fontSizeBase300, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  rowSub: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  cell: {
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    gap: '2px',
    padding: '0 8px',
    minWidth: 0,
    borderRight: `1px solid ${tokens.colorNeutralStroke3}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  selected: {
    backgroundColor: tokens.colorBrandBackground2,
    boxShadow: `inset 0 0 0 1px ${tokens.colorBrandStroke2}`,
    ':hover': { backgroundColor: tokens.colorBrandBackground2Hover },
  },
  focusable: {
    ':focus': { outlineStyle: 'none' },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px', zIndex: 1 },
  },
  focusedMark: { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  pill: {
    display: 'inline-flex',
    alignItems: 'center',
    alignSelf: 'flex-start',
    gap: '4px',
    paddingInline: '6px',
    height: '20px',
    borderRadius: tokens.borderRadiusMedium,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    whiteSpace: 'nowrap',
    maxWidth: '100%',
  },
  hint: { fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', lineHeight: '14px' },
  group: {
    display: 'flex',
    alignItems: 'center',
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    cursor: 'pointer',
    backgroundColor: tokens.colorNeutralBackground2,
    ':hover': { backgroundColor: tokens.colorNeutralBackground2Hover },
  },
  section: {
    backgroundColor: tokens.colorNeutralBackground1Hover,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Pressed },
  },
  groupLabel: {
    position: 'sticky',
    left: 0,
    display: 'flex',
    alignItems: 'baseline',
    gap: '8px',
    paddingLeft: '12px',
    paddingRight: '12px',
    whiteSpace: 'nowrap',
  },
  groupTitle: { fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground1, fontSize: tokens.fontSizeBase300 },
  groupTitleSection: { fontSize: tokens.fontSizeBase400 },
  groupDetail: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  srOnly: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' },
});

const lineHeight = (line: Line | undefined): number => (!line ? ROW_HEIGHT : line.type === 'row' ? ROW_HEIGHT : line.level === 1 ? SECTION_HEIGHT : GROUP_HEIGHT);

/** A short second line for a cell: who owns the connection, how many blockers, the value. */
export function cellHint(cell: MatrixCell): string {
  switch (cell.kind) {
    case 'reference':
      if (cell.state === 'absent' || cell.state === 'unwired') return '';
      if (cell.state === 'dangling') return 'connection not here';
      return cell.connection?.owner.displayName ?? '';
    case 'flow':
      if (cell.state === 'blocked') return `${cell.reasons.length} ${cell.reasons.length === 1 ? 'blocker' : 'blockers'}`;
      if (cell.state === 'off' && cell.reasons.length) return 'may fail';
      return '';
    case 'envvar':
      if (cell.state === 'set') return cell.value ?? '';
      if (cell.state === 'default') return cell.defaultValue ?? '';
      if (cell.state === 'differs') return 'file differs';
      return '';
  }
}

const KIND_ICON = { reference: PlugConnected16Regular, envvar: Braces16Regular, flow: Flow16Regular } as const;

interface RowProps {
  line: RowLine;
  lineIndex: number;
  columns: MatrixColumn[];
  template: string;
  /** The environment columns to render (horizontal virtualization). */
  visibleCols: readonly number[];
  top: number;
  selected: ReadonlySet<string>;
  /** The focused column in this row (-1 = row header), or null when focus is elsewhere. */
  focusCol: number | null;
}

const GridRow = memo(function GridRow({ line, lineIndex, columns, template, visibleCols, top, selected, focusCol }: RowProps) {
  const styles = useStyles();
  const tones = useToneStyles();
  const KindIcon = KIND_ICON[line.kind];
  const allSelected = columns.length > 0 && columns.every((c) => selected.has(cellKey(line.key, c.environmentId)));
  return (
    <div
      role="row"
      aria-rowindex={lineIndex + 2}
      aria-selected={allSelected}
      className={styles.row}
      style={{ transform: `translateY(${top}px)`, gridTemplateColumns: template, height: ROW_HEIGHT }}
    >
      <div
        role="rowheader"
        aria-colindex={1}
        aria-label={line.label}
        aria-description={line.sublabel}
        tabIndex={focusCol === -1 ? 0 : -1}
        data-line={lineIndex}
        data-col={-1}
        className={mergeClasses(styles.rowHeader, styles.focusable, allSelected && styles.rowHeaderSelected)}
        style={{ paddingLeft: 12 + line.depth * 20, gridColumnStart: 1, gridRowStart: 1 }}
      >
        {line.depth > 0 ? <ArrowTurnRight16Regular className={styles.childIcon} aria-hidden="true" /> : <KindIcon className={styles.kindIcon} aria-hidden="true" />}
        <span className={styles.names}>
          <span className={styles.rowName} title={line.label}>
            {line.label}
          </span>
          <span className={styles.rowSub} title={line.sublabel}>
            {line.sublabel}
          </span>
        </span>
      </div>
      {visibleCols.map((c) => {
        const column = columns[c];
        if (!column) return null;
        const cell = line.row.cells[column.environmentId];
        const state: CellState = cell?.state ?? 'absent';
        const isSelected = selected.has(cellKey(line.key, column.environmentId));
        const Icon = STATE_ICONS[state];
        const hint = cell ? cellHint(cell) : '';
        return (
          <div
            key={column.environmentId}
            role="gridcell"
            aria-colindex={c + 2}
            aria-selected={isSelected}
            aria-label={cellAccessibleName(line.label, column.displayName, state)}
            tabIndex={focusCol === c ? 0 : -1}
            data-line={lineIndex}
            data-col={c}
            data-state={state}
            style={{ gridColumnStart: c + 2, gridRowStart: 1 }}
            className={mergeClasses(styles.cell, styles.focusable, isSelected && styles.selected)}
          >
            <span className={mergeClasses(styles.pill, tones[stateTone(state)])}>
              <Icon aria-hidden="true" />
              {stateLabel(state)}
            </span>
            {hint ? (
              <span className={styles.hint} title={hint}>
                {hint}
              </span>
            ) : null}
          </div>
        );
      })}
    </div>
  );
});

interface GroupProps {
  line: Extract<Line, { type: 'group' }>;
  lineIndex: number;
  colSpan: number;
  top: number;
  focused: boolean;
  allSelected: boolean;
}

const GroupRow = memo(function GroupRow({ line, lineIndex, colSpan, top, focused, allSelected }: GroupProps) {
  const styles = useStyles();
  const height = lineHeight(line);
  return (
    <div role="row" aria-rowindex={lineIndex + 2} aria-selected={allSelected} className={styles.row} style={{ transform: `translateY(${top}px)`, gridTemplateColumns: '1fr', height }}>
      <div
        role="rowheader"
        aria-colindex={1}
        aria-colspan={colSpan}
        aria-label={`${line.label}, ${line.detail}`}
        tabIndex={focused ? 0 : -1}
        data-line={lineIndex}
        data-col={-1}
        data-group="true"
        className={mergeClasses(styles.group, line.level === 1 && styles.section, styles.focusable, allSelected && styles.rowHeaderSelected)}
      >
        <span className={styles.groupLabel} style={{ paddingLeft: line.level === 1 ? 12 : 28 }}>
          <span className={mergeClasses(styles.groupTitle, line.level === 1 && styles.groupTitleSection)}>{line.label}</span>
          <span className={styles.groupDetail}>{line.detail}</span>
        </span>
      </div>
    </div>
  );
});

function countsText(counts: Partial<Record<CellState, number>> | undefined): { state: CellState; n: number }[] {
  if (!counts) return [];
  return CELL_STATE_ORDER.filter((s) => s !== 'absent' && (counts[s] ?? 0) > 0).map((s) => ({ state: s, n: counts[s] ?? 0 }));
}

interface HeaderProps {
  columns: MatrixColumn[];
  counts: GridModel['counts'];
  template: string;
  minWidth: number;
  idBase: string;
  /** The focused header column (-1 = the corner), or null when focus is in the body. */
  headerFocusCol: number | null;
  selectedCount: number;
  allCount: number;
  everything: boolean;
  /** Per column: is every shown cell of it selected. */
  selected: readonly boolean[];
}

/** The sticky header row; memoized, so scrolling (which renders the grid every frame) leaves it alone. */
const GridHeader = memo(function GridHeader({ columns, counts, template, minWidth, idBase, headerFocusCol, selectedCount, allCount, everything, selected }: HeaderProps) {
  const styles = useStyles();
  const CornerIcon = everything ? CheckboxChecked16Regular : selectedCount > 0 ? CheckboxIndeterminate16Regular : CheckboxUnchecked16Regular;
  return (
    <div role="rowgroup" className={styles.headerGroup} style={{ minWidth }}>
      <div role="row" aria-rowindex={1} className={styles.header} style={{ gridTemplateColumns: template, minWidth }}>
        <div
          role="columnheader"
          aria-colindex={1}
          aria-label="Select all"
          aria-description={`${selectedCount} of ${allCount} cells selected`}
          tabIndex={headerFocusCol === -1 ? 0 : -1}
          data-header-col={-1}
          className={mergeClasses(styles.corner, styles.focusable)}
        >
          <CornerIcon aria-hidden="true" />
          <span aria-hidden="true">Component</span>
        </div>
        {columns.map((column, c) => {
          const shown = countsText(counts[column.environmentId]);
          const countsId = `${idBase}-counts-${c}`;
          const production = column.sku.toLowerCase() === 'production';
          const columnSelected = selected[c] ?? false;
          return (
            <div
              key={column.environmentId}
              role="columnheader"
              aria-colindex={c + 2}
              aria-label={column.displayName}
              aria-describedby={countsId}
              aria-selected={columnSelected}
              tabIndex={headerFocusCol === c ? 0 : -1}
              data-header-col={c}
              className={mergeClasses(styles.columnHeader, styles.focusable, columnSelected && styles.rowHeaderSelected, columnSelected && styles.columnHeaderSelected)}
            >
              <span className={styles.envName} title={column.displayName}>
                {column.displayName}
              </span>
              <span className={styles.envMeta}>
                <span className={mergeClasses(styles.sku, production && styles.skuProduction)}>{skuLabel(column.sku)}</span>
                {column.solutionVersion ? <span className={styles.hint}>v{column.solutionVersion}</span> : <span className={styles.hint}>not installed</span>}
                {column.problems.length ? <Warning16Filled className={styles.problem} aria-label={`${column.problems.length} scan problems`} /> : null}
              </span>
              <span className={styles.counts} aria-hidden="true" title={shown.map((x) => `${x.n} ${stateLabel(x.state).toLowerCase()}`).join(', ')}>
                {shown.slice(0, 4).map(({ state, n }) => {
                  const Icon = STATE_ICONS[state];
                  return (
                    <span key={state} className={mergeClasses(styles.count, styles[`count_${stateTone(state)}`])}>
                      <Icon className={styles.countIcon} />
                      {n}
                    </span>
                  );
                })}
              </span>
              <span id={countsId} className={styles.srOnly}>
                {shown.length ? shown.map((x) => `${x.n} ${stateLabel(x.state).toLowerCase()}`).join(', ') : 'nothing shown'}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
});

export function MatrixGrid({ model, selection, onSelectionChange, onActivate, label = 'Solution matrix', initialRect, className }: MatrixGridProps) {
  const styles = useStyles();
  const gridRef = useRef<HTMLDivElement>(null);
  const idBase = useId();
  const { lines, columns } = model;
  // Columns share the width left by the row headers, never narrower than COLUMN_WIDTH; beyond the
  // viewport they are virtualized too, so 20 environments cost what the visible 7 do.
  const [viewportWidth, setViewportWidth] = useState(initialRect?.width ?? 1200);
  useLayoutEffect(() => {
    const el = gridRef.current;
    if (!el) return;
    const measure = () => setViewportWidth(el.clientWidth || initialRect?.width || 1200);
    measure();
    if (typeof ResizeObserver !== 'function') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [initialRect?.width]);
  // On a laptop with the detail panel open, four environments fit only if the names take a little less room.
  const rowHeaderWidth = Math.max(MIN_ROW_HEADER_WIDTH, Math.min(ROW_HEADER_WIDTH, viewportWidth - 2 - columns.length * COLUMN_WIDTH));
  const columnWidth = Math.max(COLUMN_WIDTH, Math.floor((viewportWidth - rowHeaderWidth - 2) / Math.max(1, columns.length)));
  const template = `${rowHeaderWidth}px repeat(${columns.length}, ${columnWidth}px)`;
  const minWidth = rowHeaderWidth + columns.length * columnWidth;
  const focusPos = posOf(model, selection.focus);
  const focusLine = focusPos.line;

  const rangeExtractor = useCallback(
    (range: Range) => {
      // Keep the focused line rendered, so the tab stop always exists even when scrolled away.
      const indexes = defaultRangeExtractor(range);
      if (focusLine >= 0 && focusLine < range.count && !indexes.includes(focusLine)) return [...indexes, focusLine].sort((a, b) => a - b);
      return indexes;
    },
    [focusLine],
  );

  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => gridRef.current,
    estimateSize: (i) => lineHeight(lines[i]),
    getItemKey: (i) => lines[i]?.key ?? i,
    // Rows render in the scroll event's own frame (flushSync), so a few beyond the edge suffice; each
    // mounted row costs every frame that adds one (layers for its sticky header, layout, paint).
    overscan: 5,
    paddingStart: 0,
    rangeExtractor,
    ...(initialRect ? { initialRect } : {}),
  });

  const focusCol = focusPos.col;
  const colRangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (focusCol >= 0 && focusCol < range.count && !indexes.includes(focusCol)) return [...indexes, focusCol].sort((a, b) => a - b);
      return indexes;
    },
    [focusCol],
  );
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => gridRef.current,
    estimateSize: () => columnWidth,
    paddingStart: rowHeaderWidth,
    overscan: 2,
    rangeExtractor: colRangeExtractor,
    ...(initialRect ? { initialRect } : {}),
  });
  useLayoutEffect(() => {
    columnVirtualizer.measure();
  }, [columnWidth, rowHeaderWidth, columns.length, columnVirtualizer]);
  const colItems = columnVirtualizer.getVirtualItems();
  const colKey = colItems.map((c) => c.index).join(',');
  const visibleCols = useMemo(() => colItems.map((c) => c.index), [colKey]);

  // Sizes are fixed per line type: re-measure only when the lines change.
  useLayoutEffect(() => {
    virtualizer.measure();
  }, [lines, virtualizer]);

  const pageSize = Math.max(1, Math.floor(((gridRef.current?.clientHeight ?? initialRect?.height ?? 600) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);

  const allCount = model.rows.length * columns.length;
  const selectedCount = selection.selected.size;
  // What the selection covers, worked out once per selection rather than on every render (scrolling
  // renders every frame; with everything selected these are tens of thousands of look-ups).
  const covered = useMemo(() => {
    const selected = selection.selected;
    const enough = model.rows.length > 0 && selected.size >= model.rows.length;
    const keys = enough ? cellKeysOf(model) : [];
    const columnsCovered = model.columns.map((_, c) => enough && keys.every((row) => selected.has(row[c] as string)));
    const groups = new Map<string, boolean>();
    const group = (line: GroupLine): boolean => {
      let all = groups.get(line.key);
      if (all === undefined) {
        all = line.rowKeys.length > 0 && line.rowKeys.every((k) => model.columns.every((c) => selected.has(cellKey(k, c.environmentId))));
        groups.set(line.key, all);
      }
      return all;
    };
    const cells = model.rows.length * model.columns.length;
    return { columns: columnsCovered, everything: cells > 0 && selected.size >= cells && columnsCovered.every(Boolean), group };
  }, [model, selection.selected]);

  // Move DOM focus to the focused item when the grid already has focus (keyboard navigation).
  const focusKey = `${selection.focus.rowKey ?? ''}|${selection.focus.envId ?? ''}`;
  useEffect(() => {
    const grid = gridRef.current;
    if (!grid || !grid.contains(document.activeElement)) return;
    if (focusLine >= 0) virtualizer.scrollToIndex(focusLine, { align: 'auto' });
    const raf = requestAnimationFrame(() => {
      const line = lines[focusLine];
      const col = line?.type === 'group' ? -1 : focusPos.col;
      const el = grid.querySelector<HTMLElement>(focusLine < 0 ? `[data-header-col="${col}"]` : `[data-line="${focusLine}"][data-col="${col}"]`);
      if (el && document.activeElement !== el) {
        el.focus({ preventScroll: true });
        el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      }
    });
    return () => cancelAnimationFrame(raf);
  }, [focusKey]);

  const onMouseDown = (e: MouseEvent) => {
    // Shift-click extends the selection; keep the browser from selecting text.
    if (e.shiftKey) e.preventDefault();
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('[data-line],[data-header-col]');
    if (!target) return;
    const mods = { ctrl: e.ctrlKey || e.metaKey, shift: e.shiftKey };
    if (target.dataset.headerCol !== undefined) {
      const col = Number(target.dataset.headerCol);
      if (col < 0) onSelectionChange(toggleAll(selection, model));
      else {
        const column = columns[col];
        if (column) onSelectionChange(clickColumnHeader(selection, model, column.environmentId, mods));
      }
      return;
    }
    const line = lines[Number(target.dataset.line)];
    const col = Number(target.dataset.col);
    if (!line) return;
    if (line.type === 'group' || col < 0) {
      onSelectionChange(clickRowHeader(selection, model, line.key, mods));
      return;
    }
    const column = columns[col];
    if (column) onSelectionChange(clickCell(selection, model, line.key, column.environmentId, mods));
  };

  const onDoubleClick = (e: MouseEvent<HTMLDivElement>) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('[data-line]');
    if (!target || !onActivate) return;
    const line = lines[Number(target.dataset.line)];
    const column = columns[Number(target.dataset.col)];
    if (line) onActivate({ rowKey: line.key, envId: column?.environmentId ?? null });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const outcome = handleKey(selection, model, { key: e.key, ctrl: e.ctrlKey || e.metaKey, shift: e.shiftKey }, pageSize);
    if (!outcome.handled) return;
    e.preventDefault();
    e.stopPropagation();
    if (outcome.activate) onActivate?.(selection.focus);
    else onSelectionChange(outcome.state);
  };

  const items = virtualizer.getVirtualItems();
  const headerFocusCol = focusLine < 0 ? focusPos.col : null;

  return (
    <div className={styles.frame}>
      <div
        ref={gridRef}
        role="grid"
        aria-label={label}
        aria-multiselectable="true"
        aria-rowcount={lines.length + 1}
        aria-colcount={columns.length + 1}
        className={mergeClasses(styles.grid, className)}
        // Keyboard focus scrolls cells out from under the sticky row headers, whatever their width.
        style={{ scrollPaddingLeft: rowHeaderWidth }}
        onClick={onClick}
        onMouseDown={onMouseDown}
        onDoubleClick={onDoubleClick}
        onKeyDown={onKeyDown}
      >
        <GridHeader
          columns={columns}
          counts={model.counts}
          template={template}
          minWidth={minWidth}
          idBase={idBase}
          headerFocusCol={headerFocusCol}
          selectedCount={selectedCount}
          allCount={allCount}
          everything={covered.everything}
          selected={covered.columns}
        />
        <div role="rowgroup" className={styles.body} style={{ height: virtualizer.getTotalSize(), minWidth }}>
          {items.map((item) => {
            const line = lines[item.index];
            if (!line) return null;
            if (line.type === 'group') {
              return <GroupRow key={line.key} line={line} lineIndex={item.index} colSpan={columns.length + 1} top={item.start} focused={item.index === focusLine} allSelected={covered.group(line)} />;
            }
            return (
              <GridRow
                key={line.key}
                line={line}
                lineIndex={item.index}
                columns={columns}
                template={template}
                visibleCols={visibleCols}
                top={item.start}
                selected={selection.selected}
                focusCol={item.index === focusLine ? focusPos.col : null}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
