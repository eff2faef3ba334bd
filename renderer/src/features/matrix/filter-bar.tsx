import {
  Button,
  CounterBadge,
  makeStyles,
  Menu,
  MenuGroup,
  MenuGroupHeader,
  MenuItemCheckbox,
  MenuList,
  MenuPopover,
  MenuTrigger,
  SearchBox,
  ToggleButton,
  tokens,
} from '@fluentui/react-components';
import { ChevronDown16Regular, Dismiss16Regular } from '@fluentui/react-icons';
import { useEffect, useMemo, useState } from 'react';
import type { CellState } from '../../../../shared/engine/matrix';
import { STATE_ICONS } from '../../components/state-chip';
import { ENVVAR_STATES, FLOW_STATES, REFERENCE_STATES, stateLabel } from '../../lib/cell-words';
import { connectorsOf, filtersActive, type RowKind } from '../../lib/grid-model';
import { clearSelection, type SelectionSummary } from '../../lib/selection';
import type { Matrix } from '../../lib/types';
import { useSlice } from '../../stores/context';
import { IdentityButton } from './identity-panel';

const useStyles = makeStyles({
  bar: { display: 'flex', alignItems: 'center', gap: '8px', padding: '6px 12px 8px', flexWrap: 'nowrap', minWidth: 0 },
  search: { width: '220px' },
  count: {
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
    minHeight: '24px',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    minWidth: 0,
    color: tokens.colorNeutralForeground1,
    fontSize: tokens.fontSizeBase200,
    fontVariantNumeric: 'tabular-nums',
  },
  countNumber: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis' },
  group: { display: 'flex', gap: '4px' },
  spacer: { flex: 1, minWidth: '8px' },
  menuIcon: { display: 'inline-flex', marginRight: '6px', verticalAlign: 'middle' },
  chev: { marginLeft: '4px' },
  badge: { marginLeft: '6px' },
  label: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground3, marginRight: '2px' },
});

const KINDS: { kind: RowKind; label: string }[] = [
  { kind: 'reference', label: 'References' },
  { kind: 'envvar', label: 'Variables' },
  { kind: 'flow', label: 'Flows' },
];

const STATE_GROUPS: { title: string; states: readonly CellState[] }[] = [
  { title: 'Connection references', states: REFERENCE_STATES.filter((s) => s !== 'absent') },
  { title: 'Flows', states: FLOW_STATES.filter((s) => s !== 'absent') },
  { title: 'Environment variables', states: ENVVAR_STATES.filter((s) => s !== 'absent') },
  { title: 'Any', states: ['absent'] },
];

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The visible selection count (a live region), with a way to clear it. */
function SelectionCount({ summary }: { summary: SelectionSummary | null }) {
  const styles = useStyles();
  const selection = useSlice('grid', (s) => s.selection);
  const setSelection = useSlice('grid', (s) => s.setSelection);
  return (
    <span className={styles.count} role="status">
      {summary && summary.count > 0 ? (
        <>
          <span className={styles.countNumber}>{summary.count}</span>&nbsp;{summary.count === 1 ? 'cell' : 'cells'} selected in {plural(summary.environmentIds.length, 'environment')}
          <Button size="small" appearance="transparent" icon={<Dismiss16Regular />} aria-label="Clear selection" onClick={() => setSelection(clearSelection(selection))} />
        </>
      ) : (
        <span className={styles.muted}>Nothing selected: actions cover every environment</span>
      )}
    </span>
  );
}

export function FilterBar({ matrix, summary }: { matrix: Matrix | null; summary: SelectionSummary | null }) {
  const styles = useStyles();
  const filters = useSlice('grid', (s) => s.filters);
  const setFilters = useSlice('grid', (s) => s.setFilters);
  const resetFilters = useSlice('grid', (s) => s.resetFilters);
  const connectors = useMemo(() => (matrix ? connectorsOf(matrix) : []), [matrix]);
  // Typing is applied after a short pause, so 2,000 rows are not re-filtered on every key.
  const [text, setText] = useState(filters.text);
  useEffect(() => setText(filters.text), [filters.text]);
  useEffect(() => {
    if (text === filters.text) return;
    const t = setTimeout(() => setFilters({ text }), 150);
    return () => clearTimeout(t);
  }, [text, filters.text, setFilters]);

  return (
    <div className={styles.bar} role="search" aria-label="Filters">
      <SearchBox className={styles.search} size="small" placeholder="Filter rows by name" aria-label="Filter rows" value={text} onChange={(_, d) => setText(d.value)} />
      <Menu checkedValues={{ states: [...filters.states] }} onCheckedValueChange={(_, d) => setFilters({ states: d.checkedItems as CellState[] })}>
        <MenuTrigger disableButtonEnhancement>
          <Button size="small" appearance={filters.states.length ? 'secondary' : 'subtle'} aria-label={`State filter${filters.states.length ? `: ${filters.states.length} chosen` : ''}`}>
            State
            {filters.states.length ? <CounterBadge className={styles.badge} size="small" count={filters.states.length} /> : null}
            <ChevronDown16Regular className={styles.chev} />
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            {STATE_GROUPS.map((g) => (
              <MenuGroup key={g.title}>
                <MenuGroupHeader>{g.title}</MenuGroupHeader>
                {g.states.map((s) => {
                  const Icon = STATE_ICONS[s];
                  return (
                    <MenuItemCheckbox key={s} name="states" value={s}>
                      <span className={styles.menuIcon}>
                        <Icon aria-hidden="true" />
                      </span>
                      {stateLabel(s)}
                    </MenuItemCheckbox>
                  );
                })}
              </MenuGroup>
            ))}
          </MenuList>
        </MenuPopover>
      </Menu>
      <Menu checkedValues={{ connectors: [...filters.connectors] }} onCheckedValueChange={(_, d) => setFilters({ connectors: d.checkedItems })}>
        <MenuTrigger disableButtonEnhancement>
          <Button size="small" appearance={filters.connectors.length ? 'secondary' : 'subtle'} disabled={!connectors.length} aria-label={`Connector filter${filters.connectors.length ? `: ${filters.connectors.length} chosen` : ''}`}>
            Connector
            {filters.connectors.length ? <CounterBadge className={styles.badge} size="small" count={filters.connectors.length} /> : null}
            <ChevronDown16Regular className={styles.chev} />
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            {connectors.map((c) => (
              <MenuItemCheckbox key={c.connector} name="connectors" value={c.connector} secondaryContent={String(c.count)}>
                {c.name}
              </MenuItemCheckbox>
            ))}
          </MenuList>
        </MenuPopover>
      </Menu>
      <div className={styles.group} role="group" aria-label="Show">
        {KINDS.map(({ kind, label }) => {
          const on = filters.kinds.includes(kind);
          return (
            <ToggleButton
              key={kind}
              size="small"
              appearance="subtle"
              checked={on}
              onClick={() => setFilters({ kinds: on ? filters.kinds.filter((k) => k !== kind) : [...filters.kinds, kind] })}
            >
              {label}
            </ToggleButton>
          );
        })}
      </div>
      {filtersActive(filters) ? (
        <Button size="small" appearance="transparent" icon={<Dismiss16Regular />} onClick={resetFilters}>
          Clear filters
        </Button>
      ) : null}
      <span className={styles.spacer} />
      <SelectionCount summary={summary} />
      <IdentityButton />
    </div>
  );
}
