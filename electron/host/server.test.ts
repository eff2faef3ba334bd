import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_PROTOCOL } from '../../shared/ipc/web-protocol';
import { createLogger } from '../log/logger';
import { fakeServices, type FakeServices } from './test-support/fake-services';
import { connectEvents, rawRequest, type RawResponse } from './test-support/http-client';
import { writePlaceholderRenderer } from './test-support/placeholder-renderer';
import { startWebHost, type WebHost } from './server';
import type { TrafficEntry } from './traffic-recorder';

const quiet = createLogger({ sink: () => undefined });

let host: WebHost;
let fake: FakeServices;
let rendererDir: string;
let outsideFile: string;

beforeAll(async () => {
  rendererDir = await writePlaceholderRenderer();
  // A file next to the renderer folder: traversal attempts aim at it.
  outsideFile = join(dirname(rendererDir), `patchbay-outside-${Date.now()}.txt`);
  await writeFile(outsideFile, 'outside the root\n');
  fake = fakeServices();
  host = await startWebHost({ rendererDir, services: fake.factory, port: 0, logger: quiet, maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  await host.close();
  expect(fake.closed()).toBe(true);
  await rm(rendererDir, { recursive: true, force: true });
  await rm(outsideFile, { force: true });
});

const token = (): Record<string, string> => ({ [WEB_PROTOCOL.tokenHeader]: host.secret });
const rpc = (channel: string, body: string | Buffer | undefined, headers: Record<string, string> = token(), chunked = false): Promise<RawResponse> =>
  rawRequest({ port: host.port, path: `${WEB_PROTOCOL.rpcPath}${channel}`, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body } : {}), chunked });
const json = (res: RawResponse): { ok: boolean; value?: unknown; error?: { code: string; message: string } } => JSON.parse(res.body) as never;
const protocols = (secret = host.secret): string[] => [WEB_PROTOCOL.subprotocol, `${WEB_PROTOCOL.tokenSubprotocolPrefix}${secret}`];

function expectSecurityHeaders(res: RawResponse): void {
  const csp = res.headers['content-security-policy'];
  expect(csp).toBe(
    `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`,
  );
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
  expect(res.headers['access-control-allow-headers']).toBeUndefined();
}

describe('the printed URL and the secret', () => {
  it('is http://127.0.0.1:PORT/#token=<43 base64url characters>', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.secret}`);
    expect(Buffer.from(host.secret, 'base64url')).toHaveLength(32);
  });

  it('is new on every launch', async () => {
    const other = await startWebHost({ rendererDir, services: fakeServices().factory, logger: quiet });
    try {
      expect(other.secret).not.toBe(host.secret);
      expect(other.port).not.toBe(host.port);
    } finally {
      await other.close();
    }
  });
});

describe('RPC', () => {
  it('dispatches with the right secret and answers the Result as JSON', async () => {
    const res = await rpc('app:info', '{}');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(json(res)).toEqual({ ok: true, value: { version: '0.0.0-test', demo: true, transport: 'web', dataDir: '/tmp/patchbay-test' } });
    expectSecurityHeaders(res);
  });

  it('treats an empty body as {} and accepts the localhost name', async () => {
    const res = await rpc('app:info', undefined, { ...token(), host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` });
    expect(json(res).ok).toBe(true);
  });

  it('accepts the own origin and a percent-encoded channel', async () => {
    const res = await rpc('app%3Ainfo', '{}', { ...token(), origin: host.origin });
    expect(json(res).ok).toBe(true);
  });

  it('refuses a missing secret with 401 and never calls a handler', async () => {
    const before = fake.calls.length;
    const res = await rpc('app:info', '{}', {});
    expect(res.status).toBe(401);
    expect(json(res)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expectSecurityHeaders(res);
    expect(fake.calls.length).toBe(before);
  });

  it.each([
    ['wrong', 'x'.repeat(43)],
    ['one character off', 'flip'],
    ['prefix of the secret', 'prefix'],
    ['secret plus a suffix', 'suffix'],
    ['empty', ''],
  ])('refuses a %s secret with 401', async (_name, kind) => {
    const value = kind === 'flip' ? `${host.secret.slice(0, -1)}${host.secret.endsWith('A') ? 'B' : 'A'}` : kind === 'prefix' ? host.secret.slice(0, 20) : kind === 'suffix' ? `${host.secret}x` : kind;
    const res = await rpc('app:info', '{}', { [WEB_PROTOCOL.tokenHeader]: value });
    expect(res.status).toBe(401);
    expect(json(res).error?.code).toBe('UNAUTHORIZED');
  });

  it('does not take the secret from the query string or a cookie', async () => {
    const viaQuery = await rawRequest({ port: host.port, path: `/rpc/app:info?token=${host.secret}`, method: 'POST', body: '{}' });
    expect(viaQuery.status).toBe(401);
    const viaCookie = await rpc('app:info', '{}', { cookie: `token=${host.secret}` });
    expect(viaCookie.status).toBe(401);
  });

  it.each([
    ['evil.example:PORT', (p: number) => `evil.example:${p}`],
    ['127.0.0.1 on another port', (p: number) => `127.0.0.1:${p + 1}`],
    ['no port', () => '127.0.0.1'],
    ['a rebinding name', (p: number) => `127.0.0.1.nip.io:${p}`],
    ['[::1]', (p: number) => `[::1]:${p}`],
  ])('refuses Host %s even with the secret', async (_name, make) => {
    const before = fake.calls.length;
    const res = await rpc('app:info', '{}', { ...token(), host: make(host.port) });
    expect(res.status).toBe(403);
    expect(json(res).error?.code).toBe('HOST_NOT_ALLOWED');
    expect(fake.calls.length).toBe(before);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['the same host on another port', 'http://127.0.0.1:1'],
    ['https on the same host', 'https://127.0.0.1:PORT'],
    ['null', 'null'],
    ['localhost while Host says 127.0.0.1', 'http://localhost:PORT'],
  ])('refuses Origin %s even with the secret', async (_name, origin) => {
    const before = fake.calls.length;
    const res = await rpc('app:info', '{}', { ...token(), origin: origin.replace('PORT', String(host.port)) });
    expect(res.status).toBe(403);
    expect(json(res).error?.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(fake.calls.length).toBe(before);
  });

  it('sends no CORS headers, even to a preflight', async () => {
    const res = await rawRequest({
      port: host.port,
      path: '/rpc/app:info',
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': WEB_PROTOCOL.tokenHeader },
    });
    expect(res.status).toBe(403);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const own = await rawRequest({ port: host.port, path: '/rpc/app:info', method: 'OPTIONS', headers: { origin: host.origin } });
    expect(own.status).toBe(405);
    expect(Object.keys(own.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('refuses GET on an RPC path', async () => {
    const res = await rawRequest({ port: host.port, path: '/rpc/app:info', headers: token() });
    expect(res.status).toBe(405);
    expect(json(res).error?.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers malformed JSON with an error Result, not a 500', async () => {
    for (const body of ['{', '{"a":', 'nope', '{}}', "{'a':1}", '\u0000']) {
      const res = await rpc('app:info', body);
      expect(res.status).toBe(400);
      expect(json(res)).toEqual({ ok: false, error: { code: 'INVALID_JSON', message: expect.stringContaining('not valid JSON') as unknown } });
    }
    const badUtf8 = await rpc('app:info', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(badUtf8.status).toBe(400);
    expect(json(badUtf8).error?.code).toBe('INVALID_JSON');
  });

  it('answers an oversized body with 413 and an error Result (declared length)', async () => {
    const res = await rpc('settings:import', JSON.stringify({ environmentId: 'e', fileName: 'f.json', content: 'x'.repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect(json(res)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expectSecurityHeaders(res);
  });

  it('answers an oversized body with 413 when it arrives chunked without a length', async () => {
    const res = await rpc('settings:import', JSON.stringify({ environmentId: 'e', fileName: 'f.json', content: 'x'.repeat(1024 * 1024) }), token(), true);
    expect(res.status).toBe(413);
    expect(json(res).error?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown channel with UNKNOWN_CHANNEL', async () => {
    for (const channel of ['nope', 'app:info2', '__proto__', 'constructor', 'toString', 'app%3Ainfo%2F..', '%E0%A4%A']) {
      const res = await rpc(channel, '{}');
      expect(json(res)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });

  it('answers invalid input with INVALID_INPUT', async () => {
    const res = await rpc('app:info', '{"extra":1}');
    expect(res.status).toBe(200);
    expect(json(res)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('passes the transport and an abort signal to the handler', async () => {
    let seen: unknown = null;
    const local = fakeServices({
      'demo:reset': (_input, ctx) => {
        seen = { transport: ctx.transport, signal: ctx.signal instanceof AbortSignal };
        return Promise.resolve(null);
      },
    });
    const other = await startWebHost({ rendererDir, services: local.factory, logger: quiet });
    try {
      const res = await rawRequest({ port: other.port, path: '/rpc/demo:reset', method: 'POST', headers: { [WEB_PROTOCOL.tokenHeader]: other.secret }, body: '{}' });
      expect(JSON.parse(res.body)).toEqual({ ok: true, value: null });
      expect(seen).toEqual({ transport: 'web', signal: true });
    } finally {
      await other.close();
    }
  });
});

describe('RPC under random bodies', () => {
  it('never answers 5xx and always answers a Result envelope', async () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = ['{', '}', '[', ']', '"', ':', ',', 'null', 'true', '1e999', '-0', '"__proto__"', '"constructor"', '"id"', '"environmentId"', '\\u0000', ' ', '\n', 'x', '\u00e9'];
    const names = ['app:info', 'accounts:remove', 'solutions:list', 'settings:import', 'plan:build', 'nope', '__proto__', '%ZZ', 'a%2Fb', ''];
    for (let i = 0; i < 400; i++) {
      const length = Math.floor(rnd() * 30);
      let body = '';
      for (let j = 0; j < length; j++) body += pieces[Math.floor(rnd() * pieces.length)] ?? '';
      const channel = names[Math.floor(rnd() * names.length)] ?? 'app:info';
      const res = await rpc(channel, body);
      expect(res.status, `${channel} ${body}`).toBeLessThan(500);
      const parsed = json(res);
      expect(typeof parsed.ok).toBe('boolean');
      if (!parsed.ok) expect(typeof parsed.error?.code).toBe('string');
    }
  });
});

describe('events', () => {
  it('delivers every valid event to every connected client, with the patchbay.v1 subprotocol', async () => {
    const a = await connectEvents(host.port, { protocols: protocols(), headers: { origin: host.origin } });
    const b = await connectEvents(host.port, { protocols: protocols() });
    if (!a.ok || !b.ok) throw new Error('connection refused');
    expect(a.client.protocol).toBe(WEB_PROTOCOL.subprotocol);
    fake.sink().emit('toast', { level: 'info', message: 'hello' });
    await expect(a.client.next()).resolves.toEqual({ event: 'toast', payload: { level: 'info', message: 'hello' } });
    await expect(b.client.next()).resolves.toEqual({ event: 'toast', payload: { level: 'info', message: 'hello' } });
    a.client.socket.close();
    b.client.socket.close();
  });

  it('drops events that do not match the contract and strips stray fields', async () => {
    const a = await connectEvents(host.port, { protocols: protocols() });
    if (!a.ok) throw new Error('connection refused');
    const sink = fake.sink();
    const emit = (event: string, payload: unknown): void => sink.emit(event as never, payload as never);
    emit('toast', { level: 'shout', message: 'bad' });
    emit('no-such-event', {});
    emit('toast', { level: 'warning', message: 'ok', accessToken: 'eyJ.secret' });
    await expect(a.client.next()).resolves.toEqual({ event: 'toast', payload: { level: 'warning', message: 'ok' } });
    expect(a.client.frames).toHaveLength(1);
    a.client.socket.close();
  });

  it('refuses a socket without the secret, or with a wrong one', async () => {
    await expect(connectEvents(host.port, { protocols: [WEB_PROTOCOL.subprotocol] })).resolves.toEqual({ ok: false, status: 401 });
    await expect(connectEvents(host.port, { protocols: protocols('x'.repeat(43)) })).resolves.toEqual({ ok: false, status: 401 });
    await expect(connectEvents(host.port, { protocols: protocols(host.secret.slice(1)) })).resolves.toEqual({ ok: false, status: 401 });
    await expect(connectEvents(host.port, { protocols: [], path: `/events?token=${host.secret}` })).resolves.toEqual({ ok: false, status: 401 });
    await expect(connectEvents(host.port, { protocols: [] })).resolves.toEqual({ ok: false, status: 401 });
  });

  it('refuses a socket with the secret but without patchbay.v1', async () => {
    await expect(connectEvents(host.port, { protocols: [`${WEB_PROTOCOL.tokenSubprotocolPrefix}${host.secret}`] })).resolves.toEqual({ ok: false, status: 400 });
  });

  it('refuses a socket from a foreign Origin or to a foreign Host, even with the secret', async () => {
    await expect(connectEvents(host.port, { protocols: protocols(), headers: { origin: 'https://evil.example' } })).resolves.toEqual({ ok: false, status: 403 });
    await expect(connectEvents(host.port, { protocols: protocols(), headers: { origin: 'null' } })).resolves.toEqual({ ok: false, status: 403 });
    await expect(connectEvents(host.port, { protocols: protocols(), headers: { host: `evil.example:${host.port}` } })).resolves.toEqual({ ok: false, status: 403 });
    await expect(connectEvents(host.port, { protocols: protocols(), headers: { host: `localhost:${host.port}`, origin: host.origin } })).resolves.toEqual({ ok: false, status: 403 });
  });

  it('refuses a socket on any other path', async () => {
    await expect(connectEvents(host.port, { protocols: protocols(), path: '/rpc/app:info' })).resolves.toEqual({ ok: false, status: 404 });
  });

  it('does not count refused sockets as clients', async () => {
    const a = await connectEvents(host.port, { protocols: [WEB_PROTOCOL.subprotocol] });
    expect(a.ok).toBe(false);
    const good = await connectEvents(host.port, { protocols: protocols() });
    if (!good.ok) throw new Error('connection refused');
    fake.sink().emit('toast', { level: 'success', message: 'only to good' });
    await expect(good.client.next()).resolves.toMatchObject({ event: 'toast' });
    good.client.socket.close();
  });

  it('answers a plain GET on /events with 426', async () => {
    const res = await rawRequest({ port: host.port, path: '/events' });
    expect(res.status).toBe(426);
    expectSecurityHeaders(res);
  });
});

describe('static files', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', 'placeholder'],
    ['/index.html', 'text/html; charset=utf-8', 'placeholder'],
    ['/assets/app.js', 'text/javascript; charset=utf-8', 'dataset.ready'],
    ['/assets/app.css', 'text/css; charset=utf-8', 'font-family'],
    ['/assets/logo.svg', 'image/svg+xml', '<svg'],
    ['/matrix/some/route', 'text/html; charset=utf-8', 'placeholder'],
    ['/?x=1', 'text/html; charset=utf-8', 'placeholder'],
  ])('serves %s as %s with the CSP and security headers', async (path, type, snippet) => {
    const res = await rawRequest({ port: host.port, path });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body).toContain(snippet);
    expectSecurityHeaders(res);
  });

  it('answers HEAD with headers only', async () => {
    const res = await rawRequest({ port: host.port, path: '/assets/app.js', method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expectSecurityHeaders(res);
  });

  it('answers a missing asset with 404, not index.html', async () => {
    const res = await rawRequest({ port: host.port, path: '/assets/missing.js' });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('placeholder');
    expectSecurityHeaders(res);
  });

  it('does not serve dotfiles', async () => {
    const res = await rawRequest({ port: host.port, path: '/.secret-dotfile' });
    expect(res.status).toBe(404);
  });

  it.each([
    ['/../OUTSIDE', 400],
    ['/assets/../../OUTSIDE', 400],
    ['/%2e%2e/OUTSIDE', 400],
    ['/%2E%2E%2FOUTSIDE', 400],
    ['/assets/%2e%2e/%2e%2e/OUTSIDE', 400],
    ['/..%2fOUTSIDE', 400],
    ['/..%5cOUTSIDE', 400],
    ['/assets\\..\\..\\OUTSIDE', 400],
    ['/./index.html', 400],
    ['/index.html%00.js', 400],
    ['/%c0%ae%c0%ae/OUTSIDE', 400],
    ['/../../../../../../etc/passwd', 400],
    // Encoded twice: decoded once it is a literal '%2e%2e' folder name, which does not exist.
    ['/%252e%252e/OUTSIDE', 404],
    // Extensionless paths inside the root are client routes: index.html, never the file system.
    ['//etc/passwd', 200],
  ])('refuses the traversal %s (%i)', async (pattern, status) => {
    const name = outsideFile.slice(dirname(outsideFile).length + 1);
    const res = await rawRequest({ port: host.port, path: pattern.replace('OUTSIDE', name) });
    expect(res.status).toBe(status);
    expect(res.body).not.toContain('outside the root');
    expect(res.body).not.toContain('root:');
    if (status === 200) expect(res.body).toContain('placeholder');
    expectSecurityHeaders(res);
  });

  it('refuses a non-absolute request target', async () => {
    const res = await rawRequest({ port: host.port, path: `http://127.0.0.1:${host.port}/index.html` });
    expect(res.status).toBe(400);
  });

  it('refuses a foreign Host for pages too (DNS rebinding)', async () => {
    const res = await rawRequest({ port: host.port, path: '/', headers: { host: `attacker.example:${host.port}` } });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('placeholder');
    expectSecurityHeaders(res);
  });

  it('refuses POST on pages', async () => {
    const res = await rawRequest({ port: host.port, path: '/', method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
  });

  it('serves 404 with the security headers when the renderer is not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'patchbay-empty-'));
    const other = await startWebHost({ rendererDir: empty, services: fakeServices().factory, logger: quiet });
    try {
      const res = await rawRequest({ port: other.port, path: '/' });
      expect(res.status).toBe(404);
      expect(res.headers['content-security-policy']).toContain(`ws://127.0.0.1:${other.port}`);
    } finally {
      await other.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('start-up', () => {
  const freePort = async (): Promise<number> => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  };

  it('binds the port first (refusing RPCs without the secret while the services start), then serves them', async () => {
    const port = await freePort();
    const local = fakeServices();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const starting = startWebHost({ rendererDir, port, logger: quiet, services: async (sink) => { await gate; return local.factory(sink); } });
    let early: RawResponse | null = null;
    for (let i = 0; i < 50 && !early; i++) {
      early = await rawRequest({ port, path: '/rpc/app:info', method: 'POST', body: '{}', headers: { [WEB_PROTOCOL.tokenHeader]: 'x' } }).catch(() => null);
      if (!early) await new Promise((r) => setTimeout(r, 20));
    }
    expect(early?.status).toBe(401);
    release();
    const started = await starting;
    try {
      expect(started.port).toBe(port);
      const res = await rawRequest({ port, path: '/rpc/app:info', method: 'POST', body: '{}', headers: { [WEB_PROTOCOL.tokenHeader]: started.secret } });
      expect(res.status).toBe(200);
    } finally {
      await started.close();
    }
  });

  it('fails fast on a taken port, before building the services', async () => {
    let built = false;
    await expect(startWebHost({ rendererDir, port: host.port, logger: quiet, services: (sink) => { built = true; return fakeServices().factory(sink); } })).rejects.toThrow(/EADDRINUSE/);
    expect(built).toBe(false);
  });

  it('stops listening when the services fail to start', async () => {
    const port = await freePort();
    await expect(startWebHost({ rendererDir, port, logger: quiet, services: () => Promise.reject(new Error('no services')) })).rejects.toThrow('no services');
    const again = await startWebHost({ rendererDir, port, logger: quiet, services: fakeServices().factory });
    expect(again.port).toBe(port);
    await again.close();
  });
});

describe('shutdown', () => {
  it('closes sockets, stops listening and closes the services', async () => {
    const local = fakeServices();
    const other = await startWebHost({ rendererDir, services: local.factory, logger: quiet });
    const conn = await connectEvents(other.port, { protocols: [WEB_PROTOCOL.subprotocol, `${WEB_PROTOCOL.tokenSubprotocolPrefix}${other.secret}`] });
    if (!conn.ok) throw new Error('connection refused');
    const closed = new Promise<number>((resolve) => conn.client.socket.on('close', (code) => resolve(code)));
    await other.close();
    await expect(closed).resolves.toBe(1001);
    expect(local.closed()).toBe(true);
    await expect(rawRequest({ port: other.port, path: '/' })).rejects.toThrow();
  });
});

describe('the traffic recorder (test-only, for the security sweep)', () => {
  it('sees each RPC as answered and each event as sent', async () => {
    const seen: TrafficEntry[] = [];
    const recorded = fakeServices();
    const other = await startWebHost({ rendererDir, services: recorded.factory, port: 0, logger: quiet, traffic: { record: (e) => seen.push(e) } });
    try {
      const res = await rawRequest({ port: other.port, path: `${WEB_PROTOCOL.rpcPath}app%3Ainfo`, method: 'POST', headers: { 'content-type': 'application/json', [WEB_PROTOCOL.tokenHeader]: other.secret }, body: '{}' });
      const events = await connectEvents(other.port, { protocols: [WEB_PROTOCOL.subprotocol, `${WEB_PROTOCOL.tokenSubprotocolPrefix}${other.secret}`] });
      if (!events.ok) throw new Error('connection refused');
      recorded.sink().emit('toast', { level: 'info', message: 'recorded' });
      await events.client.next();
      events.client.socket.close();
      expect(seen).toEqual([
        { kind: 'rpc', channel: 'app:info', input: '{}', output: res.body },
        { kind: 'event', frame: JSON.stringify({ event: 'toast', payload: { level: 'info', message: 'recorded' } }) },
      ]);
    } finally {
      await other.close();
    }
  });
});
