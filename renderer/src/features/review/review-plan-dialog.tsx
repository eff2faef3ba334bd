import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Switch,
  tokens,
} from '@fluentui/react-components';
import { Dismiss20Regular, Play20Filled, Wrench16Regular } from '@fluentui/react-icons';
import { useId, useMemo, useRef, useState } from 'react';
import { PlanView } from '../../components/plan-view';
import { ErrorBar } from '../../components/states';
import { WireChoicesView } from '../../components/wire-choices-view';
import { applyAllFixes as foldFixes, strategyIn } from '../../lib/intent';
import { namesFrom } from '../../lib/plan-words';
import { wireChoices } from '../../lib/wire-choices';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  surface: { width: 'min(1180px, 96vw)', maxWidth: 'min(1180px, 96vw)', maxHeight: '92vh', padding: 0, display: 'flex' },
  body: { display: 'flex', flexDirection: 'column', gap: 0, maxHeight: '92vh', width: '100%', gridTemplateRows: 'auto 1fr auto' },
  titleBar: { padding: '20px 24px 12px', borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  titleRow: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '12px' },
  subtitle: { margin: '4px 0 0', color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightRegular },
  content: { padding: '16px 24px', overflowY: 'auto', display: 'flex', flexDirection: 'column', gap: '16px', minHeight: '240px', flex: 1 },
  sectionTitle: { margin: '0 0 8px', fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  stepsHead: { display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', gap: '12px' },
  totals: { display: 'flex', alignItems: 'center', gap: '16px', flexWrap: 'wrap', fontSize: tokens.fontSizeBase300, fontVariantNumeric: 'tabular-nums' },
  good: { color: tokens.colorStatusSuccessForeground1, fontWeight: tokens.fontWeightSemibold },
  bad: { color: tokens.colorStatusDangerForeground1, fontWeight: tokens.fontWeightSemibold },
  warn: { color: tokens.colorStatusWarningForeground2, fontWeight: tokens.fontWeightSemibold },
  amendments: { margin: 0, paddingLeft: '18px', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  planning: { display: 'flex', alignItems: 'center', gap: '8px', color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, minHeight: '24px', outlineStyle: 'none' },
  actions: { padding: '12px 24px 20px', borderTop: `1px solid ${tokens.colorNeutralStroke2}`, display: 'flex', alignItems: 'center', gap: '8px' },
  actionsNote: { marginRight: 'auto', color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
});

/** The "Review plan" dialog: every action shows its plan here, amendable, before anything runs. */
export function ReviewPlanDialog() {
  const styles = useStyles();
  const runNoteId = useId();
  const open = useSlice('review', (s) => s.open);
  const title = useSlice('review', (s) => s.title);
  const intent = useSlice('review', (s) => s.intent);
  const plan = useSlice('review', (s) => s.plan);
  const firstPlan = useSlice('review', (s) => s.firstPlan);
  const previousPlan = useSlice('review', (s) => s.previousPlan);
  const status = useSlice('review', (s) => s.status);
  const error = useSlice('review', (s) => s.error);
  const amendments = useSlice('review', (s) => s.amendments);
  const close = useSlice('review', (s) => s.close);
  const run = useSlice('review', (s) => s.run);
  const applyFix = useSlice('review', (s) => s.applyFix);
  const pin = useSlice('review', (s) => s.pin);
  const setIdentity = useSlice('review', (s) => s.setIdentity);
  const amend = useSlice('review', (s) => s.amend);
  const applyAllFixes = useSlice('review', (s) => s.applyAllFixes);
  const statusRef = useRef<HTMLDivElement>(null);
  const [onlyProblems, setOnlyProblems] = useState(false);
  // An amendment re-plans and the clicked control may vanish: keep focus in the dialog, on the status.
  const keepFocus = (): void => statusRef.current?.focus({ preventScroll: true });
  const scan = useSlice('workspace', (s) => s.scan);
  const names = useMemo(() => namesFrom(scan), [scan]);
  const choices = useMemo(() => wireChoices(firstPlan, plan, intent, scan), [firstPlan, plan, intent, scan]);
  const planning = status === 'planning';

  const steps = plan?.steps ?? [];
  const succeed = steps.filter((s) => s.verdict.outcome === 'will-succeed').length;
  const failing = steps.filter((s) => s.verdict.outcome === 'will-fail').length;
  const maybe = steps.filter((s) => s.verdict.outcome === 'may-fail').length;
  const envCount = new Set(steps.map((s) => s.environmentId)).size;
  const canRun = status === 'ready' && steps.length > 0;
  const fixable = useMemo(() => (intent && plan ? foldFixes(intent, plan).count : 0), [intent, plan]);

  return (
    <Dialog open={open} modalType="modal" onOpenChange={(_, d) => !d.open && close()}>
      {/* Named by aria-label: exactly "Review plan" (the subtitle is not part of the name). */}
      <DialogSurface className={styles.surface} aria-label="Review plan" aria-labelledby={undefined}>
        <DialogBody className={styles.body}>
          <div className={styles.titleBar}>
            <div className={styles.titleRow}>
              <DialogTitle action={null}>Review plan</DialogTitle>
              <Button appearance="subtle" aria-label="Close" icon={<Dismiss20Regular />} onClick={close} />
            </div>
            <p className={styles.subtitle}>
              {title}
              {plan ? ` · ${plan.solution} · ${steps.length} ${steps.length === 1 ? 'step' : 'steps'} in ${envCount} ${envCount === 1 ? 'environment' : 'environments'}` : ''}
            </p>
          </div>
          <DialogContent className={styles.content}>
            <div className={styles.planning} role="status" aria-live="polite" tabIndex={-1} ref={statusRef}>
              {planning ? (
                <>
                  <Spinner size="extra-tiny" /> {plan ? 'Planning again…' : 'Planning…'}
                </>
              ) : plan ? (
                <span className={styles.totals}>
                  <span className={styles.good}>✓ {succeed} will succeed</span>
                  <span className={failing ? styles.bad : undefined}>✗ {failing} will fail</span>
                  <span className={maybe ? styles.warn : undefined}>? {maybe} may fail</span>
                  {fixable ? (
                    <Button
                      size="small"
                      appearance="primary"
                      icon={<Wrench16Regular />}
                      onClick={() => {
                        keepFocus();
                        void applyAllFixes();
                      }}
                    >
                      Apply {fixable} suggested {fixable === 1 ? 'fix' : 'fixes'}
                    </Button>
                  ) : null}
                </span>
              ) : null}
            </div>
            {status === 'error' ? (
              <ErrorBar title="The plan could not be built" message={error ?? ''} onRetry={intent ? () => void amend(intent, 'Planned again') : undefined} retryLabel="Plan again" />
            ) : null}
            {amendments.length ? (
              <section aria-label="Changes you made">
                <h3 className={styles.sectionTitle}>Changes you made</h3>
                <ul className={styles.amendments}>
                  {amendments.map((a, i) => (
                    <li key={i}>{a}</li>
                  ))}
                </ul>
              </section>
            ) : null}
            {plan?.warnings.length ? (
              <MessageBar intent="warning" layout="multiline">
                <MessageBarBody>
                  <MessageBarTitle>Not planned</MessageBarTitle>
                  <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                    {plan.warnings.map((w, i) => (
                      <li key={i}>{w}</li>
                    ))}
                  </ul>
                </MessageBarBody>
              </MessageBar>
            ) : null}
            {choices.length ? (
              <section aria-label="Connections">
                <h3 className={styles.sectionTitle}>Connections</h3>
                <WireChoicesView
                  choices={choices}
                  busy={planning}
                  onChoose={(choice, connectionName) => {
                    keepFocus();
                    const label = choice.options.find((o) => o.connection.name === connectionName)?.connection.displayName ?? connectionName;
                    void pin(choice.envId, choice.connector, connectionName, `${choice.connectorName} in ${choice.envName}: use ${label} for ${choice.references.length === 1 ? 'its reference' : `all ${choice.references.length} references`}`);
                  }}
                />
              </section>
            ) : null}
            {plan ? (
              <section aria-label="Steps">
                <div className={styles.stepsHead}>
                  <h3 className={styles.sectionTitle}>Steps</h3>
                  <Switch label="Only steps that may fail" checked={onlyProblems} onChange={(_, d) => setOnlyProblems(d.checked)} />
                </div>
                {plan.steps.length === 0 ? (
                  <p>
                    {choices.length
                      ? 'Nothing to do yet: the selected references already use these connections. Choose another connection above to re-wire them.'
                      : 'Nothing to do: everything selected is already in the wanted state.'}
                  </p>
                ) : null}
                <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
                  <PlanView
                    plan={plan}
                    names={names}
                    busy={planning}
                    onlyProblems={onlyProblems}
                    previous={previousPlan}
                    onFix={
                      intent
                        ? (step, fix, label) => {
                            keepFocus();
                            void applyFix(step, fix, label);
                          }
                        : null
                    }
                    identityOf={intent ? (envId) => strategyIn(intent, envId) : undefined}
                    onIdentityChange={intent ? (envId, strategy) => void setIdentity(envId, strategy, `${plan.environments.find((e) => e.id === envId)?.displayName ?? envId}: act as ${strategy}`) : null}
                  />
                </div>
              </section>
            ) : null}
          </DialogContent>
          <DialogActions className={styles.actions} fluid>
            <span id={runNoteId} className={styles.actionsNote}>
              {canRun ? (failing ? `${failing} ${failing === 1 ? 'step' : 'steps'} will fail as planned; the rest run anyway, and you get a result for each.` : 'Steps run in dependency order: shares, wiring, children, then parents.') : ''}
            </span>
            <Button appearance="secondary" onClick={close}>
              Cancel
            </Button>
            <Button appearance="primary" icon={<Play20Filled />} disabled={!canRun} aria-describedby={runNoteId} onClick={() => void run()}>
              Run
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
