import type { App, Session, WebContents } from 'electron';
import type { Logger } from '../log/logger';
import { decideNavigation, decidePermission, decideWindowOpen } from './policy';

/**
 * The Electron security checklist (electron/docs/tutorial/security.md; style anchors §5, §6.5) as one
 * small function per item. Each only wires a pure decision from policy.ts to an Electron event, so the
 * decisions are tested without Electron and this file stays readable as a checklist. Electron objects
 * come in as parameters: nothing here imports Electron at run time.
 */

/** Opens an allowlisted link in the system browser (open-external.ts); refuses the rest. */
export type OpenLink = (url: string) => Promise<boolean>;

/**
 * Checklist 4: process sandboxing for every renderer, whatever a window's options say. Must run
 * before the app is ready.
 */
export function enableProcessSandbox(app: Pick<App, 'enableSandbox'>): void {
  app.enableSandbox();
}

/**
 * Checklist 13: a frame may only navigate within `app://renderer`. A portal link clicked in the page
 * goes to the system browser instead; anything else is cancelled. Sub-frames and redirects get the
 * same rule, but never open anything outside.
 */
export function limitNavigation(contents: WebContents, openLink: OpenLink, log: Logger): void {
  const guard = (event: { url: string; preventDefault(): void }, kind: string, mayOpenExternally: boolean): void => {
    const decision = decideNavigation(event.url);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-externally' && mayOpenExternally) void openLink(event.url);
    else log.warn('Blocked a navigation', { kind, url: event.url.slice(0, 200) });
  };
  contents.on('will-navigate', (event) => guard(event, 'navigate', true));
  // will-frame-navigate fires for the top frame too; will-navigate has already handled that one.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) guard(event, 'frame-navigate', false);
  });
  contents.on('will-redirect', (event) => guard(event, 'redirect', false));
}

/**
 * Checklist 14–15: no page ever opens an Electron window. `window.open` and `target=_blank` on an
 * allowlisted https link open the system browser; every other request is dropped.
 */
export function denyNewWindows(contents: WebContents, openLink: OpenLink, log: Logger): void {
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally) void openLink(url);
    else log.warn('Blocked a new window', { url: url.slice(0, 200) });
    return { action: decision.action };
  });
}

/**
 * Checklist 11–12: no `<webview>` may attach (the window also has `webviewTag: false`), so no guest
 * page can come with its own preferences or preload.
 */
export function preventWebviews(contents: WebContents, log: Logger): void {
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('Blocked a <webview>');
  });
}

/** Every hardening that applies per WebContents, for every one the app ever creates. */
export function hardenWebContents(contents: WebContents, openLink: OpenLink, log: Logger): void {
  limitNavigation(contents, openLink, log);
  denyNewWindows(contents, openLink, log);
  preventWebviews(contents, log);
}

/** Applies hardenWebContents to each WebContents as it is created, the main window's included. */
export function hardenAllWebContents(app: Pick<App, 'on'>, openLink: OpenLink, log: Logger): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openLink, log));
}

/**
 * Checklist 5: permission requests and checks are refused (policy.decidePermission: only a plain-text
 * clipboard write from our own top frame passes). Device access (HID, serial, USB) is refused as well.
 */
export function denyPermissions(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = decidePermission(permission, details.requestingUrl, details.isMainFrame);
    if (!granted) log.info('Refused a permission request', { permission });
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => decidePermission(permission, details.requestingUrl, details.isMainFrame));
  session.setDevicePermissionHandler(() => false);
}
