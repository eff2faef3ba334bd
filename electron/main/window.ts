import { BrowserWindow } from 'electron';

/**
 * The app's one window, and the only `new BrowserWindow` in the code base. Every security-relevant
 * preference is written out as a literal, even where it is Electron's default, so a reader and a
 * static scanner see it here (style anchors §5, §6.5; static-security.test.ts checks it).
 */

export interface MainWindowOptions {
  /** Absolute path of the bundled preload (`out/preload/index.cjs`). */
  preload: string;
  /** DevTools only in unpackaged builds. */
  devTools: boolean;
  icon?: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Patchbay',
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true, // checklist 3: page code cannot reach the preload's world
      sandbox: true, // checklist 4: written out for scanners, and enforced app-wide by app.enableSandbox()
      nodeIntegration: false, // checklist 2
      nodeIntegrationInSubFrames: false, // checklist 2: no Node in frames either
      webSecurity: true, // checklist 6: same-origin policy on
      allowRunningInsecureContent: false, // checklist 8
      experimentalFeatures: false, // checklist 9
      webviewTag: false, // checklists 11–12: no <webview> at all
      disableBlinkFeatures: 'Auxclick', // a middle click cannot open a window (setWindowOpenHandler denies anyway)
      navigateOnDragDrop: false, // a dropped file must not replace the app's page
      safeDialogs: true, // a page cannot loop alert() to lock the window
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  window.once('ready-to-show', () => window.show());
  // A page that fails to load never becomes ready-to-show; show the window so the failure is visible.
  window.webContents.once('did-fail-load', () => {
    if (!window.isDestroyed() && !window.isVisible()) window.show();
  });
  return window;
}
