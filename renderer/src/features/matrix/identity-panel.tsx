import { Button, Dropdown, makeStyles, Option, Popover, PopoverSurface, PopoverTrigger, tokens } from '@fluentui/react-components';
import { ChevronDown16Regular, Checkmark16Regular, PersonLock20Regular, Subtract16Regular } from '@fluentui/react-icons';
import { useId } from 'react';
import { STRATEGY_HELP, STRATEGY_NAMES } from '../../lib/plan-words';
import type { Strategy } from '../../lib/types';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  surface: { width: '560px', maxHeight: '70vh', overflowY: 'auto', padding: '16px 20px' },
  title: { margin: '0 0 4px', fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  intro: { margin: '0 0 12px', color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  who: { display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '2px 12px', fontSize: tokens.fontSizeBase200, marginBottom: '12px' },
  whoLabel: { color: tokens.colorNeutralForeground3 },
  envs: { display: 'flex', flexDirection: 'column', borderTop: `1px solid ${tokens.colorNeutralStroke2}` },
  env: { display: 'grid', gridTemplateColumns: '1fr 240px', gap: '12px', alignItems: 'center', padding: '6px 0', borderBottom: `1px solid ${tokens.colorNeutralStroke3}` },
  envName: { fontWeight: tokens.fontWeightSemibold },
  subTitle: { margin: '16px 0 8px', fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  strategies: { display: 'flex', flexDirection: 'column', gap: '10px', margin: 0 },
  strategy: { display: 'grid', gridTemplateColumns: '150px 1fr', gap: '12px' },
  strategyName: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase200 },
  help: { display: 'flex', flexDirection: 'column', gap: '2px', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  can: { display: 'flex', gap: '6px', alignItems: 'flex-start' },
  canIcon: { color: tokens.colorStatusSuccessForeground1, flexShrink: 0, marginTop: '2px' },
  cannotIcon: { color: tokens.colorStatusDangerForeground1, flexShrink: 0, marginTop: '2px' },
});

const STRATEGIES: Strategy[] = ['auto', 'me', 'spn', 'connection-owner'];

export function StrategyHelp({ strategy }: { strategy: Strategy }) {
  const styles = useStyles();
  const help = STRATEGY_HELP[strategy];
  return (
    <div className={styles.help}>
      <span className={styles.can}>
        <Checkmark16Regular className={styles.canIcon} aria-label="Can" />
        {help.can}
      </span>
      <span className={styles.can}>
        <Subtract16Regular className={styles.cannotIcon} aria-label="Cannot" />
        {help.cannot}
      </span>
    </div>
  );
}

/** Per environment: who acts (Automatic, me, the service principal, or the connection owner), and what each can do. */
export function IdentityPanel() {
  const styles = useStyles();
  const headingId = useId();
  const scan = useSlice('workspace', (s) => s.scan);
  const identity = useSlice('workspace', (s) => s.identity);
  const setIdentity = useSlice('workspace', (s) => s.setIdentity);
  const environments = useSlice('environments', (s) => s.environments);
  const selectedIds = useSlice('environments', (s) => s.selectedIds);
  const columns = scan?.matrix.columns ?? environments.filter((e) => selectedIds.includes(e.id)).map((e) => ({ environmentId: e.id, displayName: e.displayName }));
  const name = (id: string | null | undefined): string | null => (id ? (scan?.principals[id] ?? scan?.principals[id.toLowerCase()] ?? id) : null);
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className={styles.title}>
        Identity
      </h2>
      <p className={styles.intro}>Who wires and turns flows on, per environment. The matrix’s “blocked” and “not usable” states follow this choice.</p>
      <div className={styles.who}>
        <span className={styles.whoLabel}>Me</span>
        <span>{name(scan?.identities.me) ?? 'no signed-in account'}</span>
        <span className={styles.whoLabel}>Service principal</span>
        <span>{name(scan?.identities.spn) ?? 'none configured (add one in Accounts)'}</span>
      </div>
      <div className={styles.envs}>
        {columns.map((c) => {
          const value = identity[c.environmentId] ?? 'auto';
          return (
            <div key={c.environmentId} className={styles.env}>
              <span className={styles.envName}>{c.displayName}</span>
              <Dropdown
                aria-label={`Identity in ${c.displayName}`}
                value={STRATEGY_NAMES[value]}
                selectedOptions={[value]}
                onOptionSelect={(_, d) => setIdentity(c.environmentId, (d.optionValue as Strategy | undefined) ?? 'auto')}
              >
                {STRATEGIES.map((s) => (
                  <Option key={s} value={s}>
                    {STRATEGY_NAMES[s]}
                  </Option>
                ))}
              </Dropdown>
            </div>
          );
        })}
      </div>
      <h3 className={styles.subTitle}>What each can and cannot do</h3>
      <dl className={styles.strategies}>
        {STRATEGIES.map((s) => (
          <div key={s} className={styles.strategy}>
            <dt className={styles.strategyName}>{STRATEGY_NAMES[s]}</dt>
            <dd style={{ margin: 0 }}>
              <StrategyHelp strategy={s} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function IdentityButton() {
  const identity = useSlice('workspace', (s) => s.identity);
  const selectedIds = useSlice('environments', (s) => s.selectedIds);
  const values = [...new Set(selectedIds.map((id) => identity[id] ?? 'auto'))];
  const label = values.length === 0 ? STRATEGY_NAMES.auto : values.length === 1 && values[0] ? STRATEGY_NAMES[values[0]] : 'Mixed';
  const styles = useStyles();
  return (
    <Popover positioning="below-end" trapFocus withArrow>
      <PopoverTrigger disableButtonEnhancement>
        <Button size="small" appearance="subtle" icon={<PersonLock20Regular />} aria-label={`Identity: ${label}`}>
          Identity: {label}
          <ChevronDown16Regular style={{ marginLeft: 4 }} />
        </Button>
      </PopoverTrigger>
      <PopoverSurface className={styles.surface}>
        <IdentityPanel />
      </PopoverSurface>
    </Popover>
  );
}
