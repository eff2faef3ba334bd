import {
  Button,
  Dropdown,
  makeStyles,
  mergeClasses,
  Option,
  SearchBox,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  ToggleButton,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, ArrowDownload20Regular, DismissCircle16Filled, DocumentText20Regular, Info16Filled, ShieldCheckmark20Regular, Warning16Filled, Wrench16Regular } from '@fluentui/react-icons';
import { useEffect, useMemo, type ReactElement } from 'react';
import { FINDING_KIND_LABEL } from '../../../../shared/report/words';
import type { FindingKind } from '../../../../shared/engine/audit';
import { Card, Page } from '../../components/page';
import { EmptyState, ErrorBar, GridSkeleton } from '../../components/states';
import { downloadFile } from '../../lib/files';
import { findingIntent } from '../../lib/intent';
import type { Finding } from '../../lib/types';
import { filterFindings, type Severity } from '../../stores/audit-store';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  filters: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  search: { width: '220px' },
  // Narrower than Fluent's default, so the filters and the count share one line on a laptop.
  dropdown: { minWidth: '190px', width: '190px' },
  // …while their lists keep room for the longer kind names on one line.
  listbox: { minWidth: '300px' },
  // One line, cut with an ellipsis: a long kind name must not grow the bar.
  dropdownButton: { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' },
  // Room between findings: each has a message and a fix line.
  cell: { paddingTop: '8px', paddingBottom: '8px' },
  severity: { display: 'inline-flex', alignItems: 'center', gap: '6px', fontWeight: tokens.fontWeightSemibold, whiteSpace: 'nowrap' },
  error: { color: tokens.colorStatusDangerForeground1 },
  warning: { color: tokens.colorStatusWarningForeground2 },
  info: { color: tokens.colorBrandForeground1 },
  kind: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  message: { lineHeight: tokens.lineHeightBase300 },
  fixText: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  count: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, marginLeft: 'auto' },
  table: { tableLayout: 'fixed' },
});

const SEVERITY: Record<Severity, { label: string; plural: string; icon: ReactElement }> = {
  error: { label: 'Error', plural: 'Errors', icon: <DismissCircle16Filled /> },
  warning: { label: 'Warning', plural: 'Warnings', icon: <Warning16Filled /> },
  info: { label: 'Info', plural: 'Info', icon: <Info16Filled /> },
};

/** A multi-select's value on one line: the one chosen, or how many ("2 kinds"); the list is open for details. */
const chosenWords = (labels: readonly string[], many: string): string => (labels.length > 1 ? `${labels.length} ${many}` : (labels[0] ?? ''));

export function AuditScreen() {
  const styles = useStyles();
  const findings = useSlice('audit', (s) => s.findings);
  const status = useSlice('audit', (s) => s.status);
  const error = useSlice('audit', (s) => s.error);
  const filters = useSlice('audit', (s) => s.filters);
  const exporting = useSlice('audit', (s) => s.exporting);
  const load = useSlice('audit', (s) => s.load);
  const setFilters = useSlice('audit', (s) => s.setFilters);
  const exportAs = useSlice('audit', (s) => s.exportAs);
  const scan = useSlice('workspace', (s) => s.scan);
  const identity = useSlice('workspace', (s) => s.identity);
  const openIntent = useSlice('review', (s) => s.openIntent);
  const runStatus = useSlice('runs', (s) => s.status);
  const busy = runStatus === 'running' || runStatus === 'starting';

  // First visit, or a new scan: read the findings again.
  const scannedAt = scan?.scannedAt;
  useEffect(() => {
    if (scannedAt) void load();
  }, [scannedAt, load]);

  const shown = useMemo(() => filterFindings(findings, filters), [findings, filters]);
  const environments = useMemo(() => [...new Map(findings.map((f) => [f.environmentId, f.environmentName])).entries()], [findings]);
  const kinds = useMemo(() => [...new Set(findings.map((f) => f.kind))], [findings]);
  const bySeverity = (s: Severity) => findings.filter((f) => f.severity === s).length;

  const doExport = async (format: 'csv' | 'json' | 'html') => {
    const file = await exportAs(format);
    if (file) downloadFile(file);
  };

  const fix = (f: Finding) => {
    const planned = findingIntent(f, identity);
    if (planned.intent) void openIntent(planned.title, planned.intent);
  };

  return (
    <Page
      title="Audit"
      description="What stands between this solution and a clean release, in every chosen environment: unwired or dangling references, broken connections and owners who left, connections the pipeline cannot use, flows off and why."
      actions={
        <>
          <Button icon={status === 'refreshing' ? <Spinner size="extra-tiny" /> : <ArrowClockwise20Regular />} onClick={() => void load()} disabled={!scan}>
            Refresh
          </Button>
          <Button icon={exporting === 'csv' ? <Spinner size="extra-tiny" /> : <ArrowDownload20Regular />} disabled={!!exporting || !findings.length} onClick={() => void doExport('csv')}>
            Export CSV
          </Button>
          <Button icon={exporting === 'json' ? <Spinner size="extra-tiny" /> : <ArrowDownload20Regular />} disabled={!!exporting || !scan} onClick={() => void doExport('json')}>
            Export JSON
          </Button>
          <Button appearance="primary" icon={exporting === 'html' ? <Spinner size="extra-tiny" /> : <DocumentText20Regular />} disabled={!!exporting || !scan} onClick={() => void doExport('html')}>
            Release report
          </Button>
        </>
      }
    >
      {status === 'error' ? <ErrorBar title="The audit could not be read" message={error ?? ''} onRetry={() => void load()} /> : null}
      <div className={styles.filters} role="search" aria-label="Audit filters">
        {(['error', 'warning', 'info'] as const).map((s) => {
          const on = filters.severities.includes(s);
          return (
            <ToggleButton
              key={s}
              size="small"
              checked={on}
              icon={<span className={styles[s]}>{SEVERITY[s].icon}</span>}
              onClick={() => setFilters({ severities: on ? filters.severities.filter((x) => x !== s) : [...filters.severities, s] })}
            >
              {SEVERITY[s].plural} ({bySeverity(s)})
            </ToggleButton>
          );
        })}
        <Dropdown
          size="small"
          className={styles.dropdown}
          listbox={{ className: styles.listbox }}
          button={{ className: styles.dropdownButton }}
          multiselect
          placeholder="All environments"
          aria-label="Environment"
          selectedOptions={filters.environmentIds}
          value={chosenWords(filters.environmentIds.map((id) => environments.find(([e]) => e === id)?.[1] ?? id), 'environments')}
          onOptionSelect={(_, d) => setFilters({ environmentIds: d.selectedOptions })}
        >
          {environments.map(([id, name]) => (
            <Option key={id} value={id}>
              {name}
            </Option>
          ))}
        </Dropdown>
        <Dropdown
          size="small"
          className={styles.dropdown}
          listbox={{ className: styles.listbox }}
          button={{ className: styles.dropdownButton }}
          multiselect
          placeholder="All kinds"
          aria-label="Kind"
          selectedOptions={filters.kinds}
          value={chosenWords(filters.kinds.map((k) => FINDING_KIND_LABEL[k as FindingKind] ?? k), 'kinds')}
          onOptionSelect={(_, d) => setFilters({ kinds: d.selectedOptions })}
        >
          {kinds.map((k) => (
            <Option key={k} value={k}>
              {FINDING_KIND_LABEL[k as FindingKind] ?? k}
            </Option>
          ))}
        </Dropdown>
        <SearchBox className={styles.search} size="small" placeholder="Search findings" aria-label="Search findings" value={filters.text} onChange={(_, d) => setFilters({ text: d.value })} />
        <span className={styles.count} role="status">
          {shown.length} of {findings.length} findings
        </span>
      </div>
      <Card>
        {!scan ? (
          <EmptyState icon={<ShieldCheckmark20Regular />} title="Nothing scanned yet">
            Choose a solution and environments; the audit covers what the matrix shows.
          </EmptyState>
        ) : status === 'loading' || status === 'idle' ? (
          <GridSkeleton label="Reading findings" rows={6} />
        ) : findings.length === 0 && status === 'ready' ? (
          <EmptyState icon={<ShieldCheckmark20Regular />} title="No findings">
            Every reference is wired to a healthy connection and every flow is on. Export the release report as evidence.
          </EmptyState>
        ) : shown.length === 0 ? (
          <EmptyState title="No finding matches the filters" actions={<Button onClick={() => setFilters({ severities: [], environmentIds: [], kinds: [], text: '' })}>Clear filters</Button>} />
        ) : (
          <Table aria-label="Findings" size="small" className={styles.table}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell style={{ width: 110 }}>Severity</TableHeaderCell>
                <TableHeaderCell style={{ width: 150 }}>Environment</TableHeaderCell>
                <TableHeaderCell style={{ width: '22%' }}>Item</TableHeaderCell>
                <TableHeaderCell>Finding</TableHeaderCell>
                <TableHeaderCell style={{ width: 110 }}>
                  <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>Fix</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {shown.map((f, i) => {
                const planned = findingIntent(f, identity);
                return (
                  <TableRow key={`${f.kind}:${f.environmentId}:${f.item}:${i}`}>
                    <TableCell className={styles.cell}>
                      <span className={mergeClasses(styles.severity, styles[f.severity])}>
                        {SEVERITY[f.severity].icon}
                        {SEVERITY[f.severity].label}
                      </span>
                    </TableCell>
                    <TableCell className={styles.cell}>{f.environmentName}</TableCell>
                    <TableCell className={styles.cell}>
                      <div>{f.itemName || '—'}</div>
                      <div className={styles.kind}>{FINDING_KIND_LABEL[f.kind as FindingKind] ?? f.kind}</div>
                    </TableCell>
                    <TableCell className={styles.cell}>
                      <div className={styles.message}>{f.message}</div>
                      <div className={styles.fixText}>{f.fix}</div>
                    </TableCell>
                    <TableCell>
                      {planned.intent ? (
                        <Button size="small" icon={<Wrench16Regular />} disabled={busy} onClick={() => fix(f)}>
                          Fix
                        </Button>
                      ) : (
                        <Tooltip content={planned.why} relationship="description">
                          <Button size="small" appearance="subtle" disabledFocusable>
                            Fix
                          </Button>
                        </Tooltip>
                      )}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </Card>
    </Page>
  );
}
