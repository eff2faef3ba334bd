import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, decideNavigation, decidePermission, decideWindowOpen, isAppUrl, isTrustedSender, type IpcSender, type TrustedWindow } from './policy';

describe('isAppUrl', () => {
  it('is true for our renderer only', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://renderer/')).toBe(true);
    expect(isAppUrl('app://renderer/assets/index-abc.js?x#y')).toBe(true);
    for (const url of ['app://other/index.html', 'app://renderer:80/', 'app://u:p@renderer/', 'file:///out/renderer/index.html', 'https://renderer/', 'http://localhost:5173/', 'about:blank', '', 'app:renderer', null, 1]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });
});

describe('decideNavigation (checklist 13)', () => {
  it('allows navigation within app://renderer', () => {
    expect(decideNavigation('app://renderer/index.html#/matrix')).toBe('allow');
  });

  it('sends an allowlisted portal link to the system browser instead', () => {
    expect(decideNavigation('https://make.powerapps.com/environments/x')).toBe('open-externally');
  });

  it('denies everything else', () => {
    for (const url of ['https://evil.example/', 'http://make.powerapps.com/', 'file:///etc/passwd', 'about:blank', 'javascript:alert(1)', 'data:text/html,x', 'chrome://settings', 'devtools://devtools/bundled/inspector.html', 'app://evil/']) {
      expect(decideNavigation(url), url).toBe('deny');
    }
  });
});

describe('decideWindowOpen (checklists 14–15)', () => {
  it('always denies the new window, and opens allowlisted links externally', () => {
    expect(decideWindowOpen('https://make.powerautomate.com/')).toEqual({ action: 'deny', openExternally: true });
    expect(decideWindowOpen('https://evil.example/')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('app://renderer/index.html')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('about:blank')).toEqual({ action: 'deny', openExternally: false });
  });
});

describe('decidePermission (checklist 5)', () => {
  it('denies every powerful permission, even to our own page', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-read', 'display-capture', 'hid', 'serial', 'usb', 'fileSystem', 'window-management', 'unknown', 'idle-detection', 'storage-access']) {
      expect(decidePermission(permission, 'app://renderer/index.html', true), permission).toBe(false);
    }
  });

  it('grants a plain-text clipboard write to our own top frame only', () => {
    expect(decidePermission('clipboard-sanitized-write', 'app://renderer/index.html', true)).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'app://renderer/index.html', false)).toBe(false);
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.example/', true)).toBe(false);
    expect(decidePermission('clipboard-sanitized-write', undefined, true)).toBe(false);
  });
});

describe('isTrustedSender (checklist 17)', () => {
  const trusted: TrustedWindow = { webContentsId: 7, mainFrameTreeNodeId: 3 };
  const top: { url: string; parent: unknown; frameTreeNodeId: number } = { url: 'app://renderer/index.html', parent: null, frameTreeNodeId: 3 };
  const sender = (over: Partial<IpcSender> = {}, frame: Partial<typeof top> | null = {}): IpcSender => ({ webContentsId: 7, frame: frame === null ? null : { ...top, ...frame }, ...over });

  it('accepts the top frame of our window at app://renderer', () => {
    expect(isTrustedSender(sender(), trusted)).toBe(true);
  });

  it('refuses another WebContents, a sub-frame, another frame, another URL, a gone frame, or no window', () => {
    expect(isTrustedSender(sender({ webContentsId: 8 }), trusted)).toBe(false);
    expect(isTrustedSender(sender({}, { parent: { url: 'app://renderer/' } }), trusted)).toBe(false);
    expect(isTrustedSender(sender({}, { frameTreeNodeId: 4 }), trusted)).toBe(false);
    expect(isTrustedSender(sender({}, { url: 'https://evil.example/' }), trusted)).toBe(false);
    expect(isTrustedSender(sender({}, { url: 'about:blank' }), trusted)).toBe(false);
    expect(isTrustedSender(sender({}, { url: 'app://renderer.evil/' }), trusted)).toBe(false);
    expect(isTrustedSender(sender({}, null), trusted)).toBe(false);
    expect(isTrustedSender(sender(), null)).toBe(false);
  });
});
