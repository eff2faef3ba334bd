import { describe, expect, it } from 'vitest';
import { channelNames, type Channel } from '../../shared/ipc/contract';
import { checkEvent, dispatch, HandlerError } from './dispatch';
import type { CallContext, Handlers } from './types';

const ctx: CallContext = { transport: 'web' };

function handlersWith(overrides: Partial<Record<Channel, (input: unknown, ctx: CallContext) => Promise<unknown>>>): Handlers {
  const base = Object.fromEntries(channelNames.map((c) => [c, () => Promise.reject(new HandlerError('NOT_FAKED', `${c} not faked`))]));
  return { ...base, ...overrides } as unknown as Handlers;
}

const account = {
  id: 'acc-1',
  label: 'Contoso',
  tenant: 'contoso.onmicrosoft.com',
  cloud: 'public',
  mode: 'interactive',
  clientId: 'client',
  role: 'me',
  status: 'signed-in',
  username: 'ana@contoso.com',
  error: null,
  isDemo: false,
  persistence: { kind: 'memory-only', reason: 'no keyring' },
} as const;

describe('dispatch', () => {
  it('answers an unknown channel with UNKNOWN_CHANNEL and a bounded message', async () => {
    const result = await dispatch(`nope${'x'.repeat(500)}`, {}, handlersWith({}), ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    if (!result.ok) expect(result.error.message.length).toBeLessThan(150);
  });

  it('refuses extra input keys with INVALID_INPUT without calling the handler', async () => {
    let called = false;
    const handlers = handlersWith({
      'accounts:remove': () => {
        called = true;
        return Promise.resolve(null);
      },
    });
    const result = await dispatch('accounts:remove', { id: 'acc-1', admin: true }, handlers, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(called).toBe(false);
  });

  it('passes the parsed input and the call context to the handler', async () => {
    let seen: unknown = null;
    let seenCtx: unknown = null;
    const handlers = handlersWith({
      'accounts:remove': (input, c) => {
        seen = input;
        seenCtx = c;
        return Promise.resolve(null);
      },
    });
    await expect(dispatch('accounts:remove', { id: 'acc-1' }, handlers, ctx)).resolves.toEqual({ ok: true, value: null });
    expect(seen).toEqual({ id: 'acc-1' });
    expect(seenCtx).toBe(ctx);
  });

  it('strips token fields a handler adds to its answer, at every level', async () => {
    const handlers = handlersWith({
      'accounts:list': () =>
        Promise.resolve([
          {
            ...account,
            idToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
            accessToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.sig',
            refreshToken: 'rt',
            msalAccount: { homeAccountId: 'x', idTokenClaims: { oid: 'o' } },
            persistence: { ...account.persistence, cacheKey: 'k' },
          },
        ]),
      'app:info': () => Promise.resolve({ version: '1', demo: false, transport: 'web', dataDir: '/d', accessToken: 'eyJ.x.y', secret: 's' }),
    });
    const list = await dispatch('accounts:list', {}, handlers, ctx);
    expect(list).toEqual({ ok: true, value: [account] });
    expect(JSON.stringify(list)).not.toMatch(/idToken|accessToken|refreshToken|msalAccount|cacheKey|eyJ/);
    const info = await dispatch('app:info', {}, handlers, ctx);
    expect(info).toEqual({ ok: true, value: { version: '1', demo: false, transport: 'web', dataDir: '/d' } });
  });

  it('answers an output that breaks the schema with INVALID_OUTPUT', async () => {
    const handlers = handlersWith({ 'accounts:list': () => Promise.resolve([{ ...account, status: 'weird' }]) });
    await expect(dispatch('accounts:list', {}, handlers, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_OUTPUT' } });
  });

  it('turns a HandlerError into its code, message and fix', async () => {
    const handlers = handlersWith({ 'accounts:sign-in': () => Promise.reject(new HandlerError('SIGN_IN_FAILED', 'Sign-in failed.', 'Try again.', 'more')) });
    await expect(dispatch('accounts:sign-in', { id: 'a' }, handlers, ctx)).resolves.toEqual({
      ok: false,
      error: { code: 'SIGN_IN_FAILED', message: 'Sign-in failed.', fix: 'Try again.', detail: 'more' },
    });
  });

  it('redacts credentials in unexpected errors and keeps the first line as the message', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const handlers = handlersWith({ 'environments:list': () => Promise.reject(new Error(`request failed: Authorization: Bearer ${jwt}\nat line two access_token=${jwt}`)) });
    const result = await dispatch('environments:list', {}, handlers, ctx);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(jwt);
    if (!result.ok) {
      expect(result.error.code).toBe('INTERNAL');
      expect(result.error.message).not.toContain('\n');
      expect(result.error.detail).toContain('line two');
    }
  });

  it('names platform errors by kind, and survives throws of non-errors', async () => {
    const platform = Object.assign(new Error('throttled'), { kind: 'throttled' });
    const handlers = handlersWith({
      'environments:list': () => Promise.reject(platform),
      'history:list': () => Promise.reject(new Error('plain')),
      'audit:findings': () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: a handler throwing a non-Error
        throw 'a string';
      },
    });
    await expect(dispatch('environments:list', {}, handlers, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'platform:throttled' } });
    await expect(dispatch('history:list', {}, handlers, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'plain' } });
    await expect(dispatch('audit:findings', {}, handlers, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'a string' } });
  });

  it('reads a missing input as {} for channels without fields', async () => {
    const handlers = handlersWith({ 'demo:reset': () => Promise.resolve(null) });
    await expect(dispatch('demo:reset', undefined, handlers, ctx)).resolves.toEqual({ ok: true, value: null });
    await expect(dispatch('demo:deploy', undefined, handlers, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('checkEvent', () => {
  it('passes a valid payload, stripped of stray fields', () => {
    expect(checkEvent('toast', { level: 'info', message: 'hi', idToken: 'eyJ.a.b' })).toEqual({ ok: true, payload: { level: 'info', message: 'hi' } });
  });

  it('refuses unknown events and invalid payloads', () => {
    expect(checkEvent('nope', {})).toMatchObject({ ok: false });
    expect(checkEvent('__proto__', {})).toMatchObject({ ok: false });
    expect(checkEvent('toast', { level: 'loud', message: 'x' })).toMatchObject({ ok: false });
    expect(checkEvent('toast', null)).toMatchObject({ ok: false });
  });
});
