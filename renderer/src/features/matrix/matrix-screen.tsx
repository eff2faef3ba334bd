import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, tokens } from '@fluentui/react-components';
import { Filter20Regular, Grid20Regular, PersonAccounts20Regular, Server20Regular } from '@fluentui/react-icons';
import { useEffect, useMemo } from 'react';
import { MatrixGrid } from '../../components/matrix-grid';
import { EmptyState, ErrorBar, GridSkeleton } from '../../components/states';
import { applySettingsOverlay, buildGridModel, filtersActive } from '../../lib/grid-model';
import { pruneSelection, summarize } from '../../lib/selection';
import { useSlice, useStores } from '../../stores/context';
import { ResultsPanel } from '../results/results-panel';
import { ActionBar } from './action-bar';
import { DetailPanel } from './detail-panel';
import { FilterBar } from './filter-bar';

const useStyles = makeStyles({
  screen: { display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 },
  bars: { display: 'flex', flexDirection: 'column', backgroundColor: tokens.colorNeutralBackground1, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  body: { flex: 1, minHeight: 0, display: 'flex', gap: '0', padding: '12px', paddingBottom: '0' },
  gridArea: {
    flex: 1,
    minWidth: 0,
    minHeight: 0,
    display: 'flex',
    flexDirection: 'column',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    overflow: 'hidden',
    boxShadow: tokens.shadow2,
  },
  notices: { display: 'flex', flexDirection: 'column', gap: '8px', padding: '0 12px', paddingTop: '12px' },
  gridWrap: { flex: 1, minHeight: 0, position: 'relative' },
  results: { padding: '12px' },
});

export function MatrixScreen() {
  const styles = useStyles();
  const stores = useStores();
  const scan = useSlice('workspace', (s) => s.scan);
  const status = useSlice('workspace', (s) => s.status);
  const error = useSlice('workspace', (s) => s.error);
  const solution = useSlice('workspace', (s) => s.solution);
  const overlay = useSlice('workspace', (s) => s.overlay);
  const scanNow = useSlice('workspace', (s) => s.scanNow);
  const envStatus = useSlice('environments', (s) => s.status);
  const envError = useSlice('environments', (s) => s.error);
  const selectedIds = useSlice('environments', (s) => s.selectedIds);
  const filters = useSlice('grid', (s) => s.filters);
  const selection = useSlice('grid', (s) => s.selection);
  const setSelection = useSlice('grid', (s) => s.setSelection);
  const showDetail = useSlice('grid', (s) => s.showDetail);
  const resetFilters = useSlice('grid', (s) => s.resetFilters);
  const go = useSlice('app', (s) => s.go);
  const runStatus = useSlice('runs', (s) => s.status);

  const matrix = useMemo(() => (scan ? applySettingsOverlay(scan.matrix, overlay) : null), [scan, overlay]);
  const model = useMemo(() => (matrix ? buildGridModel(matrix, filters) : null), [matrix, filters]);
  const summary = useMemo(() => (model ? summarize(selection.selected, model) : null), [model, selection.selected]);

  // A refresh or a filter can remove rows: drop what is no longer shown from the selection.
  useEffect(() => {
    if (!model) return;
    const pruned = pruneSelection(stores.grid.getState().selection, model);
    if (pruned !== stores.grid.getState().selection) setSelection(pruned);
  }, [model, setSelection, stores.grid]);

  let content;
  if (envStatus === 'error') {
    content = (
      <EmptyState
        icon={<PersonAccounts20Regular />}
        title="Environments are unavailable"
        actions={
          <>
            <Button appearance="primary" onClick={() => go('accounts')}>
              Go to accounts
            </Button>
            <Button onClick={() => void stores.environments.getState().load()}>Try again</Button>
          </>
        }
      >
        {envError ?? 'Sign in to a tenant to list its environments.'}
      </EmptyState>
    );
  } else if (envStatus !== 'ready' && !scan) {
    content = <GridSkeleton label="Loading environments" />;
  } else if (!selectedIds.length) {
    content = (
      <EmptyState icon={<Server20Regular />} title="No environments chosen" actions={<Button appearance="primary" onClick={() => go('environments')}>Choose environments</Button>}>
        Pick the environments of your release train (Dev, Test, UAT, Prod…) to see the solution in each.
      </EmptyState>
    );
  } else if (!solution) {
    content = (
      <EmptyState icon={<Grid20Regular />} title="Choose a solution">
        Pick a solution in the “Solution” box above: the matrix then shows its connection references, environment variables and flows in every chosen environment.
      </EmptyState>
    );
  } else if (!model) {
    content = status === 'error' ? (
      <div className={styles.notices}>
        <ErrorBar title="The scan failed" message={error ?? 'Unknown error'} onRetry={() => void scanNow()} />
      </div>
    ) : (
      <GridSkeleton label={`Scanning ${solution}`} />
    );
  } else {
    content = (
      <>
        {status === 'error' || scan?.failures.length ? (
          <div className={styles.notices}>
            {status === 'error' ? <ErrorBar title="Refresh failed; showing the previous scan" message={error ?? ''} onRetry={() => void scanNow()} /> : null}
            {scan?.failures.length ? (
              <MessageBar intent="warning" layout="multiline">
                <MessageBarBody>
                  <MessageBarTitle>Some environments could not be scanned</MessageBarTitle>
                  {scan.failures.map((f) => `${f.displayName}: ${f.error}`).join(' · ')}
                </MessageBarBody>
              </MessageBar>
            ) : null}
          </div>
        ) : null}
        <div className={styles.gridWrap}>
          {model.lines.length === 0 ? (
            filtersActive(filters) ? (
              <EmptyState icon={<Filter20Regular />} title="No rows match the filters" actions={<Button onClick={resetFilters}>Clear filters</Button>}>
                {model.totalRows} rows are hidden by the current filters.
              </EmptyState>
            ) : (
              <EmptyState icon={<Grid20Regular />} title="This solution has no connection references, variables or flows">
                Nothing to wire or turn on here.
              </EmptyState>
            )
          ) : (
            <MatrixGrid model={model} selection={selection} onSelectionChange={setSelection} onActivate={() => showDetail()} />
          )}
        </div>
      </>
    );
  }

  return (
    <div className={styles.screen}>
      <div className={styles.bars}>
        <ActionBar model={model} summary={summary} />
        <FilterBar matrix={matrix} summary={summary} />
      </div>
      <div className={styles.body}>
        <section className={styles.gridArea} aria-label="Matrix" aria-busy={status === 'loading' || status === 'refreshing'}>
          {content}
        </section>
        <DetailPanel model={model} />
      </div>
      {runStatus !== 'idle' ? (
        <div className={styles.results}>
          <ResultsPanel />
        </div>
      ) : (
        <div style={{ height: 12 }} />
      )}
    </div>
  );
}
