import { Button, Link, makeStyles, mergeClasses, tokens, Tooltip } from '@fluentui/react-components';
import { Open16Regular, PanelRightContract20Regular, PanelRightExpand20Regular } from '@fluentui/react-icons';
import type { ReactNode } from 'react';
import type { CellState } from '../../../../shared/engine/matrix';
import { CELL_STATE_ORDER } from '../../../../shared/report/words';
import { StateChip } from '../../components/state-chip';
import { ENVVAR_STATES, FLOW_STATES, REFERENCE_STATES, skuLabel, STATE_MEANING, stateLabel } from '../../lib/cell-words';
import type { GridModel, RowLine } from '../../lib/grid-model';
import { actionIntent, type ActionKind } from '../../lib/intent';
import { namesFrom, reasonWords, type Names } from '../../lib/plan-words';
import { portalLinks } from '../../lib/portal';
import { cellKey, type SelectionState } from '../../lib/selection';
import type { MatrixCell, MatrixColumn } from '../../lib/types';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  panel: {
    width: '360px',
    '@media (max-width: 1440px)': { width: '300px' },
    flexShrink: 0,
    marginLeft: '12px',
    display: 'flex',
    flexDirection: 'column',
    minHeight: 0,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    boxShadow: tokens.shadow2,
  },
  collapsed: { width: '44px', alignItems: 'center', paddingTop: '6px' },
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', padding: '8px 8px 8px 16px', borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  headTitle: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground2 },
  body: { padding: '16px', overflowY: 'auto', display: 'flex', flexDirection: 'column', gap: '16px', flex: 1, minHeight: 0 },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightBase500, wordBreak: 'break-word' },
  sub: { margin: '2px 0 0', color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  section: { display: 'flex', flexDirection: 'column', gap: '6px' },
  sectionTitle: { margin: 0, fontSize: tokens.fontSizeBase200, fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground3, textTransform: 'uppercase', letterSpacing: '0.04em' },
  meaning: { margin: 0, color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  list: { margin: 0, paddingLeft: '18px', display: 'flex', flexDirection: 'column', gap: '4px', fontSize: tokens.fontSizeBase300 },
  facts: { display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '4px 12px', fontSize: tokens.fontSizeBase300, margin: 0 },
  factName: { color: tokens.colorNeutralForeground3 },
  factValue: { margin: 0, wordBreak: 'break-word' },
  envRow: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '8px', fontSize: tokens.fontSizeBase300 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: '8px' },
  legendGroup: { display: 'flex', flexDirection: 'column', gap: '6px' },
  legendRow: { display: 'grid', gridTemplateColumns: '130px 1fr', gap: '8px', alignItems: 'start', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  good: { color: tokens.colorStatusSuccessForeground1 },
  bad: { color: tokens.colorStatusDangerForeground1 },
});

function Facts({ items }: { items: [string, ReactNode][] }) {
  const styles = useStyles();
  return (
    <dl className={styles.facts}>
      {items.map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt className={styles.factName}>{k}</dt>
          <dd className={styles.factValue}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <section className={styles.section} aria-label={title}>
      <h3 className={styles.sectionTitle}>{title}</h3>
      {children}
    </section>
  );
}

/** What each state means, for the kinds of rows the matrix shows (all three before a scan). */
function Legend({ model }: { model: GridModel | null }) {
  const styles = useStyles();
  const shown = model ? new Set(model.rows.map((r) => r.kind)) : null;
  const groups = (
    [
      ['reference', 'Connection references', REFERENCE_STATES],
      ['flow', 'Flows', FLOW_STATES.filter((s) => s !== 'absent')],
      ['envvar', 'Environment variables', ENVVAR_STATES.filter((s) => s !== 'absent')],
    ] as const
  ).filter(([kind]) => !shown || shown.size === 0 || shown.has(kind));
  return (
    <>
      <p className={styles.meaning}>
        Click a cell to see why it is in its state. Ctrl-click adds cells, Shift-click selects a range; a row or column header selects the whole row or environment. From the keyboard: arrows move, Space selects, Shift+arrows extend, Ctrl+A selects all, Enter opens details.
      </p>
      {groups.map(([, title, states]) => (
        <Section key={title} title={title}>
          <div className={styles.legendGroup}>
            {states.map((s) => (
              <div key={s} className={styles.legendRow}>
                <StateChip state={s} />
                <span>{STATE_MEANING[s]}</span>
              </div>
            ))}
          </div>
        </Section>
      ))}
    </>
  );
}

interface DetailProps {
  line: RowLine;
  column: MatrixColumn;
  cell: MatrixCell | undefined;
  names: Names;
  solutionName: string;
  onOpen: (url: string) => void;
  onAction: (kind: ActionKind) => void;
  onFocusRow: (rowKey: string) => void;
  links: ReturnType<typeof portalLinks>;
  model: GridModel;
}

function CellDetail({ line, column, cell, names, onOpen, onAction, onFocusRow, links, model }: DetailProps) {
  const styles = useStyles();
  const state: CellState = cell?.state ?? 'absent';
  const reasons = cell?.reasons ?? [];
  const flowNames = new Map(model.rows.filter((r) => r.kind === 'flow').map((r) => [r.row.key, r]));
  return (
    <>
      <div>
        <h2 className={styles.title}>{line.label}</h2>
        <p className={styles.sub}>
          in {column.displayName} · {line.sublabel}
        </p>
      </div>
      <div className={styles.section}>
        <StateChip state={state} />
        <p className={styles.meaning}>{STATE_MEANING[state]}</p>
      </div>
      {reasons.length ? (
        <Section title="Why">
          <ul className={styles.list}>
            {reasons.map((r, i) => (
              <li key={i}>{reasonWords(r, names, column.environmentId)}</li>
            ))}
          </ul>
        </Section>
      ) : null}
      {cell?.kind === 'reference' && line.row.kind === 'reference' ? (
        <Section title="Connection">
          {cell.connection ? (
            <>
              <Facts
                items={[
                  ['Name', cell.connection.displayName],
                  ['Connector', line.row.connectorName],
                  ['Owner', `${cell.connection.owner.displayName}${state === 'owner-disabled' ? ' (disabled)' : ''}`],
                  ['Status', cell.connection.health.kind === 'connected' ? <span className={styles.good}>Connected</span> : <span className={styles.bad}>Error: {cell.connection.health.message}</span>],
                  ['Shared with', cell.connection.shares.length ? cell.connection.shares.map((s) => `${s.principal.displayName} (${s.role === 'CanView' ? 'can use' : s.role === 'CanViewWithShare' ? 'can use and share' : s.role === 'CanEdit' ? 'can edit' : 'owner'})`).join(', ') : 'nobody else'],
                ]}
              />
              <Link onClick={() => onOpen(links.connection(column.environmentId, line.row.kind === 'reference' ? line.row.connector : '', cell.connection?.name ?? ''))}>
                Open the connection in the maker portal <Open16Regular aria-hidden="true" />
              </Link>
            </>
          ) : (
            <p className={styles.meaning}>{state === 'dangling' ? `Points at ${cell.connectionId ?? 'a connection'}, which does not exist here.` : state === 'absent' ? 'Not in this environment.' : 'No connection.'}</p>
          )}
        </Section>
      ) : null}
      {cell?.kind === 'envvar' ? (
        <Section title="Value">
          <Facts
            items={[
              ['Current value', cell.value ?? '(none)'],
              ['Default', cell.defaultValue ?? '(none)'],
              ...(cell.reasons.find((r) => r.code === 'value-differs') ? ([['Settings file', cell.reasons.find((r) => r.code === 'value-differs')?.fileValue ?? '']] as [string, ReactNode][]) : []),
            ]}
          />
        </Section>
      ) : null}
      {line.row.kind === 'flow' && (line.row.parentIds.length || line.row.childIds.length) ? (
        <Section title="Child flows">
          <ul className={styles.list}>
            {line.row.parentIds.map((p) => (
              <li key={`p-${p}`}>
                Called by{' '}
                <Link onClick={() => onFocusRow(`flow:${p}`)} disabled={!flowNames.has(p)}>
                  {names.flow(p)}
                </Link>
              </li>
            ))}
            {line.row.childIds.map((c) => (
              <li key={`c-${c}`}>
                Calls{' '}
                <Link onClick={() => onFocusRow(`flow:${c}`)} disabled={!flowNames.has(c)}>
                  {names.flow(c)}
                </Link>{' '}
                (turned on first)
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Section title="Do">
        <div className={styles.actions}>
          {line.kind === 'reference' && state !== 'absent' ? (
            <Button size="small" onClick={() => onAction('wire')}>
              Wire this reference…
            </Button>
          ) : null}
          {line.kind === 'flow' && (state === 'off' || state === 'blocked') ? (
            <Button size="small" onClick={() => onAction('wire-activate')}>
              Turn this flow on…
            </Button>
          ) : null}
          {line.kind === 'flow' && state === 'on' ? (
            <Button size="small" onClick={() => onAction('deactivate')}>
              Turn this flow off…
            </Button>
          ) : null}
          {line.row.kind === 'flow' && state !== 'absent' ? (
            <Link onClick={() => onOpen(links.flow(column.environmentId, line.row.kind === 'flow' ? line.row.flowId : ''))}>
              Open in Power Automate <Open16Regular aria-hidden="true" />
            </Link>
          ) : null}
          <Link onClick={() => onOpen(links.solutions(column.environmentId))}>
            Solutions in the maker portal <Open16Regular aria-hidden="true" />
          </Link>
        </div>
      </Section>
    </>
  );
}

function RowDetail({ line, model }: { line: RowLine; model: GridModel }) {
  const styles = useStyles();
  return (
    <>
      <div>
        <h2 className={styles.title}>{line.label}</h2>
        <p className={styles.sub}>{line.sublabel}</p>
      </div>
      <Section title="Across environments">
        {model.columns.map((c) => {
          const cell = line.row.cells[c.environmentId];
          return (
            <div key={c.environmentId} className={styles.envRow}>
              <span>{c.displayName}</span>
              <StateChip state={cell?.state ?? 'absent'} />
            </div>
          );
        })}
      </Section>
    </>
  );
}

function ColumnDetail({ column, model, onOpen, links }: { column: MatrixColumn; model: GridModel; onOpen: (url: string) => void; links: ReturnType<typeof portalLinks> }) {
  const styles = useStyles();
  const counts = model.counts[column.environmentId] ?? {};
  return (
    <>
      <div>
        <h2 className={styles.title}>{column.displayName}</h2>
        <p className={styles.sub}>
          {skuLabel(column.sku)} · {column.solutionVersion ? `solution version ${column.solutionVersion}` : 'solution not installed'}
        </p>
      </div>
      {column.problems.length ? (
        <Section title="Scan problems">
          <ul className={styles.list}>
            {column.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Section title="Shown rows by state">
        {CELL_STATE_ORDER.filter((s) => (counts[s] ?? 0) > 0).map((s) => (
          <div key={s} className={styles.envRow}>
            <StateChip state={s} />
            <span>
              {counts[s]} {stateLabel(s).toLowerCase()}
            </span>
          </div>
        ))}
      </Section>
      <div className={styles.actions}>
        <Link onClick={() => onOpen(links.solutions(column.environmentId))}>
          Solutions in the maker portal <Open16Regular aria-hidden="true" />
        </Link>
        <Link onClick={() => onOpen(links.environment(column.environmentId))}>
          Environment in the admin center <Open16Regular aria-hidden="true" />
        </Link>
      </div>
    </>
  );
}

export function DetailPanel({ model }: { model: GridModel | null }) {
  const styles = useStyles();
  const open = useSlice('grid', (s) => s.detailOpen);
  const setOpen = useSlice('grid', (s) => s.setDetailOpen);
  const selection = useSlice('grid', (s) => s.selection);
  const setSelection = useSlice('grid', (s) => s.setSelection);
  const scan = useSlice('workspace', (s) => s.scan);
  const identity = useSlice('workspace', (s) => s.identity);
  const accounts = useSlice('accounts', (s) => s.accounts);
  const openExternal = useSlice('app', (s) => s.openExternal);
  const openIntent = useSlice('review', (s) => s.openIntent);
  const cloud = accounts.find((a) => a.status === 'signed-in')?.cloud ?? 'public';
  const links = portalLinks(cloud);
  const names = namesFrom(scan);

  if (!open) {
    return (
      <aside className={mergeClasses(styles.panel, styles.collapsed)} aria-label="Details">
        <Tooltip content="Show details" relationship="label">
          <Button appearance="subtle" icon={<PanelRightExpand20Regular />} onClick={() => setOpen(true)} />
        </Tooltip>
      </aside>
    );
  }

  const focus = selection.focus;
  const line = model && focus.rowKey ? model.lines[model.lineIndexByKey.get(focus.rowKey) ?? -1] : undefined;
  const column = model && focus.envId ? model.columns.find((c) => c.environmentId === focus.envId) : undefined;
  const focusRow = (rowKey: string): void => {
    if (!model?.lineIndexByKey.has(rowKey)) return;
    setSelection({ ...selection, focus: { rowKey, envId: focus.envId } } satisfies SelectionState);
  };

  let body: ReactNode;
  if (!model) body = <Legend model={null} />;
  else if (line?.type === 'row' && column) {
    const row = line.row;
    const act = (kind: ActionKind): void => {
      const summary = {
        count: 1,
        environmentIds: [column.environmentId],
        references: row.kind === 'reference' ? [row] : [],
        flows: row.kind === 'flow' ? [row] : [],
        envVars: row.kind === 'envvar' ? [row] : [],
      };
      const intent = actionIntent(kind, summary, [column.environmentId], identity);
      void openIntent(kind === 'wire' ? 'Wire' : kind === 'deactivate' ? 'Deactivate' : 'Wire & activate', intent);
    };
    body = (
      <CellDetail
        line={line}
        column={column}
        cell={line.row.cells[column.environmentId]}
        names={names}
        solutionName={scan?.solution ?? ''}
        onOpen={(url) => void openExternal(url)}
        onAction={act}
        onFocusRow={focusRow}
        links={links}
        model={model}
      />
    );
  } else if (line?.type === 'row') body = <RowDetail line={line} model={model} />;
  else if (!line && column) body = <ColumnDetail column={column} model={model} onOpen={(url) => void openExternal(url)} links={links} />;
  else if (line?.type === 'group') {
    const selectedInGroup = line.rowKeys.reduce((n, k) => n + model.columns.filter((c) => selection.selected.has(cellKey(k, c.environmentId))).length, 0);
    body = (
      <>
        <div>
          <h2 className={styles.title}>{line.label}</h2>
          <p className={styles.sub}>
            {line.detail} · {selectedInGroup} cells selected
          </p>
        </div>
        <p className={styles.meaning}>Click the header, or press Space on it, to select every row in it across all environments.</p>
      </>
    );
  } else body = <Legend model={model} />;

  return (
    <aside className={styles.panel} aria-label="Details">
      <div className={styles.head}>
        <h2 className={styles.headTitle}>Details</h2>
        <Tooltip content="Hide details" relationship="label">
          <Button appearance="subtle" size="small" icon={<PanelRightContract20Regular />} onClick={() => setOpen(false)} />
        </Tooltip>
      </div>
      <div className={styles.body}>
        {body}
      </div>
    </aside>
  );
}
