import { Badge, Dropdown, makeStyles, Option, tokens } from '@fluentui/react-components';
import { LockClosed12Regular, PersonProhibited16Regular } from '@fluentui/react-icons';
import type { WireChoice } from '../lib/wire-choices';

/**
 * Wire: per environment × connector, which connection all its references will use. Each option shows
 * the owner, its status and whether the acting identity may use it; the suggestion is marked and
 * pre-selected. Presentational.
 */

const useStyles = makeStyles({
  table: { display: 'flex', flexDirection: 'column', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusLarge, overflow: 'hidden' },
  row: {
    display: 'grid',
    gridTemplateColumns: '140px 160px 1fr minmax(320px, 1.5fr)',
    gap: '12px',
    alignItems: 'center',
    padding: '8px 12px',
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    fontSize: tokens.fontSizeBase300,
  },
  head: { backgroundColor: tokens.colorNeutralBackground3, fontSize: tokens.fontSizeBase200, fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground2 },
  refs: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  option: { display: 'flex', flexDirection: 'column', gap: '2px', padding: '2px 0' },
  optionTitle: { display: 'flex', alignItems: 'center', gap: '6px' },
  optionMeta: { display: 'flex', flexWrap: 'wrap', gap: '4px 10px', fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3 },
  ok: { color: tokens.colorStatusSuccessForeground1 },
  bad: { color: tokens.colorStatusDangerForeground1 },
  warn: { color: tokens.colorStatusWarningForeground2 },
  dropdown: { minWidth: '280px', width: '100%' },
});

export interface WireChoicesViewProps {
  choices: WireChoice[];
  onChoose: (choice: WireChoice, connectionName: string) => void;
  busy?: boolean;
}

export function WireChoicesView({ choices, onChoose, busy = false }: WireChoicesViewProps) {
  const styles = useStyles();
  return (
    <div className={styles.table} role="table" aria-label="Connections to wire">
      <div className={`${styles.row} ${styles.head}`} role="row">
        <span role="columnheader">Environment</span>
        <span role="columnheader">Connector</span>
        <span role="columnheader">References</span>
        <span role="columnheader">Connection (applies to all its references)</span>
      </div>
      {choices.map((choice) => {
        const selected = choice.options.find((o) => o.connection.name === choice.chosen);
        return (
          <div key={`${choice.envId}:${choice.connector}`} className={styles.row} role="row">
            <span role="cell">{choice.envName}</span>
            <span role="cell">{choice.connectorName}</span>
            <span role="cell" className={styles.refs}>
              {choice.references.map((r) => r.displayName).join(', ')}
            </span>
            <span role="cell">
              <Dropdown
                className={styles.dropdown}
                aria-label={`Connection for ${choice.connectorName} in ${choice.envName}`}
                placeholder={choice.options.length ? (choice.chosen === null ? 'Different per reference' : 'Choose a connection') : 'No connection of this connector here'}
                value={selected ? selected.connection.displayName : ''}
                selectedOptions={choice.chosen ? [choice.chosen] : []}
                disabled={busy || choice.options.length === 0}
                onOptionSelect={(_, d) => d.optionValue && d.optionValue !== choice.chosen && onChoose(choice, d.optionValue)}
              >
                {choice.options.map(({ connection, usable, healthy }) => (
                  <Option key={connection.name} value={connection.name} text={connection.displayName}>
                    <span className={styles.option}>
                      <span className={styles.optionTitle}>
                        {connection.displayName}
                        {connection.name === choice.suggested ? (
                          <Badge size="small" appearance="tint" color="brand">
                            Suggested
                          </Badge>
                        ) : null}
                      </span>
                      <span className={styles.optionMeta}>
                        <span>Owner: {connection.owner.displayName}</span>
                        {connection.ownerDisabled ? (
                          <span className={styles.warn}>
                            <PersonProhibited16Regular aria-hidden="true" /> owner disabled
                          </span>
                        ) : null}
                        <span className={healthy ? styles.ok : styles.bad}>{healthy ? 'Connected' : `Error: ${connection.health.kind === 'error' ? connection.health.message : ''}`}</span>
                        <span className={usable ? styles.ok : styles.warn}>
                          {usable ? (
                            'usable by the acting identity'
                          ) : (
                            <>
                              <LockClosed12Regular aria-hidden="true" /> not shared with the acting identity
                            </>
                          )}
                        </span>
                      </span>
                    </span>
                  </Option>
                ))}
              </Dropdown>
              {selected ? (
                <span className={styles.optionMeta} style={{ marginTop: 4 }}>
                  <span>Owner: {selected.connection.owner.displayName}</span>
                  {selected.connection.ownerDisabled ? <span className={styles.warn}>owner disabled</span> : null}
                  <span className={selected.healthy ? styles.ok : styles.bad}>{selected.healthy ? 'Connected' : 'In error'}</span>
                  <span className={selected.usable ? styles.ok : styles.warn}>{selected.usable ? 'usable by the acting identity' : 'not shared with the acting identity'}</span>
                  {choice.pinned === selected.connection.name ? (
                    <span>· chosen by you</span>
                  ) : selected.connection.name === choice.suggested ? (
                    <span>· suggested</span>
                  ) : selected.connection.name === choice.current ? (
                    <span>· in use now</span>
                  ) : null}
                </span>
              ) : null}
            </span>
          </div>
        );
      })}
    </div>
  );
}
