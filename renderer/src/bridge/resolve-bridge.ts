import type { Bridge } from '../../../shared/ipc/contract';
import { WEB_PROTOCOL } from '../../../shared/ipc/web-protocol';
import { createWebBridge } from './web-bridge';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser. */
    bridge?: Bridge;
  }
}

const SESSION_KEY = 'patchbay.web-token';

export class NoBridgeError extends Error {
  override readonly name = 'NoBridgeError';
}

/**
 * Reads the web host's secret from `#token=…`, keeps it for this tab only (sessionStorage, so a reload
 * still works) and removes it from the address bar so it is not in screenshots or the history.
 */
export function takeWebToken(loc: Pick<Location, 'hash' | 'pathname' | 'search'> = location, storage: Storage | null = safeSessionStorage()): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromHash = params.get(WEB_PROTOCOL.fragmentKey);
  if (fromHash) {
    storage?.setItem(SESSION_KEY, fromHash);
    params.delete(WEB_PROTOCOL.fragmentKey);
    const rest = params.toString();
    try {
      history.replaceState(null, '', `${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
    } catch {
      // not fatal: the secret stays visible in the address bar
    }
    return fromHash;
  }
  return storage?.getItem(SESSION_KEY) ?? null;
}

function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Electron's preload bridge when present, else the web host's bridge; fails loudly when neither exists. */
export function resolveBridge(): Bridge {
  if (window.bridge) return window.bridge;
  const token = takeWebToken();
  if (token) return createWebBridge({ token });
  throw new NoBridgeError('Patchbay cannot reach its back end: open it from the desktop app, or from the link the web host prints (it ends in #token=…).');
}
