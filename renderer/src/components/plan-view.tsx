import { Badge, Button, Dropdown, makeStyles, mergeClasses, Option, tokens } from '@fluentui/react-components';
import { ArrowRight12Regular, Info16Regular, Wrench16Regular } from '@fluentui/react-icons';
import { memo, useEffect, useMemo, useState, useTransition } from 'react';
import { isAmendingFix } from '../lib/intent';
import { fixLabel, identityWords, OUTCOME, STEP_KIND_LABEL, stepChange, stepKey, stepTarget, STRATEGY_NAMES, verdictReasons, wireNote, type Names } from '../lib/plan-words';
import type { Fix, Plan, PlanStep, Strategy } from '../lib/types';

/**
 * A plan, reviewable: steps grouped by environment, each with before → after, who acts, its verdict
 * (✓ / ✗ / ?) and the reasons in plain words, and each fix as a button that amends the intent (or, for
 * what a plan cannot do, as an instruction). Presentational: changes go out through callbacks.
 */

const useStyles = makeStyles({
  env: { display: 'flex', flexDirection: 'column', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusLarge, overflow: 'hidden' },
  envHead: {
    display: 'flex',
    alignItems: 'center',
    gap: '12px',
    padding: '8px 12px',
    backgroundColor: tokens.colorNeutralBackground3,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    flexWrap: 'wrap',
  },
  envName: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  envCounts: { display: 'flex', gap: '10px', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2, fontVariantNumeric: 'tabular-nums' },
  envIdentity: { marginLeft: 'auto', display: 'flex', alignItems: 'center', gap: '8px', fontSize: tokens.fontSizeBase200 },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  step: {
    display: 'grid',
    gridTemplateColumns: '120px 76px minmax(160px, 1.2fr) minmax(200px, 1.4fr)',
    gap: '4px 12px',
    padding: '8px 12px',
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    alignItems: 'start',
    fontSize: tokens.fontSizeBase300,
  },
  // Steps that will not succeed stand out in a long plan.
  stepBad: { backgroundColor: tokens.colorStatusDangerBackground1 },
  stepWarn: { backgroundColor: tokens.colorStatusWarningBackground1 },
  verdict: { display: 'inline-flex', alignItems: 'center', gap: '6px', fontWeight: tokens.fontWeightSemibold, whiteSpace: 'nowrap' },
  mark: { marginLeft: '8px', verticalAlign: 'text-bottom' },
  symbol: {
    display: 'inline-grid',
    placeItems: 'center',
    width: '20px',
    height: '20px',
    borderRadius: '50%',
    fontSize: '13px',
    fontWeight: tokens.fontWeightBold,
  },
  good: { color: tokens.colorStatusSuccessForeground1 },
  bad: { color: tokens.colorStatusDangerForeground1 },
  warn: { color: tokens.colorStatusWarningForeground2 },
  goodBg: { backgroundColor: tokens.colorStatusSuccessBackground2, color: tokens.colorStatusSuccessForeground1 },
  badBg: { backgroundColor: tokens.colorStatusDangerBackground2, color: tokens.colorStatusDangerForeground1 },
  warnBg: { backgroundColor: tokens.colorStatusWarningBackground2, color: tokens.colorStatusWarningForeground2 },
  kind: { color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightSemibold },
  target: { wordBreak: 'break-word' },
  change: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: '4px 6px', color: tokens.colorNeutralForeground2, minWidth: 0, wordBreak: 'break-word' },
  before: { textDecorationLine: 'line-through', textDecorationColor: tokens.colorNeutralForeground4 },
  after: { color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold },
  who: { gridColumn: '3 / 5', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground3 },
  why: { gridColumn: '1 / 5', display: 'flex', flexDirection: 'column', gap: '6px', paddingLeft: '26px' },
  reasons: { margin: 0, paddingLeft: '16px', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground1 },
  fixes: { display: 'flex', flexWrap: 'wrap', gap: '6px', alignItems: 'center' },
  manual: { display: 'inline-flex', alignItems: 'center', gap: '4px', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  more: { padding: '8px 12px' },
  deps: { fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3 },
});

const TONE_CLASS = { good: 'good', bad: 'bad', warn: 'warn' } as const;

export interface PlanViewProps {
  plan: Plan;
  names: Names;
  /** null: the plan cannot be amended (undo, settings file): fixes are shown as text. */
  onFix: ((step: PlanStep, fix: Fix, label: string) => void) | null;
  /** Per environment: the identity strategy, and a setter when it can be changed. */
  identityOf?: ((envId: string) => Strategy) | undefined;
  onIdentityChange?: ((envId: string, strategy: Strategy) => void) | null | undefined;
  busy?: boolean;
  pageSize?: number;
  /** Show only the steps that will or may fail. */
  onlyProblems?: boolean;
  /** The plan before the latest amendment: steps it fixed or added are marked. */
  previous?: Plan | null | undefined;
}

/** How the latest amendment changed a step: it now succeeds where it did not, or it is new. */
type StepChangeMark = 'fixed' | 'added' | null;

const MARK_WORDS: Record<Exclude<StepChangeMark, null>, string> = { fixed: 'fixed by your change', added: 'added by your change' };

const StepRow = memo(function StepRow({ step, names, onFix, busy, mark }: { step: PlanStep; names: Names; onFix: PlanViewProps['onFix']; busy: boolean; mark: StepChangeMark }) {
  const styles = useStyles();
  const outcome = OUTCOME[step.verdict.outcome];
  const tone = TONE_CLASS[outcome.tone];
  const change = stepChange(step, names);
  // Two references on one connection give the same reason and the same fix twice: say each once.
  const reasons = [...new Set(verdictReasons(step.verdict, names, step.environmentId))];
  const labelled = (step.verdict.outcome === 'will-succeed' ? [] : step.verdict.fixes).map((fix) => ({ fix, label: fixLabel(fix, step, names) }));
  const fixes = labelled.filter((f, i) => labelled.findIndex((g) => g.label === f.label) === i);
  return (
    <li
      className={mergeClasses(styles.step, tone === 'bad' && styles.stepBad, tone === 'warn' && styles.stepWarn)}
      aria-label={`${STEP_KIND_LABEL[step.kind]} ${stepTarget(step, names)}: ${outcome.label}${mark ? `, ${MARK_WORDS[mark]}` : ''}`}
    >
      <span className={mergeClasses(styles.verdict, styles[tone])}>
        <span className={mergeClasses(styles.symbol, styles[`${tone}Bg`])} aria-hidden="true">
          {outcome.symbol}
        </span>
        {outcome.label}
      </span>
      <span className={styles.kind}>{STEP_KIND_LABEL[step.kind]}</span>
      <span className={styles.target}>
        {stepTarget(step, names)}
        {mark ? (
          <Badge className={styles.mark} size="small" appearance="tint" color={mark === 'fixed' ? 'success' : 'brand'}>
            {mark === 'fixed' ? 'Fixed' : 'Added'}
          </Badge>
        ) : null}
      </span>
      <span className={styles.change}>
        <span className={styles.before}>{change.before}</span>
        <ArrowRight12Regular aria-label="becomes" />
        <span className={styles.after}>{change.after}</span>
      </span>
      <span className={styles.who}>
        By {identityWords(step.identity, names)} · {STRATEGY_NAMES[step.strategy].toLowerCase()}
        {wireNote(step, names) ? ` · connection ${wireNote(step, names) ?? ''}` : ''}
        {step.dependsOn.length ? <span className={styles.deps}> · after {step.dependsOn.length} earlier {step.dependsOn.length === 1 ? 'step' : 'steps'}</span> : null}
      </span>
      {reasons.length || fixes.length ? (
        <div className={styles.why}>
          {reasons.length ? (
            <ul className={styles.reasons}>
              {reasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          ) : null}
          {fixes.length ? (
            <div className={styles.fixes}>
              {fixes.map(({ fix, label }, i) => {
                if (onFix && isAmendingFix(fix)) {
                  return (
                    <Button key={i} size="small" appearance="outline" icon={<Wrench16Regular />} disabledFocusable={busy} onClick={() => !busy && onFix(step, fix, label)}>
                      {label}
                    </Button>
                  );
                }
                return (
                  <span key={i} className={styles.manual}>
                    <Info16Regular aria-hidden="true" />
                    {label}
                  </span>
                );
              })}
            </div>
          ) : null}
        </div>
      ) : null}
    </li>
  );
});

const STRATEGIES: Strategy[] = ['auto', 'me', 'spn', 'connection-owner'];

/**
 * A long plan (select all across 20 environments: thousands of steps) shows its first rows at once and
 * the rest in the background, a slice per task in a transition, so the dialog opens in a frame or two
 * and stays responsive while the rows below the fold arrive.
 */
const FIRST_ROWS = 40;
const SLICE_ROWS = 150;

export function PlanView({ plan, names, onFix, identityOf, onIdentityChange, busy = false, pageSize = 150, onlyProblems = false, previous = null }: PlanViewProps) {
  const styles = useStyles();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const before = useMemo(() => (previous ? new Map(previous.steps.map((s) => [stepKey(s), s.verdict.outcome])) : null), [previous]);
  const markOf = (step: PlanStep): StepChangeMark => {
    if (!before) return null;
    const was = before.get(stepKey(step));
    if (was === undefined) return 'added';
    return was !== 'will-succeed' && step.verdict.outcome === 'will-succeed' ? 'fixed' : null;
  };
  const byEnv = useMemo(() => {
    const map = new Map<string, PlanStep[]>();
    for (const step of plan.steps) {
      const list = map.get(step.environmentId);
      if (list) list.push(step);
      else map.set(step.environmentId, [step]);
    }
    return map;
  }, [plan]);
  // Per environment, how many steps have each outcome: counted once per plan, not on every render.
  const tallies = useMemo(() => {
    const map = new Map<string, Map<PlanStep['verdict']['outcome'], number>>();
    for (const step of plan.steps) {
      const tally = map.get(step.environmentId) ?? new Map<PlanStep['verdict']['outcome'], number>();
      tally.set(step.verdict.outcome, (tally.get(step.verdict.outcome) ?? 0) + 1);
      map.set(step.environmentId, tally);
    }
    return map;
  }, [plan]);
  const shownSteps = (steps: PlanStep[]): PlanStep[] => (onlyProblems ? steps.filter((s) => s.verdict.outcome !== 'will-succeed') : steps);
  const envs = plan.environments.filter((e) => byEnv.has(e.id) || onIdentityChange);
  const pages = envs.map((env) => {
    const steps = byEnv.get(env.id) ?? [];
    const visible = shownSteps(steps);
    return { env, steps, visible, shown: expanded.has(env.id) ? visible : visible.slice(0, pageSize) };
  });
  const total = pages.reduce((n, p) => n + p.shown.length, 0);
  const [progress, setProgress] = useState({ plan, rows: FIRST_ROWS });
  const [, startTransition] = useTransition();
  const budget = progress.plan === plan ? progress.rows : FIRST_ROWS;
  useEffect(() => {
    if (budget >= total) return;
    const timer = setTimeout(() => startTransition(() => setProgress((p) => ({ plan, rows: (p.plan === plan ? p.rows : FIRST_ROWS) + SLICE_ROWS }))), 0);
    return () => clearTimeout(timer);
  }, [budget, total, plan]);
  let left = budget;
  return (
    <>
      {pages.map(({ env, steps, visible, shown }) => {
        const now = shown.slice(0, Math.max(0, left));
        left -= now.length;
        const count = (o: PlanStep['verdict']['outcome']): number => tallies.get(env.id)?.get(o) ?? 0;
        const headingId = `plan-env-${env.id}`;
        const strategy = identityOf?.(env.id) ?? 'auto';
        return (
          <section key={env.id} className={styles.env} aria-labelledby={headingId}>
            <div className={styles.envHead}>
              <h3 id={headingId} className={styles.envName}>
                {env.displayName}
              </h3>
              <span className={styles.envCounts}>
                <span>
                  {steps.length} {steps.length === 1 ? 'step' : 'steps'}
                </span>
                {count('will-succeed') ? <span className={styles.good}>✓ {count('will-succeed')}</span> : null}
                {count('will-fail') ? <span className={styles.bad}>✗ {count('will-fail')}</span> : null}
                {count('may-fail') ? <span className={styles.warn}>? {count('may-fail')}</span> : null}
              </span>
              {onIdentityChange ? (
                <span className={styles.envIdentity}>
                  Act as
                  <Dropdown
                    size="small"
                    aria-label={`Identity in ${env.displayName}`}
                    value={STRATEGY_NAMES[strategy]}
                    selectedOptions={[strategy]}
                    disabled={busy}
                    onOptionSelect={(_, d) => d.optionValue && onIdentityChange(env.id, d.optionValue as Strategy)}
                  >
                    {STRATEGIES.map((s) => (
                      <Option key={s} value={s}>
                        {STRATEGY_NAMES[s]}
                      </Option>
                    ))}
                  </Dropdown>
                </span>
              ) : null}
            </div>
            {visible.length ? (
              <ol className={styles.list} aria-label={`Steps in ${env.displayName}`} aria-busy={now.length < shown.length}>
                {now.map((step) => (
                  <StepRow key={step.id} step={step} names={names} onFix={onFix} busy={busy} mark={markOf(step)} />
                ))}
              </ol>
            ) : (
              <div className={styles.more}>{steps.length ? 'Every step here will succeed.' : 'Nothing to do here.'}</div>
            )}
            {shown.length < visible.length ? (
              <div className={styles.more}>
                <Button size="small" onClick={() => setExpanded(new Set([...expanded, env.id]))}>
                  Show all {visible.length} steps
                </Button>
              </div>
            ) : null}
          </section>
        );
      })}
    </>
  );
}
