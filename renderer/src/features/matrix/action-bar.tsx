import { makeStyles, mergeClasses, Spinner, Toolbar, ToolbarButton, ToolbarDivider, Tooltip, tokens } from '@fluentui/react-components';
import {
  ArrowClockwise20Regular,
  ArrowUndo20Regular,
  Play20Regular,
  PlugConnected20Regular,
  PlugConnectedCheckmark20Regular,
  Share20Regular,
  ShieldTask20Regular,
  RecordStop20Regular,
} from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import type { GridModel } from '../../lib/grid-model';
import { ACTION_TITLES, actionIntent, type ActionKind } from '../../lib/intent';
import type { SelectionSummary } from '../../lib/selection';
import { useSlice, useStores } from '../../stores/context';

const useStyles = makeStyles({
  // A narrow window wraps the buttons onto a second line rather than squeezing labels into each other.
  bar: { display: 'flex', alignItems: 'center', columnGap: '8px', padding: '6px 12px', minHeight: '44px', flexWrap: 'wrap' },
  toolbar: { padding: 0, flexWrap: 'wrap', minWidth: 0 },
  button: { whiteSpace: 'nowrap', flexShrink: 0 },
  primary: { fontWeight: tokens.fontWeightSemibold },
  status: { display: 'flex', alignItems: 'center', gap: '8px', marginLeft: 'auto', color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, whiteSpace: 'nowrap' },
});

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

// Made when the module loads: the first date formatter pays for the locale data (tens of milliseconds),
// which would otherwise land in the first paint after a scan arrives.
const scannedAt = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

function scopeWords(kind: ActionKind, summary: SelectionSummary | null, envCount: number): string {
  const envs = summary && summary.count ? plural(summary.environmentIds.length, 'environment') : `all ${plural(envCount, 'environment')}`;
  const refs = summary?.references.length ? `the ${plural(summary.references.length, 'selected reference')}` : 'every reference that needs it';
  const flows = summary?.flows.length ? `the ${plural(summary.flows.length, 'selected flow')}` : 'every flow that is off';
  switch (kind) {
    case 'wire':
      return `Wire ${refs} in ${envs}; you choose the connections in the plan.`;
    case 'activate':
      return `Turn on ${flows} in ${envs}, children before parents.`;
    case 'wire-activate':
      return `Wire ${refs}, then turn on ${flows}, in ${envs}.`;
    case 'share':
      return `Share the connections the acting identity needs, then turn on ${flows} in ${envs}.`;
    case 'deactivate':
      return summary?.flows.length ? `Turn off the ${plural(summary.flows.length, 'selected flow')} in ${envs}, parents first.` : 'Select the flows to turn off first.';
  }
}

export function ActionBar({ model, summary }: { model: GridModel | null; summary: SelectionSummary | null }) {
  const styles = useStyles();
  const stores = useStores();
  const scan = useSlice('workspace', (s) => s.scan);
  const status = useSlice('workspace', (s) => s.status);
  const solution = useSlice('workspace', (s) => s.solution);
  const identity = useSlice('workspace', (s) => s.identity);
  const scanNow = useSlice('workspace', (s) => s.scanNow);
  const runStatus = useSlice('runs', (s) => s.status);
  const lastRunId = useSlice('runs', (s) => s.lastFinishedRunId);
  const historyRuns = useSlice('history', (s) => s.runs);
  const openIntent = useSlice('review', (s) => s.openIntent);
  const openUndo = useSlice('review', (s) => s.openUndo);
  const go = useSlice('app', (s) => s.go);

  const busy = runStatus === 'running' || runStatus === 'starting';
  const ready = !!scan && !!model;
  const envIds = scan?.matrix.columns.map((c) => c.environmentId) ?? [];
  const undoRunId = lastRunId ?? historyRuns.find((r) => r.status !== 'running')?.runId ?? null;

  const act = (kind: ActionKind): void => {
    if (!summary || !scan) return;
    void openIntent(ACTION_TITLES[kind], actionIntent(kind, summary, envIds, identity));
  };

  const action = (kind: ActionKind, icon: ReactElement, primary = false, disabledReason: string | null = null) => {
    const disabled = !ready || busy || disabledReason !== null;
    const tip = !ready ? 'Scan a solution first.' : busy ? 'A run is in progress.' : (disabledReason ?? scopeWords(kind, summary, envIds.length));
    return (
      <Tooltip content={tip} relationship="description" withArrow>
        <ToolbarButton appearance={primary ? 'primary' : 'subtle'} className={primary ? mergeClasses(styles.button, styles.primary) : styles.button} icon={icon} disabledFocusable={disabled} onClick={() => !disabled && act(kind)}>
          {ACTION_TITLES[kind]}
        </ToolbarButton>
      </Tooltip>
    );
  };

  return (
    <div className={styles.bar}>
      <Toolbar aria-label="Actions" className={styles.toolbar}>
        {action('wire', <PlugConnected20Regular />)}
        {action('activate', <Play20Regular />)}
        {action('wire-activate', <PlugConnectedCheckmark20Regular />, true)}
        <ToolbarDivider />
        {action('share', <Share20Regular />)}
        {action('deactivate', <RecordStop20Regular />, false, summary?.flows.length ? null : 'Select the flows to turn off first.')}
        <ToolbarDivider />
        <Tooltip content={undoRunId ? 'Plan the undo of the last run, from its journal.' : 'No run to undo yet.'} relationship="description" withArrow>
          <ToolbarButton className={styles.button} icon={<ArrowUndo20Regular />} disabledFocusable={!undoRunId || busy} onClick={() => undoRunId && !busy && void openUndo(undoRunId)}>
            Undo
          </ToolbarButton>
        </Tooltip>
        <Tooltip content="Scan the solution again in every chosen environment." relationship="description" withArrow>
          <ToolbarButton className={styles.button} icon={<ArrowClockwise20Regular />} disabledFocusable={!solution} onClick={() => solution && void scanNow()}>
            Refresh
          </ToolbarButton>
        </Tooltip>
        <Tooltip content="Open the audit: what is unwired, broken, off, and why." relationship="description" withArrow>
          <ToolbarButton
            className={styles.button}
            icon={<ShieldTask20Regular />}
            disabledFocusable={!scan}
            onClick={() => {
              if (!scan) return;
              go('audit');
              void stores.audit.getState().load();
            }}
          >
            Audit
          </ToolbarButton>
        </Tooltip>
      </Toolbar>
      <span className={styles.status} aria-live="polite">
        {status === 'loading' || status === 'refreshing' ? (
          <>
            <Spinner size="extra-tiny" /> Scanning…
          </>
        ) : scan ? (
          `Scanned ${scannedAt.format(new Date(scan.scannedAt))}`
        ) : null}
      </span>
    </div>
  );
}
