import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCall } from '../sandbox/entra/test-support/https';
import type { AccountRecord } from './accounts';
import { AuthError } from './errors';
import { NODE_CONTEXT_REASON } from './protector';
import { createSession } from './session';
import type { AuthSession, UserSession } from './session-types';
import { createAesProtector } from './test-support/aes-protector';
import { startAuthTestbed, type AuthTestbed } from './test-support/sandbox-auth';
import { tokenCacheFile } from './token-cache';

/** User accounts through the real msal-node against the sandbox: interactive, device code, refresh, revocation, cache. */

let tb: AuthTestbed;
beforeAll(async () => {
  tb = await startAuthTestbed();
});
afterAll(async () => {
  await tb.close();
});

const POWERAPPS = 'https://service.powerapps.com/';
const FLOW = 'https://service.flow.microsoft.com/';
const dev = () => `${tb.sb.baseUrl}/orgs/contoso-dev`;
const claims = (token: string) => decodeJwt(token);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function userSession(session: AuthSession): UserSession {
  if (session.kind !== 'user') throw new Error('expected a user session');
  return session;
}

async function signedIn(role: Parameters<AuthTestbed['upn']>[0] = 'releaseManager', account?: AccountRecord): Promise<{ session: UserSession; account: AccountRecord }> {
  const acct = account ?? tb.account('interactive');
  const session = userSession(createSession(await tb.options(acct)));
  await session.signIn({ openBrowser: tb.browser(), loginHint: tb.upn(role) });
  return { session, account: acct };
}

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('interactive sign-in', () => {
  it('signs in through the openBrowser hook, then gets tokens per resource silently', async () => {
    const session = userSession(createSession(await tb.options(tb.account('interactive'))));
    const user = await session.signIn({ openBrowser: tb.browser(), loginHint: tb.upn('releaseManager') });
    const oid = tb.ready.users.find((u) => u.upn === tb.upn('releaseManager'))?.objectId;
    expect(user).toMatchObject({ username: tb.upn('releaseManager'), homeAccountId: `${oid}.${tb.sb.tenantId}`, tenantId: tb.sb.tenantId });
    expect(session.signedInUser()?.homeAccountId).toBe(user.homeAccountId);

    const since = await tb.lastSeq();
    const pa = await session.token(POWERAPPS);
    expect(claims(pa)).toMatchObject({ aud: POWERAPPS, upn: tb.upn('releaseManager'), scp: 'user_impersonation' });
    expect(await tb.tokenRequests(since)).toHaveLength(0); // the sign-in's own token
    const dv = await session.token(dev());
    expect(claims(dv)['aud']).toBe(dev());
    expect(await session.token(`${dev()}/`)).toBe(dv); // the same resource, with or without the slash
    expect(await tb.tokenRequests(since)).toHaveLength(1); // one refresh-token grant for Dataverse
  });

  it('shows the account picker when there is no login hint', async () => {
    const session = userSession(createSession(await tb.options(tb.account('interactive'))));
    const user = await session.signIn({ openBrowser: tb.browser(tb.upn('maker')), resource: dev() });
    expect(user.username).toBe(tb.upn('maker'));
    expect(claims(await session.token(dev()))['upn']).toBe(tb.upn('maker'));
  });

  it('shares one acquisition among concurrent calls for the same resource', async () => {
    const { session } = await signedIn('maker');
    const since = await tb.lastSeq();
    const [flow, dv] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => session.token(FLOW))),
      Promise.all(Array.from({ length: 20 }, () => session.token(dev()))),
    ]);
    expect(new Set(flow).size).toBe(1);
    expect(new Set(dv).size).toBe(1);
    expect(claims(flow[0] ?? '')['aud']).toBe(FLOW);
    // One token request per resource, not twenty.
    expect(await tb.tokenRequests(since)).toHaveLength(2);
  });

  it('refreshes a token within two minutes of expiry, transparently', async () => {
    const saved = tb.sb.ctx.tokenLifetimeS;
    tb.sb.ctx.tokenLifetimeS = 122; // usable for ~2 s before the 2-minute margin
    try {
      const { session } = await signedIn('prodOwner');
      const first = await session.token(POWERAPPS);
      const since = await tb.lastSeq();
      expect(await session.token(POWERAPPS)).toBe(first);
      expect(await tb.tokenRequests(since)).toHaveLength(0);
      await sleep(2600);
      const second = await session.token(POWERAPPS);
      expect(second).not.toBe(first);
      expect(claims(second)['exp']).toBeGreaterThan(claims(first)['exp'] as number);
      expect(await tb.tokenRequests(since)).toHaveLength(1);
    } finally {
      tb.sb.ctx.tokenLifetimeS = saved;
    }
  });

  it('answers "sign in again" when the refresh token was revoked, and never opens UI from token()', async () => {
    const { session, account } = await signedIn('serviceAccount');
    await session.token(POWERAPPS);
    // Revocation covers tokens issued before the current second.
    await sleep(1050 - (Date.now() % 1000));
    expect((await tb.control('POST', 'tokens/revoke', { upn: tb.upn('serviceAccount') })).status).toBe(200);
    const error = await failure(session.token(dev(), { forceRefresh: true }));
    expect(error.code).toBe('sign_in_required');
    expect(error.action).toBe('sign_in');
    expect(error.aadsts).toBe(50173);
    expect(error.message).toMatch(/^Sign in again: /);
    expect(error.message).toContain(tb.upn('serviceAccount'));
    expect(error.message).toContain(account.clientId);
    expect(error.message).toContain(tb.sb.tenantId);
    expect(error.message).toContain('Demo tenant (sandbox)');
  });

  it('reports missing consent (the reporting app)', async () => {
    const account = tb.account('interactive', { clientId: tb.app('reporting').clientId });
    const session = userSession(createSession(await tb.options(account)));
    const error = await failure(session.signIn({ openBrowser: tb.browser(), loginHint: tb.upn('maker') }));
    expect(error).toMatchObject({ code: 'consent_required', action: 'grant_consent', aadsts: 65001 });
    expect(error.message).toContain(account.clientId);
    expect(error.message).toContain('Grant admin consent');
  });

  it('reports a disabled user', async () => {
    const session = userSession(createSession(await tb.options(tb.account('interactive'))));
    const error = await failure(session.signIn({ openBrowser: tb.browser(), loginHint: tb.upn('formerEmployee') }));
    expect(error).toMatchObject({ code: 'user_disabled', action: 'contact_admin', aadsts: 50057 });
    expect(error.message).toContain(tb.upn('formerEmployee'));
  });

  it('answers token() before any sign-in with "sign in again"', async () => {
    const session = createSession(await tb.options(tb.account('interactive')));
    const error = await failure(session.token(POWERAPPS));
    expect(error.code).toBe('sign_in_required');
    expect(error.message).toContain('has not signed in yet');
  });

  it('cancels an interactive sign-in and closes msal’s loopback listener', async () => {
    const session = userSession(createSession(await tb.options(tb.account('interactive'))));
    const controller = new AbortController();
    let authorizeUrl = '';
    const started = Date.now();
    const error = await failure(
      session.signIn({
        signal: controller.signal,
        openBrowser: async (url) => {
          authorizeUrl = url;
          controller.abort();
          return Promise.resolve();
        },
      }),
    );
    expect(error.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
    const loopback = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri') ?? '');
    loopback.hostname = '127.0.0.1';
    await sleep(100);
    const probe = await httpCall(loopback.href, { form: { state: 'x' } }).then(
      () => 'open',
      (e: unknown) => (e as { code?: string }).code,
    );
    expect(probe).toBe('ECONNREFUSED');
  });
});

describe('device-code sign-in', () => {
  it('surfaces the code to the caller, is approved through the control API, and yields tokens', async () => {
    const session = userSession(createSession(await tb.options(tb.account('device-code'))));
    let approval: Promise<number> | null = null;
    let shown: { userCode: string; verificationUri: string; expiresAt: Date; message: string } | null = null;
    const user = await session.signIn({
      onDeviceCode: (prompt) => {
        shown = prompt;
        approval = tb.approveDeviceCode(prompt.userCode, tb.upn('prodOwner')).then((r) => r.status);
      },
    });
    expect(await (approval as Promise<number> | null)).toBe(200);
    const prompt = shown as unknown as { userCode: string; verificationUri: string; expiresAt: Date; message: string };
    expect(prompt.verificationUri).toBe(`${tb.sb.baseUrl}/login/devicelogin`);
    expect(prompt.message).toContain(prompt.userCode);
    expect(prompt.expiresAt.getTime()).toBeGreaterThan(Date.now() + 14 * 60 * 1000);
    expect(user.username).toBe(tb.upn('prodOwner'));
    expect(claims(await session.token(FLOW))).toMatchObject({ aud: FLOW, upn: tb.upn('prodOwner') });
  });

  it('is cancellable while it polls', async () => {
    const session = userSession(createSession(await tb.options(tb.account('device-code'))));
    const controller = new AbortController();
    const started = Date.now();
    const error = await failure(session.signIn({ signal: controller.signal, onDeviceCode: () => setTimeout(() => controller.abort(), 50) }));
    expect(error.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('token cache persistence', () => {
  it('round-trips through the encrypted file: a second session gets tokens without signing in', async () => {
    const protector = createAesProtector();
    const account = tb.account('interactive');
    const first = userSession(createSession(await tb.options(account, { protector })));
    const user = await first.signIn({ openBrowser: tb.browser(), loginHint: tb.upn('releaseManager') });
    const token = await first.token(POWERAPPS);
    const persistence = first.cachePersistence();
    if (persistence.mode !== 'encrypted') throw new Error('not persisted');
    expect(persistence.file).toMatch(new RegExp(`token-cache[/\\\\]${account.id}\\.bin$`));
    const bytes = await readFile(persistence.file);
    expect((await stat(persistence.file)).mode & 0o777).toBe(0o600);
    const text = bytes.toString('latin1');
    for (const plain of ['AccessToken', 'RefreshToken', 'home_account_id', token.slice(0, 40), tb.upn('releaseManager')]) expect(text).not.toContain(plain);

    // A second session (a restart) with the same data folder and protector: silent, no token request.
    const dataDir = persistence.file.replace(/[/\\]token-cache[/\\][^/\\]+$/, '');
    const restarted = createSession(await tb.options({ ...account, homeAccountId: user.homeAccountId, username: user.username }, { protector, dataDir }));
    const since = await tb.lastSeq();
    expect(await restarted.token(POWERAPPS)).toBe(token);
    expect(await tb.tokenRequests(since)).toHaveLength(0);
    // And it refreshes from the persisted refresh token for a new resource.
    expect(claims(await restarted.token(dev()))['aud']).toBe(dev());
    expect(await tb.tokenRequests(since)).toHaveLength(1);

    // Sign-out deletes the file; a third session has nothing to go on.
    await restarted.signOut();
    expect(existsSync(persistence.file)).toBe(false);
    const third = createSession(await tb.options({ ...account, homeAccountId: user.homeAccountId, username: user.username }, { protector, dataDir }));
    expect((await failure(third.token(POWERAPPS))).code).toBe('sign_in_required');
  });

  it('keeps tokens in memory only while encryption is unavailable', async () => {
    const protector = createAesProtector();
    protector.available = false;
    const account = tb.account('interactive');
    const options = await tb.options(account, { protector });
    const session = userSession(createSession(options));
    expect(session.cachePersistence()).toMatchObject({ mode: 'memory-only', reason: expect.stringContaining('no encryption') as string });
    const user = await session.signIn({ openBrowser: tb.browser(), loginHint: tb.upn('maker') });
    expect(await session.token(POWERAPPS)).toBeTruthy();
    expect(existsSync(tokenCacheFile(options.dataDir, account.id))).toBe(false);
    expect(protector.encryptions).toBe(0);
    const restarted = createSession({ ...options, account: { ...account, homeAccountId: user.homeAccountId, username: user.username } });
    const error = await failure(restarted.token(POWERAPPS));
    expect(error.code).toBe('sign_in_required');
    expect(error.message).toContain('no stored session');
  });

  it('says plainly that Node contexts keep tokens in memory only', async () => {
    const session = createSession(await tb.options(tb.account('interactive'), { protector: null }));
    expect(session.cachePersistence()).toEqual({ mode: 'memory-only', reason: NODE_CONTEXT_REASON });
  });

  it('ignores a cache file it cannot decrypt instead of failing', async () => {
    const account = tb.account('interactive');
    const options = await tb.options(account, { protector: createAesProtector() });
    const session = userSession(createSession(options));
    const user = await session.signIn({ openBrowser: tb.browser(), loginHint: tb.upn('maker') });
    const otherKey = createSession({ ...options, protector: createAesProtector(), account: { ...account, homeAccountId: user.homeAccountId, username: user.username } });
    expect((await failure(otherKey.token(POWERAPPS))).code).toBe('sign_in_required');
    expect(tb.logLines.some((l) => l.includes('cannot be read or decrypted'))).toBe(true);
  });
});
