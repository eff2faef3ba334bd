import {
  Badge,
  FluentProvider,
  makeStyles,
  Menu,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Tab,
  TabList,
  ToolbarButton,
  Tooltip,
  tokens,
  webDarkTheme,
  webLightTheme,
  type Theme,
} from '@fluentui/react-components';
import {
  Archive20Regular,
  DarkTheme20Regular,
  DocumentSettings20Regular,
  Grid20Regular,
  History20Regular,
  PersonAccounts20Regular,
  Server20Regular,
  ShieldTask20Regular,
} from '@fluentui/react-icons';
import { useEffect, useState, type ReactNode } from 'react';
import type { Stores } from '../../stores';
import { StoresProvider, useSlice } from '../../stores/context';
import type { Screen, ThemePreference } from '../../stores/app-store';
import { AccountsScreen } from '../accounts/accounts-screen';
import { AuditScreen } from '../audit/audit-screen';
import { EnvironmentsMenu } from '../environments/environments-menu';
import { EnvironmentsScreen } from '../environments/environments-screen';
import { HistoryScreen } from '../history/history-screen';
import { MatrixScreen } from '../matrix/matrix-screen';
import { ReviewPlanDialog } from '../review/review-plan-dialog';
import { SettingsFilesScreen } from '../settings-files/settings-files-screen';
import { SolutionPicker } from '../solution/solution-picker';
import { SolutionFileScreen } from '../solution-file/solution-file-screen';
import { NotificationsToaster } from './notifications-toaster';
import { PatchbayMark } from './patchbay-mark';

const useStyles = makeStyles({
  shell: {
    display: 'grid',
    gridTemplateRows: '52px 1fr',
    gridTemplateColumns: '208px 1fr',
    gridTemplateAreas: '"header header" "nav main"',
    height: '100vh',
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
    fontFamily: tokens.fontFamilyBase,
  },
  header: {
    gridArea: 'header',
    display: 'flex',
    alignItems: 'center',
    gap: '16px',
    padding: '0 12px 0 16px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
  brand: { display: 'flex', alignItems: 'center', gap: '10px', width: '176px', flexShrink: 0 },
  product: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightBold, letterSpacing: '-0.01em' },
  headerControls: { display: 'flex', alignItems: 'center', gap: '12px', flex: 1, minWidth: 0 },
  headerEnd: { display: 'flex', alignItems: 'center', gap: '8px', marginLeft: 'auto' },
  nav: {
    gridArea: 'nav',
    padding: '12px 8px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    display: 'flex',
    flexDirection: 'column',
    gap: '16px',
    minHeight: 0,
  },
  navFoot: { marginTop: 'auto', padding: '8px', fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3 },
  main: { gridArea: 'main', minWidth: 0, minHeight: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' },
  screen: { flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' },
  hidden: { display: 'none' },
  fatal: { display: 'grid', placeItems: 'center', height: '100vh', padding: '32px', fontFamily: tokens.fontFamilyBase, backgroundColor: tokens.colorNeutralBackground2, color: tokens.colorNeutralForeground1 },
  fatalCard: { maxWidth: '560px', padding: '24px', borderRadius: tokens.borderRadiusXLarge, backgroundColor: tokens.colorNeutralBackground1, boxShadow: tokens.shadow16 },
});

function usePrefersDark(): boolean {
  const query = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const onChange = (e: MediaQueryListEvent) => setDark(e.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [query]);
  return dark;
}

export function useResolvedTheme(preference: ThemePreference): { theme: Theme; dark: boolean } {
  const prefersDark = usePrefersDark();
  const dark = preference === 'dark' || (preference === 'system' && prefersDark);
  return { theme: dark ? webDarkTheme : webLightTheme, dark };
}

const SCREENS: { id: Screen; label: string; icon: ReactNode }[] = [
  { id: 'matrix', label: 'Matrix', icon: <Grid20Regular /> },
  { id: 'audit', label: 'Audit', icon: <ShieldTask20Regular /> },
  { id: 'history', label: 'History', icon: <History20Regular /> },
  { id: 'settings-files', label: 'Settings files', icon: <DocumentSettings20Regular /> },
  { id: 'solution-file', label: 'Solution file', icon: <Archive20Regular /> },
  { id: 'environments', label: 'Environments', icon: <Server20Regular /> },
  { id: 'accounts', label: 'Accounts', icon: <PersonAccounts20Regular /> },
];

function ThemeMenu() {
  const theme = useSlice('app', (s) => s.theme);
  const setTheme = useSlice('app', (s) => s.setTheme);
  const labels: Record<ThemePreference, string> = { system: 'Match system', light: 'Light', dark: 'Dark' };
  return (
    <Menu checkedValues={{ theme: [theme] }} onCheckedValueChange={(_, data) => setTheme((data.checkedItems[0] as ThemePreference | undefined) ?? 'system')}>
      <MenuTrigger disableButtonEnhancement>
        <Tooltip content={`Theme: ${labels[theme]}`} relationship="description">
          <ToolbarButton aria-label="Theme" icon={<DarkTheme20Regular />} />
        </Tooltip>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          {(['system', 'light', 'dark'] as const).map((t) => (
            <MenuItemRadio key={t} name="theme" value={t}>
              {labels[t]}
            </MenuItemRadio>
          ))}
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}

function Shell() {
  const styles = useStyles();
  const screen = useSlice('app', (s) => s.screen);
  const go = useSlice('app', (s) => s.go);
  const info = useSlice('app', (s) => s.info);
  const [visited, setVisited] = useState<ReadonlySet<Screen>>(new Set(['matrix']));
  useEffect(() => setVisited((v) => (v.has(screen) ? v : new Set([...v, screen]))), [screen]);

  const render = (id: Screen): ReactNode => {
    switch (id) {
      case 'matrix':
        return <MatrixScreen />;
      case 'audit':
        return <AuditScreen />;
      case 'history':
        return <HistoryScreen />;
      case 'settings-files':
        return <SettingsFilesScreen />;
      case 'solution-file':
        return <SolutionFileScreen />;
      case 'environments':
        return <EnvironmentsScreen />;
      case 'accounts':
        return <AccountsScreen />;
    }
  };

  return (
    <div className={styles.shell}>
      <header className={styles.header}>
        <div className={styles.brand}>
          <PatchbayMark />
          <span className={styles.product}>Patchbay</span>
        </div>
        <div className={styles.headerControls}>
          <SolutionPicker />
          <EnvironmentsMenu />
        </div>
        <div className={styles.headerEnd}>
          {info?.demo ? (
            <Badge appearance="tint" color="informative" shape="rounded">
              Demo tenant (sandbox)
            </Badge>
          ) : null}
          <ThemeMenu />
        </div>
      </header>
      <nav className={styles.nav} aria-label="Screens">
        <TabList vertical selectedValue={screen} onTabSelect={(_, data) => go(data.value as Screen)} aria-label="Screens">
          {SCREENS.map((s) => (
            <Tab key={s.id} value={s.id} icon={<span>{s.icon}</span>}>
              {s.label}
            </Tab>
          ))}
        </TabList>
        <div className={styles.navFoot}>{info ? `Patchbay ${info.version} · ${info.transport === 'web' ? 'web host' : 'desktop'}` : '\u00a0'}</div>
      </nav>
      <main className={styles.main} aria-label={SCREENS.find((s) => s.id === screen)?.label ?? 'Patchbay'}>
        {/* Screens stay mounted once visited, so the matrix keeps its scroll position and selection. */}
        {SCREENS.filter((s) => visited.has(s.id) || s.id === screen).map((s) => (
          <div key={s.id} className={s.id === screen ? styles.screen : styles.hidden} hidden={s.id !== screen}>
            {render(s.id)}
          </div>
        ))}
      </main>
      <ReviewPlanDialog />
      <NotificationsToaster />
    </div>
  );
}

function Themed({ children }: { children: ReactNode }) {
  const preference = useSlice('app', (s) => s.theme);
  const { theme, dark } = useResolvedTheme(preference);
  useEffect(() => {
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
    document.body.style.margin = '0';
    document.body.style.backgroundColor = dark ? '#1f1f1f' : '#fafafa';
  }, [dark]);
  return (
    <FluentProvider theme={theme} data-theme={dark ? 'dark' : 'light'}>
      {children}
    </FluentProvider>
  );
}

export function App({ stores }: { stores: Stores }) {
  return (
    <StoresProvider stores={stores}>
      <Themed>
        <Shell />
      </Themed>
    </StoresProvider>
  );
}

/** When the app cannot start at all (no bridge): one clear message, in the system's theme. */
export function FatalScreen({ message }: { message: string }) {
  const styles = useStyles();
  const { theme } = useResolvedTheme('system');
  return (
    <FluentProvider theme={theme}>
      <div className={styles.fatal}>
        <div className={styles.fatalCard} role="alert">
          <h1 style={{ marginTop: 0, fontSize: 20 }}>Patchbay cannot start</h1>
          <p>{message}</p>
        </div>
      </div>
    </FluentProvider>
  );
}
