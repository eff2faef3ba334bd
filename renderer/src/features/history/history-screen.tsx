import {
  Badge,
  Button,
  makeStyles,
  mergeClasses,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, ArrowUndo20Regular, History20Regular } from '@fluentui/react-icons';
import { useEffect, useMemo } from 'react';
import { Card, Page } from '../../components/page';
import { EmptyState, ErrorBar, LoadingState } from '../../components/states';
import { namesFrom, STEP_KIND_LABEL, stepChange, stepTarget } from '../../lib/plan-words';
import type { Plan, RunListing, StepResult } from '../../lib/types';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  layout: { display: 'grid', gridTemplateColumns: '400px minmax(0, 1fr)', gap: '16px', alignItems: 'start' },
  runs: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  run: {
    boxSizing: 'border-box',
    backgroundColor: 'transparent',
    color: 'inherit',
    font: 'inherit',
    textAlign: 'left',
    width: '100%',
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    padding: '8px 12px',
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '1px' },
  },
  selected: { backgroundColor: tokens.colorBrandBackground2, ':hover': { backgroundColor: tokens.colorBrandBackground2Hover } },
  runTop: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '8px' },
  runTitle: { fontWeight: tokens.fontWeightSemibold },
  runBottom: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '8px' },
  who: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  counts: { display: 'flex', gap: '8px', fontSize: tokens.fontSizeBase200, fontVariantNumeric: 'tabular-nums' },
  bad: { color: tokens.colorStatusDangerForeground1 },
  good: { color: tokens.colorStatusSuccessForeground1 },
  detailHead: { display: 'flex', alignItems: 'center', gap: '12px', marginBottom: '12px', flexWrap: 'wrap' },
  detailTitle: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, flex: 1 },
  error: { color: tokens.colorStatusDangerForeground1, fontSize: tokens.fontSizeBase200 },
  detailWho: { flexBasis: '100%', margin: '-8px 0 0', color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  // Connection names are long and unbroken (an address): they wrap anywhere rather than run into the next column.
  change: { display: 'flex', flexDirection: 'column', fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  before: { textDecorationLine: 'line-through', textDecorationColor: tokens.colorNeutralForeground4, color: tokens.colorNeutralForeground3 },
  after: { fontWeight: tokens.fontWeightSemibold },
  table: { tableLayout: 'fixed' },
});

/** Undo runs carry the plan id `undo-<run id>` (electron/engine/apply/undo.ts): say so in the list. */
const isUndo = (planId: string): boolean => planId.startsWith('undo-');

/** What a run did, from its plan: "Undo", or its step kinds with counts ("Wire 9 · Turn on 16"). */
function runWhat(plan: Plan): string {
  if (isUndo(plan.id)) return 'Undo';
  const counts = new Map<string, number>();
  for (const step of plan.steps) counts.set(STEP_KIND_LABEL[step.kind], (counts.get(STEP_KIND_LABEL[step.kind]) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ${n}`).join(' · ') || 'No steps';
}

const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
};

function statusBadge(run: RunListing) {
  if (run.cancelled) return <Badge color="informative">Cancelled</Badge>;
  if (run.status === 'running' || !run.finishedAt) return <Badge color="warning">Running</Badge>;
  if (run.summary.failed || run.summary.conflicts) return <Badge color="danger">With failures</Badge>;
  return <Badge color="success">Done</Badge>;
}

const STATUS_LABEL: Record<StepResult['status'], string> = { done: 'Done', skipped: 'Skipped', failed: 'Failed', conflict: 'Conflict', cancelled: 'Cancelled' };

export function HistoryScreen() {
  const styles = useStyles();
  const runs = useSlice('history', (s) => s.runs);
  const status = useSlice('history', (s) => s.status);
  const error = useSlice('history', (s) => s.error);
  const selectedRunId = useSlice('history', (s) => s.selectedRunId);
  const detail = useSlice('history', (s) => s.detail);
  const detailStatus = useSlice('history', (s) => s.detailStatus);
  const detailError = useSlice('history', (s) => s.detailError);
  // One environment: named in the heading, so its column would only repeat it and squeeze before → after.
  const manyEnvironments = (detail?.plan.environments.length ?? 0) > 1;
  const load = useSlice('history', (s) => s.load);
  const select = useSlice('history', (s) => s.select);
  const openUndo = useSlice('review', (s) => s.openUndo);
  const scan = useSlice('workspace', (s) => s.scan);
  const runStatus = useSlice('runs', (s) => s.status);
  const names = useMemo(() => namesFrom(scan), [scan]);
  const busy = runStatus === 'running' || runStatus === 'starting';
  // Open on the latest run.
  const latest = runs[0]?.runId;
  useEffect(() => {
    if (latest && !selectedRunId) void select(latest);
  }, [latest, selectedRunId, select]);

  return (
    <Page
      title="History"
      description="Every run, from the journal: who ran what, when, as whom, and each step’s result. Undo plans the reverse of a run from the values it recorded before each change."
      actions={
        <Button icon={<ArrowClockwise20Regular />} onClick={() => void load()}>
          Refresh
        </Button>
      }
    >
      {status === 'error' ? <ErrorBar title="History could not be read" message={error ?? ''} onRetry={() => void load()} /> : null}
      <div className={styles.layout}>
        <Card title="Runs">
          {status === 'loading' && !runs.length ? (
            <LoadingState label="Reading the journal" />
          ) : runs.length === 0 ? (
            <EmptyState icon={<History20Regular />} title="No runs yet">
              Runs appear here once a plan has run.
            </EmptyState>
          ) : (
            <ul className={styles.runs} aria-label="Runs">
              {runs.map((run) => {
                const selected = run.runId === selectedRunId;
                return (
                  <li key={run.runId}>
                    <button type="button" className={mergeClasses(styles.run, selected && styles.selected)} aria-current={selected ? 'true' : undefined} onClick={() => void select(run.runId)}>
                      <span className={styles.runTop}>
                        <span className={styles.runTitle}>{when(run.startedAt)}</span>
                        {statusBadge(run)}
                      </span>
                      <span className={styles.muted}>
                        {isUndo(run.planId) ? 'Undo of an earlier run · ' : ''}
                        {run.solution} · {run.environments.join(', ')}
                      </span>
                      <span className={styles.runBottom}>
                        <span className={styles.who} title={run.who.account}>
                          by {run.who.account}
                        </span>
                        <span className={styles.counts}>
                          <span className={styles.good}>{run.summary.done} done</span>
                          {run.summary.failed ? <span className={styles.bad}>{run.summary.failed} failed</span> : null}
                          {run.summary.skipped ? <span>{run.summary.skipped} skipped</span> : null}
                        </span>
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
        <Card>
          {!selectedRunId ? (
            <EmptyState title="Pick a run">Its steps and results appear here, with Undo.</EmptyState>
          ) : detailStatus === 'loading' ? (
            <LoadingState label="Reading the run" />
          ) : detailStatus === 'error' ? (
            <ErrorBar title="This run could not be read" message={detailError ?? ''} onRetry={() => void select(selectedRunId)} />
          ) : detail ? (
            <>
              <div className={styles.detailHead}>
                <h2 className={styles.detailTitle}>
                  {runWhat(detail.plan)} · {detail.listing.solution} · {when(detail.listing.startedAt)}
                </h2>
                <Button icon={<ArrowUndo20Regular />} disabled={busy || !detail.results.some((r) => r.status === 'done')} onClick={() => void openUndo(detail.listing.runId)}>
                  Undo
                </Button>
                <p className={styles.detailWho}>
                  by {detail.listing.who.account} · {detail.plan.environments.map((e) => e.displayName).join(', ')}
                </p>
              </div>
              <Table aria-label="Steps of the run" size="small" className={styles.table}>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell style={{ width: 84 }}>Result</TableHeaderCell>
                    <TableHeaderCell style={{ width: 76 }}>Action</TableHeaderCell>
                    <TableHeaderCell style={{ width: '34%' }}>Item</TableHeaderCell>
                    <TableHeaderCell>Before → after</TableHeaderCell>
                    {manyEnvironments ? <TableHeaderCell style={{ width: 130 }}>Environment</TableHeaderCell> : null}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {detail.plan.steps.map((step) => {
                    const r = detail.results.find((x) => x.stepId === step.id);
                    const change = stepChange(step, names);
                    return (
                      <TableRow key={step.id}>
                        <TableCell>
                          <span className={r?.status === 'failed' || r?.status === 'conflict' ? styles.bad : r?.status === 'done' ? styles.good : undefined}>{r ? STATUS_LABEL[r.status] : 'Not run'}</span>
                        </TableCell>
                        <TableCell>{STEP_KIND_LABEL[step.kind]}</TableCell>
                        <TableCell>
                          {stepTarget(step, names)}
                          {r?.error ? <div className={styles.error}>{r.error.message}</div> : r?.reason ? <div className={styles.muted}>{r.reason}</div> : null}
                        </TableCell>
                        <TableCell>
                          <span className={styles.change}>
                            <span className={styles.before}>{change.before}</span>
                            <span className={styles.after}>→ {change.after}</span>
                          </span>
                        </TableCell>
                        {manyEnvironments ? <TableCell>{detail.plan.environments.find((e) => e.id === step.environmentId)?.displayName ?? step.environmentId}</TableCell> : null}
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </>
          ) : null}
        </Card>
      </div>
    </Page>
  );
}
