import { EventEmitter } from 'node:events';
import type { App, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../log/logger';
import { denyNewWindows, denyPermissions, enableProcessSandbox, hardenAllWebContents, hardenWebContents, limitNavigation, preventWebviews } from './security';

/** Just enough of a WebContents: an event emitter plus setWindowOpenHandler. */
class FakeContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits a navigation-style event; returns whether a handler cancelled it. */
  navigate(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string, isMainFrame = true): boolean {
    let prevented = false;
    this.emit(event, { url, isMainFrame, preventDefault: () => void (prevented = true) });
    return prevented;
  }
}

const asContents = (fake: FakeContents): WebContents => fake as unknown as WebContents;

describe('checklist 4: enableProcessSandbox', () => {
  it('calls app.enableSandbox()', () => {
    const app = { enableSandbox: vi.fn() };
    enableProcessSandbox(app);
    expect(app.enableSandbox).toHaveBeenCalledOnce();
  });
});

describe('checklist 13: limitNavigation', () => {
  it('lets app://renderer navigate, cancels the rest, and opens portal links in the browser', () => {
    const contents = new FakeContents();
    const openLink = vi.fn(() => Promise.resolve(true));
    limitNavigation(asContents(contents), openLink, silentLogger);

    expect(contents.navigate('will-navigate', 'app://renderer/index.html')).toBe(false);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'https://evil.example/frame', false)).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'app://renderer/frame.html', false)).toBe(false);
    expect(contents.navigate('will-redirect', 'https://evil.example/redirect')).toBe(true);
    expect(openLink).not.toHaveBeenCalled();

    expect(contents.navigate('will-navigate', 'https://make.powerapps.com/environments/x')).toBe(true);
    expect(openLink).toHaveBeenCalledExactlyOnceWith('https://make.powerapps.com/environments/x');
  });

  it('opens a portal link once, though the top frame fires will-navigate and will-frame-navigate', () => {
    const contents = new FakeContents();
    const openLink = vi.fn(() => Promise.resolve(true));
    limitNavigation(asContents(contents), openLink, silentLogger);
    contents.navigate('will-navigate', 'https://make.powerapps.com/');
    contents.navigate('will-frame-navigate', 'https://make.powerapps.com/', true);
    expect(openLink).toHaveBeenCalledOnce();
    // A sub-frame or a redirect is refused, and opens nothing.
    expect(contents.navigate('will-frame-navigate', 'https://make.powerapps.com/', false)).toBe(true);
    expect(contents.navigate('will-redirect', 'https://make.powerapps.com/')).toBe(true);
    expect(openLink).toHaveBeenCalledOnce();
  });
});

describe('checklists 14–15: denyNewWindows', () => {
  it('always denies, and hands only allowlisted links to the system browser', () => {
    const contents = new FakeContents();
    const openLink = vi.fn(() => Promise.resolve(true));
    denyNewWindows(asContents(contents), openLink, silentLogger);
    const handler = contents.windowOpenHandler;
    expect(handler).not.toBeNull();

    expect(handler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'app://renderer/index.html' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'about:blank' })).toEqual({ action: 'deny' });
    expect(openLink).not.toHaveBeenCalled();

    expect(handler?.({ url: 'https://admin.powerplatform.microsoft.com/environments' })).toEqual({ action: 'deny' });
    expect(openLink).toHaveBeenCalledExactlyOnceWith('https://admin.powerplatform.microsoft.com/environments');
  });
});

describe('checklists 11–12: preventWebviews', () => {
  it('cancels every will-attach-webview', () => {
    const contents = new FakeContents();
    preventWebviews(asContents(contents), silentLogger);
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, { nodeIntegration: true }, { src: 'https://evil.example/' });
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });
});

describe('hardenWebContents / hardenAllWebContents', () => {
  it('wires every per-WebContents rule, for each WebContents the app creates', () => {
    const app = new EventEmitter();
    hardenAllWebContents(app as unknown as App, () => Promise.resolve(true), silentLogger);
    const contents = new FakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler).not.toBeNull();
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-frame-navigate')).toBe(1);
    expect(contents.listenerCount('will-redirect')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);

    const direct = new FakeContents();
    hardenWebContents(asContents(direct), () => Promise.resolve(true), silentLogger);
    expect(direct.navigate('will-navigate', 'https://evil.example/')).toBe(true);
  });
});

describe('checklist 5: denyPermissions', () => {
  it('installs request, check and device handlers that deny', () => {
    let request: ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string; isMainFrame: boolean }) => void) | undefined;
    let check: ((wc: unknown, permission: string, origin: string, details: { requestingUrl?: string; isMainFrame: boolean }) => boolean) | undefined;
    let device: (() => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof request) => void (request = h),
      setPermissionCheckHandler: (h: typeof check) => void (check = h),
      setDevicePermissionHandler: (h: typeof device) => void (device = h),
    };
    denyPermissions(session as unknown as Session, silentLogger);

    const callback = vi.fn();
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'hid', 'clipboard-read']) {
      request?.({}, permission, callback, { requestingUrl: 'app://renderer/index.html', isMainFrame: true });
      expect(callback).toHaveBeenLastCalledWith(false);
      expect(check?.({}, permission, 'app://renderer', { requestingUrl: 'app://renderer/index.html', isMainFrame: true })).toBe(false);
    }
    request?.({}, 'clipboard-sanitized-write', callback, { requestingUrl: 'https://evil.example/', isMainFrame: true });
    expect(callback).toHaveBeenLastCalledWith(false);
    request?.({}, 'clipboard-sanitized-write', callback, { requestingUrl: 'app://renderer/index.html', isMainFrame: true });
    expect(callback).toHaveBeenLastCalledWith(true);
    expect(device?.()).toBe(false);
  });
});
