import {
  ArrowSwap16Regular,
  CheckmarkCircle16Filled,
  CircleHalfFill16Regular,
  DismissCircle16Filled,
  ErrorCircle16Regular,
  LinkDismiss16Regular,
  LockClosed16Regular,
  PauseCircle16Regular,
  PersonProhibited16Regular,
  PlugConnected16Regular,
  PlugDisconnected16Regular,
  Prohibited16Regular,
  QuestionCircle16Regular,
  Subtract16Regular,
  Warning16Filled,
} from '@fluentui/react-icons';
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { FluentIcon } from '@fluentui/react-icons';
import type { CellState } from '../../../shared/engine/matrix';
import { stateLabel, stateTone, type Tone } from '../lib/cell-words';

/** A cell state as icon + short label + colour: never colour alone. */

export const STATE_ICONS: Record<CellState, FluentIcon> = {
  wired: PlugConnected16Regular,
  unwired: PlugDisconnected16Regular,
  dangling: LinkDismiss16Regular,
  broken: ErrorCircle16Regular,
  'owner-disabled': PersonProhibited16Regular,
  'not-usable': LockClosed16Regular,
  absent: Subtract16Regular,
  on: CheckmarkCircle16Filled,
  off: PauseCircle16Regular,
  blocked: Prohibited16Regular,
  suspended: Warning16Filled,
  set: CheckmarkCircle16Filled,
  default: CircleHalfFill16Regular,
  missing: QuestionCircle16Regular,
  differs: ArrowSwap16Regular,
};

export const TONE_ICON: Record<Tone, FluentIcon> = {
  good: CheckmarkCircle16Filled,
  warn: Warning16Filled,
  bad: DismissCircle16Filled,
  neutral: Subtract16Regular,
};

export const useToneStyles = makeStyles({
  good: { color: tokens.colorStatusSuccessForeground1, backgroundColor: tokens.colorStatusSuccessBackground1 },
  warn: { color: tokens.colorStatusWarningForeground2, backgroundColor: tokens.colorStatusWarningBackground1 },
  bad: { color: tokens.colorStatusDangerForeground1, backgroundColor: tokens.colorStatusDangerBackground1 },
  neutral: { color: tokens.colorNeutralForeground3, backgroundColor: 'transparent' },
});

const useStyles = makeStyles({
  chip: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: '4px',
    paddingInline: '6px',
    height: '22px',
    borderRadius: tokens.borderRadiusMedium,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    whiteSpace: 'nowrap',
    flexShrink: 0,
  },
  icon: { flexShrink: 0 },
});

export interface StateChipProps {
  state: CellState;
  /** Overrides the state's label (e.g. "3 unwired"). */
  label?: string;
  className?: string;
}

export function StateChip({ state, label, className }: StateChipProps) {
  const styles = useStyles();
  const tones = useToneStyles();
  const Icon = STATE_ICONS[state];
  return (
    <span className={mergeClasses(styles.chip, tones[stateTone(state)], className)}>
      <Icon className={styles.icon} aria-hidden="true" />
      {label ?? stateLabel(state)}
    </span>
  );
}
