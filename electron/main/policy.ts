import { isAllowedLink } from '../services/external-links';

/**
 * The decisions behind every security handler, as pure functions of a URL, a permission or a sender,
 * so each is unit-tested without Electron. security.ts and ipc.ts only wire them to Electron's events.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Whether `raw` is a page of our own renderer: `app://renderer/…`, nothing else (no user info, no port). */
export function isAppUrl(raw: unknown): boolean {
  if (typeof raw !== 'string') return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  // WHATWG URL gives custom schemes an opaque "null" origin: compare scheme and host instead.
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

/**
 * Checklist 13: where a frame may navigate. Only within our renderer; an allowlisted portal link is
 * handed to the system browser instead; everything else is refused.
 */
export type NavigationDecision = 'allow' | 'open-externally' | 'deny';

export function decideNavigation(url: unknown): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  return isAllowedLink(url) ? 'open-externally' : 'deny';
}

/**
 * Checklist 14–15: `window.open` and `target=_blank` never create an Electron window; an allowlisted
 * https link opens in the system browser.
 */
export interface WindowOpenDecision {
  action: 'deny';
  openExternally: boolean;
}

export function decideWindowOpen(url: unknown): WindowOpenDecision {
  return { action: 'deny', openExternally: isAllowedLink(url) };
}

/**
 * Checklist 5: web permissions. The renderer needs none of the powerful ones (camera, microphone,
 * geolocation, notifications, HID, serial, USB, MIDI, display capture, pointer lock, …), so all are
 * refused. The one exception is writing plain text to the clipboard (`navigator.clipboard.writeText`,
 * the "copy" buttons for GUIDs and plans), and only for our own top-level page.
 */
const grantedToApp: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function decidePermission(permission: string, requestingUrl: unknown, isMainFrame: boolean): boolean {
  return isMainFrame && isAppUrl(requestingUrl) && grantedToApp.has(permission);
}

/**
 * Checklist 17: who may call an IPC channel. Only the top frame of our one window's WebContents, at
 * `app://renderer`: not a sub-frame, not another WebContents, not a page that navigated elsewhere.
 */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
  readonly frameTreeNodeId: number;
}

export interface IpcSender {
  webContentsId: number;
  frame: SenderFrame | null;
}

export interface TrustedWindow {
  webContentsId: number;
  mainFrameTreeNodeId: number;
}

export function isTrustedSender(sender: IpcSender, trusted: TrustedWindow | null): boolean {
  if (trusted === null || sender.frame === null) return false;
  if (sender.webContentsId !== trusted.webContentsId) return false;
  if (sender.frame.parent !== null || sender.frame.frameTreeNodeId !== trusted.mainFrameTreeNodeId) return false;
  return isAppUrl(sender.frame.url);
}
