import { makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

/** The frame of a secondary screen: a title, a line on what it is for, actions, then content. */

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0, overflowY: 'auto' },
  head: { display: 'flex', alignItems: 'flex-start', gap: '16px', padding: '20px 24px 12px', flexWrap: 'wrap' },
  titles: { display: 'flex', flexDirection: 'column', gap: '4px', minWidth: 0, flex: 1 },
  title: { margin: 0, fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightBase600 },
  description: { margin: 0, color: tokens.colorNeutralForeground2, maxWidth: '820px' },
  actions: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  body: { padding: '0 24px 24px', display: 'flex', flexDirection: 'column', gap: '16px' },
});

export function Page({ title, description, actions, children }: { title: string; description?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const styles = useStyles();
  return (
    <div className={styles.page}>
      <div className={styles.head}>
        <div className={styles.titles}>
          <h1 className={styles.title}>{title}</h1>
          {description ? <p className={styles.description}>{description}</p> : null}
        </div>
        {actions ? <div className={styles.actions}>{actions}</div> : null}
      </div>
      <div className={styles.body}>{children}</div>
    </div>
  );
}

const useCardStyles = makeStyles({
  card: { backgroundColor: tokens.colorNeutralBackground1, border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusLarge, boxShadow: tokens.shadow2, padding: '16px 20px' },
  title: { margin: '0 0 12px', fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
});

export function Card({ title, children, className, headingLevel = 2 }: { title?: string; children: ReactNode; className?: string; headingLevel?: 2 | 3 }) {
  const styles = useCardStyles();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={className ? `${styles.card} ${className}` : styles.card} aria-label={title}>
      {title ? <H className={styles.title}>{title}</H> : null}
      {children}
    </section>
  );
}
