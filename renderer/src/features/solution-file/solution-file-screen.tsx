import { Checkbox, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, tokens } from '@fluentui/react-components';
import { Archive20Regular, FolderOpen20Regular } from '@fluentui/react-icons';
import { useState } from 'react';
import { FilePicker } from '../../components/file-picker';
import { Card, Page } from '../../components/page';
import { EmptyState, ErrorBar } from '../../components/states';
import { readBase64, zipFolder } from '../../lib/files';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  row: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
  envs: { display: 'flex', gap: '4px 16px', flexWrap: 'wrap' },
  summary: { display: 'flex', gap: '24px', flexWrap: 'wrap', fontSize: tokens.fontSizeBase300 },
  stat: { display: 'flex', flexDirection: 'column' },
  statValue: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  statLabel: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))', gap: '16px' },
  list: { margin: 0, paddingLeft: '18px', display: 'flex', flexDirection: 'column', gap: '4px' },
  muted: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
});

export function SolutionFileScreen() {
  const styles = useStyles();
  const environments = useSlice('environments', (s) => s.environments);
  const selectedIds = useSlice('environments', (s) => s.selectedIds);
  const preview = useSlice('files', (s) => s.preview);
  const status = useSlice('files', (s) => s.previewStatus);
  const error = useSlice('files', (s) => s.previewError);
  const previewSolution = useSlice('files', (s) => s.previewSolution);
  const chosen = environments.filter((e) => selectedIds.includes(e.id));
  const [targets, setTargets] = useState<string[] | null>(null);
  const targetIds = targets ?? chosen.map((e) => e.id);
  const [reading, setReading] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);

  const run = async (read: () => Promise<{ name: string; base64: string; label: string }>) => {
    if (!targetIds.length) return;
    setReading(true);
    setReadError(null);
    try {
      const { name, base64, label } = await read();
      await previewSolution(name, base64, targetIds, label);
    } catch (e) {
      setReadError(e instanceof Error ? e.message : String(e));
    } finally {
      setReading(false);
    }
  };
  const busy = reading || status === 'working';

  return (
    <Page title="Solution file" description="Before you import: open a solution zip (or its unpacked folder) and see, for each target environment, which connection references will need wiring, which environment variables need values, and which flows will need turning on.">
      <Card title="Targets">
        {chosen.length === 0 ? (
          <EmptyState title="No environments chosen">Choose environments first.</EmptyState>
        ) : (
          <div className={styles.envs} role="group" aria-label="Target environments">
            {chosen.map((e) => (
              <Checkbox
                key={e.id}
                label={e.displayName}
                checked={targetIds.includes(e.id)}
                onChange={(_, d) => setTargets(d.checked ? [...targetIds, e.id] : targetIds.filter((id) => id !== e.id))}
              />
            ))}
          </div>
        )}
        <div className={styles.row} style={{ marginTop: 12 }}>
          <FilePicker
            label="Open solution zip…"
            accept=".zip,application/zip"
            icon={<Archive20Regular />}
            disabled={busy || !targetIds.length}
            onFiles={(files) => {
              const f = files[0];
              if (f) void run(async () => ({ name: f.name, base64: await readBase64(f), label: f.name }));
            }}
          />
          <FilePicker label="Open unpacked folder…" folder icon={<FolderOpen20Regular />} disabled={busy || !targetIds.length} onFiles={(files) => void run(async () => zipFolder(files).then((z) => ({ name: z.name, base64: z.base64, label: `folder ${z.name.replace(/\.zip$/, '')} (${files.length} files)` })))} />
          {busy ? <Spinner size="tiny" label="Reading the solution…" /> : null}
        </div>
      </Card>
      {readError ? <ErrorBar title="The file could not be read" message={readError} /> : null}
      {error ? <ErrorBar title="Preview failed" message={error} /> : null}
      {preview && !preview.result.ok ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{preview.label} is not a solution Patchbay can read</MessageBarTitle>
            <ul className={styles.list}>
              {preview.result.errors.map((i, n) => (
                <li key={n}>
                  {i.file}
                  {i.line !== null ? `:${i.line}` : ''} — {i.message}
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {preview?.result.ok ? (
        <>
          <Card title={`${preview.result.solution.uniqueName} ${preview.result.solution.version}`}>
            <div className={styles.summary}>
              {(
                [
                  ['Connection references', preview.result.solution.references],
                  ['Environment variables', preview.result.solution.variables],
                  ['Cloud flows', preview.result.solution.flows],
                ] as const
              ).map(([label, n]) => (
                <span key={label} className={styles.stat}>
                  <span className={styles.statValue}>{n}</span>
                  <span className={styles.statLabel}>{label}</span>
                </span>
              ))}
            </div>
            <p className={styles.muted}>From {preview.label}</p>
          </Card>
          <div className={styles.grid}>
            {preview.result.environments.map((env) => (
              <Card key={env.environmentId} title={env.displayName} headingLevel={3}>
                {env.summary.length ? (
                  <ul className={styles.list}>
                    {env.summary.map((line, i) => (
                      <li key={i}>{line}</li>
                    ))}
                  </ul>
                ) : (
                  <p className={styles.muted}>Nothing to do after import.</p>
                )}
              </Card>
            ))}
          </div>
        </>
      ) : null}
    </Page>
  );
}
