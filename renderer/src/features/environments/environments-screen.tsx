import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
  makeStyles,
  shorthands,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, Delete16Regular, Save20Regular } from '@fluentui/react-icons';
import { useState, type FormEvent } from 'react';
import { Card, Page } from '../../components/page';
import { EmptyState, ErrorBar, LoadingState } from '../../components/states';
import { skuLabel } from '../../lib/cell-words';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  layout: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 340px', gap: '16px', alignItems: 'start' },
  table: { tableLayout: 'auto' },
  muted: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  url: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  saveRow: { display: 'flex', gap: '8px', alignItems: 'flex-end' },
  sets: { listStyle: 'none', margin: '12px 0 0', padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  set: { display: 'flex', alignItems: 'center', gap: '8px', padding: '6px 8px', borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}` },
  setName: { flex: 1, minWidth: 0 },
  setActive: { ...shorthands.borderColor(tokens.colorBrandStroke1), backgroundColor: tokens.colorBrandBackground2 },
  tableActions: { display: 'flex', gap: '8px', marginBottom: '8px' },
});

export function EnvironmentsScreen() {
  const styles = useStyles();
  const environments = useSlice('environments', (s) => s.environments);
  const status = useSlice('environments', (s) => s.status);
  const error = useSlice('environments', (s) => s.error);
  const selectedIds = useSlice('environments', (s) => s.selectedIds);
  const sets = useSlice('environments', (s) => s.sets);
  const load = useSlice('environments', (s) => s.load);
  const toggle = useSlice('environments', (s) => s.toggle);
  const setSelected = useSlice('environments', (s) => s.setSelected);
  const saveSet = useSlice('environments', (s) => s.saveSet);
  const applySet = useSlice('environments', (s) => s.applySet);
  const deleteSet = useSlice('environments', (s) => s.deleteSet);
  const [name, setName] = useState('Release train');
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && selectedIds.length) saveSet(name);
  };
  const same = (ids: string[]) => ids.length === selectedIds.length && ids.every((id) => selectedIds.includes(id));

  return (
    <Page
      title="Environments"
      description="Pick the environments the matrix shows, in release order. Save a pick as a named set (“Release train”) to switch between trains in one click."
      actions={
        <Button icon={<ArrowClockwise20Regular />} onClick={() => void load()}>
          Refresh list
        </Button>
      }
    >
      {status === 'error' ? <ErrorBar title="Environments could not be listed" message={error ?? ''} onRetry={() => void load()} /> : null}
      <div className={styles.layout}>
        <Card title={`From the admin API${environments.length ? ` (${selectedIds.length} of ${environments.length} chosen)` : ''}`}>
          {status === 'loading' && !environments.length ? (
            <LoadingState label="Loading environments" />
          ) : environments.length === 0 ? (
            <EmptyState title="No environments">{status === 'ready' ? 'This account sees no environments. Check its roles in the Power Platform admin center.' : 'Sign in to list environments.'}</EmptyState>
          ) : (
            <>
              <div className={styles.tableActions}>
                <Button size="small" onClick={() => setSelected(environments.map((e) => e.id))}>
                  Choose all
                </Button>
                <Button size="small" onClick={() => setSelected([])}>
                  Clear
                </Button>
              </div>
              <Table className={styles.table} aria-label="Environments" size="small">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell style={{ width: 44 }}>
                      <span className="sr-only" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>
                        Shown
                      </span>
                    </TableHeaderCell>
                    <TableHeaderCell>Name</TableHeaderCell>
                    <TableHeaderCell>Type</TableHeaderCell>
                    <TableHeaderCell>Region</TableHeaderCell>
                    <TableHeaderCell>Dataverse</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {environments.map((env) => (
                    <TableRow key={env.id}>
                      <TableCell>
                        <Checkbox checked={selectedIds.includes(env.id)} onChange={() => toggle(env.id)} aria-label={`Show ${env.displayName}`} />
                      </TableCell>
                      <TableCell>
                        {env.displayName}{' '}
                        {env.isDefault ? (
                          <Badge size="small" appearance="outline" color="informative">
                            default
                          </Badge>
                        ) : null}
                      </TableCell>
                      <TableCell>
                        <Badge appearance={env.sku.toLowerCase() === 'production' ? 'filled' : 'tint'} color={env.sku.toLowerCase() === 'production' ? 'brand' : 'informative'}>
                          {skuLabel(env.sku)}
                        </Badge>
                      </TableCell>
                      <TableCell>{env.region}</TableCell>
                      <TableCell>
                        <span className={styles.url}>{env.instanceUrl ?? 'no Dataverse'}</span>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </>
          )}
        </Card>
        <Card title="Saved sets">
          <form className={styles.saveRow} onSubmit={save}>
            <Field label="Set name" style={{ flex: 1, minWidth: 0 }}>
              <Input value={name} onChange={(_, d) => setName(d.value)} />
            </Field>
            <Button type="submit" icon={<Save20Regular />} disabled={!name.trim() || !selectedIds.length} style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
              Save set
            </Button>
          </form>
          {sets.length ? (
            <ul className={styles.sets} aria-label="Saved sets">
              {sets.map((s) => (
                <li key={s.name} className={same(s.environmentIds) ? `${styles.set} ${styles.setActive}` : styles.set}>
                  <span className={styles.setName}>
                    {s.name} <span className={styles.muted}>· {s.environmentIds.length}</span>
                  </span>
                  <Button size="small" onClick={() => applySet(s.name)} aria-label={`Use ${s.name}`} disabled={same(s.environmentIds)}>
                    {same(s.environmentIds) ? 'In use' : 'Use'}
                  </Button>
                  <Button size="small" appearance="subtle" icon={<Delete16Regular />} onClick={() => deleteSet(s.name)} aria-label={`Delete ${s.name}`} />
                </li>
              ))}
            </ul>
          ) : (
            <p className={styles.muted}>No saved sets yet. Choose environments, name the set, save.</p>
          )}
        </Card>
      </div>
    </Page>
  );
}
