import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from './menu';

const roles = (items: MenuItemConstructorOptions[]): unknown[] => items.flatMap((i) => [i.role ?? i.label, ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);

describe('buildMenuTemplate', () => {
  it('uses standard roles, with the app menu on macOS only', () => {
    expect(roles(buildMenuTemplate({ platform: 'darwin', packaged: true }))[0]).toBe('appMenu');
    const win = roles(buildMenuTemplate({ platform: 'win32', packaged: true }));
    expect(win).not.toContain('appMenu');
    expect(win).toEqual(expect.arrayContaining(['fileMenu', 'editMenu', 'windowMenu', 'zoomIn', 'togglefullscreen']));
  });

  it('offers reload and DevTools only in unpackaged builds', () => {
    expect(roles(buildMenuTemplate({ platform: 'linux', packaged: true }))).not.toEqual(expect.arrayContaining(['toggleDevTools']));
    expect(roles(buildMenuTemplate({ platform: 'linux', packaged: true }))).not.toContain('reload');
    expect(roles(buildMenuTemplate({ platform: 'linux', packaged: false }))).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });
});
