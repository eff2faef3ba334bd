import { Button, makeStyles, mergeClasses, ProgressBar, Spinner, Switch, tokens } from '@fluentui/react-components';
import {
  ArrowClockwise16Regular,
  CheckmarkCircle16Filled,
  ChevronDown16Regular,
  ChevronUp16Regular,
  CircleHint16Regular,
  DismissCircle16Filled,
  Dismiss16Regular,
  RecordStop16Regular,
  SubtractCircle16Regular,
  Warning16Filled,
} from '@fluentui/react-icons';
import { useId, useMemo, useState, type ReactElement } from 'react';
import { retryIntent } from '../../lib/intent';
import { namesFrom, STEP_KIND_LABEL, stepTarget } from '../../lib/plan-words';
import type { PlanStep, StepResult } from '../../lib/types';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  region: {
    display: 'flex',
    flexDirection: 'column',
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
    maxHeight: '32vh',
    minHeight: 0,
  },
  head: { display: 'flex', alignItems: 'center', gap: '12px', padding: '10px 12px 6px 16px', flexWrap: 'wrap' },
  title: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  state: { display: 'inline-flex', alignItems: 'center', gap: '6px', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  counts: { display: 'flex', gap: '12px', fontSize: tokens.fontSizeBase200, fontVariantNumeric: 'tabular-nums', color: tokens.colorNeutralForeground2 },
  spacer: { flex: 1 },
  progress: { padding: '0 16px 8px' },
  list: { listStyle: 'none', margin: 0, padding: '0 0 8px', overflowY: 'auto', minHeight: 0, borderTop: `1px solid ${tokens.colorNeutralStroke2}` },
  envHead: { padding: '6px 16px', fontSize: tokens.fontSizeBase200, fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground2, backgroundColor: tokens.colorNeutralBackground2, position: 'sticky', top: 0 },
  step: { display: 'grid', gridTemplateColumns: '120px 90px 1fr', gap: '2px 12px', padding: '6px 16px', borderBottom: `1px solid ${tokens.colorNeutralStroke3}`, fontSize: tokens.fontSizeBase300 },
  status: { display: 'inline-flex', alignItems: 'center', gap: '6px', fontWeight: tokens.fontWeightSemibold, whiteSpace: 'nowrap' },
  kind: { color: tokens.colorNeutralForeground2 },
  error: { gridColumn: '2 / 4', color: tokens.colorStatusDangerForeground1, fontSize: tokens.fontSizeBase200, whiteSpace: 'pre-wrap' },
  note: { gridColumn: '2 / 4', color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  code: { color: tokens.colorNeutralForeground3, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase100 },
  good: { color: tokens.colorStatusSuccessForeground1 },
  bad: { color: tokens.colorStatusDangerForeground1 },
  warn: { color: tokens.colorStatusWarningForeground2 },
  neutral: { color: tokens.colorNeutralForeground3 },
  running: { color: tokens.colorBrandForeground1 },
});

type Shown = StepResult['status'] | 'running' | 'pending';

const STATUS: Record<Shown, { label: string; icon: ReactElement; tone: 'good' | 'bad' | 'warn' | 'neutral' | 'running' }> = {
  done: { label: 'Done', icon: <CheckmarkCircle16Filled />, tone: 'good' },
  skipped: { label: 'Skipped', icon: <SubtractCircle16Regular />, tone: 'neutral' },
  failed: { label: 'Failed', icon: <DismissCircle16Filled />, tone: 'bad' },
  conflict: { label: 'Conflict', icon: <Warning16Filled />, tone: 'warn' },
  cancelled: { label: 'Cancelled', icon: <RecordStop16Regular />, tone: 'neutral' },
  running: { label: 'Running', icon: <Spinner size="extra-tiny" />, tone: 'running' },
  pending: { label: 'Waiting', icon: <CircleHint16Regular />, tone: 'neutral' },
};

/** The "Results" region: live progress of the current run, per step and overall; retry and cancel. */
export function ResultsPanel() {
  const styles = useStyles();
  const headingId = useId();
  const title = useSlice('runs', (s) => s.title);
  const plan = useSlice('runs', (s) => s.plan);
  const intent = useSlice('runs', (s) => s.intent);
  const status = useSlice('runs', (s) => s.status);
  const counts = useSlice('runs', (s) => s.counts);
  const results = useSlice('runs', (s) => s.results);
  const running = useSlice('runs', (s) => s.running);
  const error = useSlice('runs', (s) => s.error);
  const cancelled = useSlice('runs', (s) => s.cancelled);
  const cancelling = useSlice('runs', (s) => s.cancelling);
  const cancel = useSlice('runs', (s) => s.cancel);
  const dismiss = useSlice('runs', (s) => s.dismiss);
  const openIntent = useSlice('review', (s) => s.openIntent);
  const scan = useSlice('workspace', (s) => s.scan);
  const names = useMemo(() => namesFrom(scan), [scan]);
  const [collapsed, setCollapsed] = useState(false);
  const [onlyProblems, setOnlyProblems] = useState(false);

  const total = counts?.total ?? plan?.steps.length ?? 0;
  const finished = (counts?.done ?? 0) + (counts?.skipped ?? 0) + (counts?.failed ?? 0) + (counts?.conflicts ?? 0) + (counts?.cancelled ?? 0);
  const failedCount = (counts?.failed ?? 0) + (counts?.conflicts ?? 0);
  const active = status === 'running' || status === 'starting';
  const retry = plan && status === 'finished' ? retryIntent(plan, results, intent) : null;
  const runningSet = new Set(running);

  const shownOf = (step: PlanStep): Shown => results[step.id]?.status ?? (runningSet.has(step.id) ? 'running' : 'pending');
  const byEnv = new Map<string, PlanStep[]>();
  for (const step of plan?.steps ?? []) {
    const shown = shownOf(step);
    if (onlyProblems && !(shown === 'failed' || shown === 'conflict' || shown === 'cancelled')) continue;
    byEnv.set(step.environmentId, [...(byEnv.get(step.environmentId) ?? []), step]);
  }

  const headline = status === 'starting' ? 'Starting…' : status === 'running' ? (cancelling ? 'Cancelling…' : 'Running…') : status === 'error' ? 'Could not start' : cancelled ? 'Cancelled' : failedCount ? 'Finished with failures' : 'Finished';

  return (
    <section className={styles.region} aria-label="Results">
      <div className={styles.head}>
        <h2 id={headingId} className={styles.title}>
          Results
        </h2>
        <span className={styles.state}>
          {active ? <Spinner size="extra-tiny" /> : null}
          {title} · {headline}
        </span>
        <span className={styles.counts} aria-live="polite">
          <span>
            {finished} of {total} steps
          </span>
          <span className={styles.good}>{counts?.done ?? 0} done</span>
          <span>{counts?.skipped ?? 0} skipped</span>
          <span className={failedCount ? styles.bad : undefined}>{failedCount} failed</span>
          {counts?.cancelled ? <span>{counts.cancelled} cancelled</span> : null}
        </span>
        <span className={styles.spacer} />
        <Switch label="Only problems" checked={onlyProblems} onChange={(_, d) => setOnlyProblems(d.checked)} />
        <Button size="small" icon={<ArrowClockwise16Regular />} disabled={!retry} onClick={() => retry && void openIntent('Retry failed', retry)}>
          Retry failed
        </Button>
        <Button size="small" icon={<RecordStop16Regular />} disabled={!active || cancelling} onClick={() => void cancel()}>
          Cancel
        </Button>
        <Button size="small" appearance="subtle" icon={collapsed ? <ChevronUp16Regular /> : <ChevronDown16Regular />} aria-label={collapsed ? 'Show steps' : 'Hide steps'} aria-expanded={!collapsed} onClick={() => setCollapsed(!collapsed)} />
        <Button size="small" appearance="subtle" icon={<Dismiss16Regular />} aria-label="Close results" disabled={active} onClick={dismiss} />
      </div>
      <div className={styles.progress}>
        <ProgressBar
          aria-label="Run progress"
          thickness="large"
          {...(total || !active ? { value: total ? finished / total : 1 } : {})}
          max={1}
          color={failedCount ? 'error' : status === 'finished' ? 'success' : 'brand'}
        />
      </div>
      {error ? <div className={mergeClasses(styles.note, styles.bad)} style={{ padding: '0 16px 8px' }}>{error}</div> : null}
      {!collapsed ? (
        <ul className={styles.list} aria-label="Steps">
          {[...byEnv].map(([envId, steps]) => (
            <li key={envId}>
              <div className={styles.envHead}>{plan?.environments.find((e) => e.id === envId)?.displayName ?? envId}</div>
              <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                {steps.map((step) => {
                  const shown = shownOf(step);
                  const info = STATUS[shown];
                  const r = results[step.id];
                  return (
                    <li key={step.id} className={styles.step}>
                      <span className={mergeClasses(styles.status, styles[info.tone])}>
                        {info.icon}
                        {info.label}
                      </span>
                      <span className={styles.kind}>{STEP_KIND_LABEL[step.kind]}</span>
                      <span>{stepTarget(step, names)}</span>
                      {r?.error ? (
                        <span className={styles.error}>
                          {r.error.message}
                          {r.error.code ? <span className={styles.code}> ({r.error.code}{r.error.correlationId ? `, correlation ${r.error.correlationId}` : ''})</span> : null}
                        </span>
                      ) : r?.reason ? (
                        <span className={styles.note}>{r.reason}</span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
