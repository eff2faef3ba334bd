import { app, ipcMain, Menu, protocol, safeStorage, session, type BrowserWindow } from 'electron';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createAppServices } from '../services/app-services';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { createWindowSink, registerIpc, type WindowTarget } from './ipc';
import { createMainLogger } from './log-file';
import { buildMenuTemplate } from './menu';
import { createExternalOpener } from './open-external';
import { APP_ENTRY_URL } from './policy';
import { createSafeStorageProtector } from './protector';
import { denyPermissions, enableProcessSandbox, hardenAllWebContents } from './security';
import { createMainWindow } from './window';

/**
 * The main process's entry (bundled to out/main/index.js as an ES module, see build/README.md):
 * lifecycle only. One instance; sandbox and the `app:` scheme before ready; then the session's
 * permission handlers, the protocol, the menu, the app services behind IPC, and the one window.
 *
 * No top-level await: Electron emits `ready` only once the ESM entry has evaluated, so awaiting
 * `whenReady()` here would hang (electron/electron#41369).
 */

const rendererRoot = fileURLToPath(new URL('../renderer/', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

/** `PATCHBAY_DEMO=1` always opens the demo tenant, `=0` never; default: only without accounts. */
function demoSetting(): boolean | 'auto' {
  const value = process.env.PATCHBAY_DEMO;
  return value === '1' ? true : value === '0' ? false : 'auto';
}

function main(): void {
  // A separate profile (tests, a second identity): set before the lock, which is per userData folder.
  const userData = process.env.PATCHBAY_USER_DATA;
  if (userData) app.setPath('userData', userData);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.setAppUserModelId('com.patchbay.app');
  enableProcessSandbox(app);
  registerAppScheme(protocol);

  const { log, close: closeLog } = createMainLogger(app.getPath('logs'), !app.isPackaged);
  const opener = createExternalOpener(log);
  hardenAllWebContents(app, opener.openLink, log);

  let window: BrowserWindow | null = null;
  const target: WindowTarget = () =>
    window && !window.isDestroyed() ? { contents: window.webContents, trusted: { webContentsId: window.webContents.id, mainFrameTreeNodeId: window.webContents.mainFrame.frameTreeNodeId } } : null;

  const openWindow = (): void => {
    const created = createMainWindow({ preload: preloadPath, devTools: !app.isPackaged });
    window = created;
    created.on('closed', () => {
      if (window === created) window = null;
    });
    created.loadURL(APP_ENTRY_URL).catch((error: unknown) => log.error('The renderer did not load', { error: error instanceof Error ? error.message : String(error) }));
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app
    .whenReady()
    .then(() => {
      denyPermissions(session.defaultSession, log);
      handleAppProtocol(protocol, rendererRoot, readFile);
      Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, packaged: app.isPackaged })));

      const services = createAppServices({
        dataDir: app.getPath('userData'),
        demo: demoSetting(),
        protector: createSafeStorageProtector(safeStorage, process.platform),
        openExternal: opener.openForServices,
        sink: createWindowSink(target, log),
        transport: 'electron',
      });
      services.catch((error: unknown) => log.error('The app services did not start', { error: error instanceof Error ? error.message : String(error) }));
      registerIpc(
        ipcMain,
        services.then((s) => s.handlers),
        target,
        log,
      );
      openWindow();
      app.on('activate', () => {
        if (!window) openWindow();
      });

      // Close the services (journal, sandbox, token caches) before the process ends; never hang a quit.
      let closed = false;
      app.on('will-quit', (event) => {
        if (closed) return;
        event.preventDefault();
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
        const closing = services.then(
          (s) => s.close(),
          () => undefined,
        );
        void Promise.race([closing, timeout])
          .catch((error: unknown) => log.error('Closing the app services failed', { error: error instanceof Error ? error.message : String(error) }))
          .finally(() => {
            closed = true;
            closeLog();
            app.quit();
          });
      });
    })
    .catch((error: unknown) => {
      log.error('Start-up failed', { error: error instanceof Error ? error.message : String(error) });
      app.exit(1);
    });
}

main();
