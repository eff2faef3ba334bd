import {
  Button,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Spinner,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownload20Regular, DocumentArrowUp20Regular, DocumentSearch20Regular, Play20Regular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { FilePicker } from '../../components/file-picker';
import { Card, Page } from '../../components/page';
import { EmptyState, ErrorBar } from '../../components/states';
import { downloadFile, readText, settingsFileValues } from '../../lib/files';
import type { FileIssue } from '../../lib/types';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  layout: { display: 'grid', gridTemplateColumns: 'minmax(0, 0.8fr) minmax(0, 1.2fr)', gap: '16px', alignItems: 'start' },
  exportRow: { display: 'flex', alignItems: 'center', gap: '12px', padding: '8px 0', borderBottom: `1px solid ${tokens.colorNeutralStroke3}` },
  envName: { flex: 1 },
  muted: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  form: { display: 'flex', flexDirection: 'column', gap: '12px' },
  row: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  issues: { margin: '4px 0 0', paddingLeft: '18px' },
  error: { color: tokens.colorStatusDangerForeground1, fontSize: tokens.fontSizeBase200 },
});

const where = (i: FileIssue): string => (i.line !== null ? `line ${i.line}${i.column !== null ? `, column ${i.column}` : ''}: ` : '');

function Issues({ title, issues, intent }: { title: string; issues: FileIssue[]; intent: 'error' | 'warning' }) {
  const styles = useStyles();
  if (!issues.length) return null;
  return (
    <MessageBar intent={intent} layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        <ul className={styles.issues}>
          {issues.map((i, n) => (
            <li key={n}>
              {where(i)}
              {i.message}
            </li>
          ))}
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}

export function SettingsFilesScreen() {
  const styles = useStyles();
  const environments = useSlice('environments', (s) => s.environments);
  const selectedIds = useSlice('environments', (s) => s.selectedIds);
  const exportStatus = useSlice('files', (s) => s.exportStatus);
  const exportError = useSlice('files', (s) => s.exportError);
  const diff = useSlice('files', (s) => s.diff);
  const diffStatus = useSlice('files', (s) => s.diffStatus);
  const diffError = useSlice('files', (s) => s.diffError);
  const importResult = useSlice('files', (s) => s.importResult);
  const importStatus = useSlice('files', (s) => s.importStatus);
  const importError = useSlice('files', (s) => s.importError);
  const exportSettings = useSlice('files', (s) => s.exportSettings);
  const diffSettings = useSlice('files', (s) => s.diffSettings);
  const importSettings = useSlice('files', (s) => s.importSettings);
  const openPlan = useSlice('review', (s) => s.openPlan);
  const overlayFiles = useSlice('workspace', (s) => s.overlayFiles);
  const setOverlay = useSlice('workspace', (s) => s.setOverlay);
  const clearOverlay = useSlice('workspace', (s) => s.clearOverlay);
  const chosen = environments.filter((e) => selectedIds.includes(e.id));
  const [envId, setEnvId] = useState<string>('');
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  useEffect(() => {
    if (!envId || !chosen.some((e) => e.id === envId)) setEnvId(chosen[0]?.id ?? '');
  }, [chosen, envId]);
  const envName = chosen.find((e) => e.id === envId)?.displayName ?? '';

  const compare = async () => {
    if (!file || !envId) return;
    const result = await diffSettings(envId, file.name, file.content);
    const values = result?.ok ? settingsFileValues(file.content) : null;
    if (values) setOverlay(envId, file.name, values);
  };
  const planImport = async () => {
    if (!file || !envId) return;
    const result = await importSettings(envId, file.name, file.content);
    if (result?.ok) void openPlan(`Import ${file.name} into ${envName}`, () => Promise.resolve(result.plan));
  };

  return (
    <Page
      title="Settings files"
      description="Deployment settings files (the pac CLI’s format): export one per environment from what is live, compare a file with an environment (drift), or import one as a plan that wires references and sets variable values."
    >
      <div className={styles.layout}>
        <Card title="Export from live">
          {chosen.length === 0 ? (
            <EmptyState title="No environments chosen">Choose environments first.</EmptyState>
          ) : (
            chosen.map((e) => (
              <div key={e.id} className={styles.exportRow}>
                <span className={styles.envName}>
                  {e.displayName}
                  {exportError[e.id] ? <div className={styles.error}>{exportError[e.id]}</div> : null}
                </span>
                <Button
                  size="small"
                  icon={exportStatus[e.id] === 'working' ? <Spinner size="extra-tiny" /> : <ArrowDownload20Regular />}
                  disabled={exportStatus[e.id] === 'working'}
                  aria-label={`Export settings of ${e.displayName}`}
                  onClick={() => void exportSettings(e.id).then((f) => f && downloadFile(f))}
                >
                  Export settings
                </Button>
              </div>
            ))
          )}
        </Card>
        <Card title="Compare or import a file">
          <div className={styles.form}>
            <Field label="Environment">
              <Select value={envId} onChange={(_, d) => setEnvId(d.value)} disabled={!chosen.length}>
                {chosen.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.displayName}
                  </option>
                ))}
              </Select>
            </Field>
            <div className={styles.row}>
              <FilePicker
                label="Choose settings file…"
                accept=".json,application/json"
                icon={<DocumentArrowUp20Regular />}
                fileName={file?.name ?? null}
                onFiles={(files) => {
                  const f = files[0];
                  if (f) void readText(f).then((content) => setFile({ name: f.name, content }));
                }}
              />
            </div>
            <div className={styles.row}>
              <Button icon={diffStatus === 'working' ? <Spinner size="extra-tiny" /> : <DocumentSearch20Regular />} disabled={!file || !envId || diffStatus === 'working'} onClick={() => void compare()}>
                Compare with live
              </Button>
              <Button appearance="primary" icon={importStatus === 'working' ? <Spinner size="extra-tiny" /> : <Play20Regular />} disabled={!file || !envId || importStatus === 'working'} onClick={() => void planImport()}>
                Plan import
              </Button>
              {overlayFiles[envId] ? (
                <Switch label={`Show differences in the matrix (${overlayFiles[envId]})`} checked onChange={() => clearOverlay(envId)} />
              ) : null}
            </div>
            {diffError ? <ErrorBar title="Compare failed" message={diffError} /> : null}
            {importError ? <ErrorBar title="Import failed" message={importError} /> : null}
            {importResult && !importResult.result.ok ? <Issues title={`${importResult.fileName} cannot be imported`} issues={importResult.result.errors} intent="error" /> : null}
            {importResult ? <Issues title="Warnings" issues={importResult.result.warnings} intent="warning" /> : null}
            {diff ? (
              <section aria-label="Drift">
                <Issues title={`${diff.fileName} cannot be read`} issues={diff.result.errors} intent="error" />
                {diff.result.ok ? (
                  diff.result.hasDrift ? (
                    <Table size="small" aria-label="Differences" style={{ tableLayout: 'fixed', overflowWrap: 'anywhere' }}>
                      <TableHeader>
                        <TableRow>
                          <TableHeaderCell style={{ width: 140 }}>Kind</TableHeaderCell>
                          <TableHeaderCell style={{ width: '30%' }}>Item</TableHeaderCell>
                          <TableHeaderCell>Difference</TableHeaderCell>
                        </TableRow>
                      </TableHeader>
                      <TableBody>
                        {diff.result.items.map((item, i) => (
                          <TableRow key={i}>
                            <TableCell>{item.kind}</TableCell>
                            <TableCell>{item.item}</TableCell>
                            <TableCell>{item.message}</TableCell>
                          </TableRow>
                        ))}
                      </TableBody>
                    </Table>
                  ) : (
                    <MessageBar intent="success">
                      <MessageBarBody>
                        {diff.fileName} matches {chosen.find((e) => e.id === diff.environmentId)?.displayName ?? 'the environment'}: no drift.
                      </MessageBarBody>
                    </MessageBar>
                  )
                ) : null}
              </section>
            ) : null}
          </div>
        </Card>
      </div>
    </Page>
  );
}
