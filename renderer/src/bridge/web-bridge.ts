import type { Bridge, Result } from '../../../shared/ipc/contract';
import { WEB_PROTOCOL, type EventFrame } from '../../../shared/ipc/web-protocol';

/**
 * The bridge in a plain browser, against the web host (shared/ipc/web-protocol.ts): invoke is
 * `POST /rpc/<channel>` with the per-launch secret in a header; events arrive over one WebSocket at
 * `/events`, which offers the secret as a subprotocol and reconnects with backoff when it drops.
 */

export interface WebBridgeOptions {
  token: string;
  /** The page's origin by default. */
  origin?: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Connection state of the event channel, for a "reconnecting…" hint. */
  onConnectionChange?: (state: 'open' | 'closed') => void;
}

const transportError = (message: string, detail?: string): Result<unknown> => ({
  ok: false,
  error: detail === undefined ? { code: 'transport', message } : { code: 'transport', message, detail },
});

export function createWebBridge(options: WebBridgeOptions): Bridge & { close(): void } {
  const origin = options.origin ?? location.origin;
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const Socket = options.WebSocket ?? WebSocket;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const connect = (): void => {
    if (closed) return;
    const url = new URL(WEB_PROTOCOL.eventsPath, origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new Socket(url.toString(), [WEB_PROTOCOL.subprotocol, `${WEB_PROTOCOL.tokenSubprotocolPrefix}${options.token}`]);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      options.onConnectionChange?.('open');
    };
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      let frame: EventFrame;
      try {
        frame = JSON.parse(message.data) as EventFrame;
      } catch {
        return;
      }
      if (!frame || typeof frame.event !== 'string') return;
      for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload);
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      options.onConnectionChange?.('closed');
      if (closed) return;
      // 0.5 s, 1 s, 2 s … capped at 10 s, with jitter so many tabs do not reconnect in step.
      const delay = Math.min(10_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt += 1;
      timer = setTimeout(connect, delay);
    };
  };

  const ensureConnected = (): void => {
    if (!socket && !timer && !closed) connect();
  };

  return {
    async invoke(channel, input) {
      let response: Response;
      try {
        response = await doFetch(new URL(`${WEB_PROTOCOL.rpcPath}${encodeURIComponent(channel)}`, origin), {
          method: 'POST',
          headers: { 'content-type': 'application/json', [WEB_PROTOCOL.tokenHeader]: options.token },
          body: JSON.stringify(input ?? {}),
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch (error) {
        return transportError('Patchbay’s host cannot be reached. Is it still running?', error instanceof Error ? error.message : String(error));
      }
      const text = await response.text();
      try {
        const parsed = JSON.parse(text) as Result<unknown>;
        if (parsed && typeof parsed === 'object' && 'ok' in parsed) return parsed;
      } catch {
        // fall through: not a Result
      }
      if (response.status === 401 || response.status === 403) {
        return transportError('This page is not authorised by Patchbay’s host. Open the link the host printed (it carries a new secret).');
      }
      return transportError(`Patchbay’s host answered ${response.status} without a result.`, text.slice(0, 300));
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      ensureConnected();
      return () => {
        set.delete(listener);
      };
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    },
  };
}
