import { afterEach, describe, expect, it, vi } from 'vitest';
import { WEB_PROTOCOL } from '../../../shared/ipc/web-protocol';
import { createWebBridge } from './web-bridge';

class FakeSocket {
  static made: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.made.push(this);
  }
  close(): void {
    this.closed = true;
    this.onclose?.();
  }
}

afterEach(() => {
  FakeSocket.made = [];
  vi.useRealTimers();
});

describe('createWebBridge', () => {
  it('invokes POST /rpc/<channel> with the secret in the header, and returns the Result', async () => {
    const fetch = vi.fn((_url: URL | RequestInfo, _init?: RequestInit) => Promise.resolve(new Response(JSON.stringify({ ok: true, value: { version: '1' } }), { status: 200 })));
    const bridge = createWebBridge({ token: 's3cret', origin: 'http://127.0.0.1:4000', fetch, WebSocket: FakeSocket as unknown as typeof WebSocket });
    await expect(bridge.invoke('app:info', {})).resolves.toEqual({ ok: true, value: { version: '1' } });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url instanceof URL ? url.href : '').toBe(`http://127.0.0.1:4000${WEB_PROTOCOL.rpcPath}app%3Ainfo`);
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>)[WEB_PROTOCOL.tokenHeader]).toBe('s3cret');
    expect(init?.body).toBe('{}');
  });

  it('turns transport failures into error Results with plain words', async () => {
    const down = createWebBridge({ token: 't', origin: 'http://127.0.0.1:4000', fetch: () => Promise.reject(new TypeError('Failed to fetch')), WebSocket: FakeSocket as unknown as typeof WebSocket });
    await expect(down.invoke('app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'transport' } });
    const refused = createWebBridge({ token: 't', origin: 'http://127.0.0.1:4000', fetch: () => Promise.resolve(new Response('forbidden', { status: 403 })), WebSocket: FakeSocket as unknown as typeof WebSocket });
    const r = await refused.invoke('app:info', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'transport' } });
    expect(r.ok ? '' : r.error.message).toMatch(/not authorised/);
  });

  it('subscribes over one WebSocket with the subprotocols, dispatches frames, and reconnects', () => {
    vi.useFakeTimers();
    const states: string[] = [];
    const bridge = createWebBridge({ token: 'tok', origin: 'http://127.0.0.1:4000', fetch: fetch, WebSocket: FakeSocket as unknown as typeof WebSocket, onConnectionChange: (s) => states.push(s) });
    const got: unknown[] = [];
    bridge.subscribe('toast', (p) => got.push(p));
    bridge.subscribe('run:progress', () => got.push('progress'));
    expect(FakeSocket.made).toHaveLength(1);
    const ws = FakeSocket.made[0] as FakeSocket;
    expect(ws.url).toBe(`ws://127.0.0.1:4000${WEB_PROTOCOL.eventsPath}`);
    expect(ws.protocols).toEqual([WEB_PROTOCOL.subprotocol, `${WEB_PROTOCOL.tokenSubprotocolPrefix}tok`]);
    ws.onopen?.();
    ws.onmessage?.({ data: JSON.stringify({ event: 'toast', payload: { level: 'info', message: 'hi' } }) });
    ws.onmessage?.({ data: 'not json' });
    expect(got).toEqual([{ level: 'info', message: 'hi' }]);
    ws.onclose?.();
    expect(states).toEqual(['open', 'closed']);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.made).toHaveLength(2);
    bridge.close();
    vi.advanceTimersByTime(20_000);
    expect(FakeSocket.made).toHaveLength(2);
  });
});
