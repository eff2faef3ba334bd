import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Bridge, Result } from '../../shared/ipc/contract';
import { isAllowedChannel, isAllowedEvent } from './allowlist';

/**
 * The preload (bundled to out/preload/index.cjs; runs sandboxed and context-isolated). It puts exactly
 * one object in the page, `window.bridge`, with exactly two functions (checklist 20, style anchors §6.3):
 *
 * - `invoke(channel, input)`: only contract channels (allowlist.ts) reach main; any other name is answered here with
 *   the same UNKNOWN_CHANNEL error `dispatch` gives. Main checks the sender and validates the input.
 * - `subscribe(event, listener)` → unsubscribe: only contract events; the listener gets the payload
 *   and never the IpcRendererEvent (whose `sender` would hand the page an ipcRenderer).
 *
 * Never the raw `ipcRenderer`, never a generic send.
 */

function unknownChannel(channel: unknown): Result<never> {
  return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no channel '${String(channel).slice(0, 80)}'.` } };
}

export const bridge: Bridge = {
  invoke(channel, input) {
    if (!isAllowedChannel(channel)) return Promise.resolve(unknownChannel(channel));
    return ipcRenderer.invoke(channel, input) as Promise<Result<unknown>>;
  },
  subscribe(event, listener) {
    if (!isAllowedEvent(event)) throw new TypeError(`There is no event '${String(event).slice(0, 80)}'.`);
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.');
    const relay = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(event, relay);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipcRenderer.removeListener(event, relay);
    };
  },
};

contextBridge.exposeInMainWorld('bridge', bridge);
