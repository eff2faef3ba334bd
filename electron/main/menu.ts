import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu: Electron's standard roles only (they carry the platform's shortcuts, and the
 * Edit roles make copy and paste work in text fields). Reload and DevTools exist only in unpackaged
 * builds: in a release a reload would drop a running plan's progress view, and DevTools stay closed.
 */

export interface MenuContext {
  platform: NodeJS.Platform;
  packaged: boolean;
}

export function buildMenuTemplate({ platform, packaged }: MenuContext): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    ...(packaged ? [] : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] satisfies MenuItemConstructorOptions[])),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
