import { Button, makeStyles, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Skeleton, SkeletonItem, Spinner, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

/** Empty, loading and error states, sized to fill their area so nothing jumps when data arrives. */

const useStyles = makeStyles({
  fill: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    gap: '12px',
    height: '100%',
    minHeight: '240px',
    padding: '32px',
    textAlign: 'center',
    color: tokens.colorNeutralForeground2,
  },
  icon: { fontSize: '40px', color: tokens.colorNeutralForeground3, display: 'flex' },
  title: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground1, margin: 0 },
  body: { maxWidth: '520px', margin: 0, lineHeight: tokens.lineHeightBase300 },
  actions: { display: 'flex', gap: '8px', marginTop: '4px' },
  skeleton: { display: 'flex', flexDirection: 'column', gap: '10px', padding: '16px', height: '100%' },
  skeletonRow: { display: 'grid', gridTemplateColumns: '280px repeat(4, 1fr)', gap: '12px' },
});

export function EmptyState({ icon, title, children, actions }: { icon?: ReactNode; title: string; children?: ReactNode; actions?: ReactNode }) {
  const styles = useStyles();
  return (
    <div className={styles.fill} role="status">
      {icon ? <div className={styles.icon} aria-hidden="true">{icon}</div> : null}
      <h2 className={styles.title}>{title}</h2>
      {children ? <p className={styles.body}>{children}</p> : null}
      {actions ? <div className={styles.actions}>{actions}</div> : null}
    </div>
  );
}

export function ErrorBar({ title, message, onRetry, retryLabel = 'Try again' }: { title: string; message: string; onRetry?: (() => void) | undefined; retryLabel?: string }) {
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {message}
      </MessageBarBody>
      {onRetry ? (
        <MessageBarActions>
          <Button size="small" onClick={onRetry}>
            {retryLabel}
          </Button>
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}

export function LoadingState({ label }: { label: string }) {
  const styles = useStyles();
  return (
    <div className={styles.fill} role="status" aria-live="polite">
      <Spinner label={label} />
    </div>
  );
}

/** A grid-shaped skeleton, the size of the matrix it stands in for. */
export function GridSkeleton({ label, rows = 12 }: { label: string; rows?: number }) {
  const styles = useStyles();
  return (
    <div className={styles.skeleton} role="status" aria-label={label}>
      <Skeleton aria-hidden="true">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className={styles.skeletonRow} style={{ marginBottom: 12 }}>
            <SkeletonItem size={24} />
            <SkeletonItem size={24} />
            <SkeletonItem size={24} />
            <SkeletonItem size={24} />
            <SkeletonItem size={24} />
          </div>
        ))}
      </Skeleton>
    </div>
  );
}
