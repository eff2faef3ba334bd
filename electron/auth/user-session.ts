import { request as httpRequest } from 'node:http';
import { PublicClientApplication, type AccountInfo, type AuthenticationResult } from '@azure/msal-node';
import { defaultScope } from '../cloud/profiles';
import { AuthError, cancelled, signInRequired } from './errors';
import { msalConfiguration } from './msal-config';
import { prepareSession } from './session-base';
import type { DeviceCodePrompt, SessionOptions, SignInOptions, SignedInUser, UserSession } from './session-types';
import { abandonOnAbort, createTokenBroker } from './token-broker';

/**
 * A user account (interactive or device code) over msal's PublicClientApplication. Sign-in is
 * explicit and the only place UI happens; token() is silent only (msal's cache, then the refresh
 * token) and answers "sign in again" when that is not enough.
 */

function summary(account: AccountInfo): SignedInUser {
  return {
    homeAccountId: account.homeAccountId,
    username: account.username,
    tenantId: account.tenantId,
    ...(account.name ? { name: account.name } : {}),
  };
}

/**
 * msal's loopback listener waits for the browser's form_post with no timeout of its own. To cancel,
 * answer it the way Entra answers a cancelled sign-in: an error posted with msal's own `state`, so
 * msal closes its listener instead of leaking it.
 */
function releaseLoopback(authorizeUrl: string): void {
  let redirect: URL;
  let state: string | null;
  try {
    const url = new URL(authorizeUrl);
    redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
    state = url.searchParams.get('state');
  } catch {
    return;
  }
  if (redirect.protocol !== 'http:' || state === null) return;
  // msal binds 127.0.0.1 but names it `localhost` in redirect_uri; `localhost` may resolve to ::1 first.
  if (redirect.hostname === 'localhost') redirect.hostname = '127.0.0.1';
  if (redirect.hostname !== '127.0.0.1') return;
  const body = new URLSearchParams({ error: 'access_denied', error_description: 'The sign-in was cancelled in Patchbay.', state }).toString();
  const req = httpRequest(redirect, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } }, (res) => res.resume());
  req.on('error', () => undefined);
  req.end(body);
}

export function createUserSession(options: SessionOptions): UserSession {
  const { account, profile } = options;
  const parts = prepareSession(options);
  const { log, cache, guard } = parts;
  const pca = new PublicClientApplication(
    msalConfiguration({ profile, tenant: account.tenant, clientId: account.clientId, networkClient: parts.network.client, log, cachePlugin: cache.plugin }),
  );
  let user: SignedInUser | null =
    account.homeAccountId !== undefined && account.username !== undefined
      ? { homeAccountId: account.homeAccountId, username: account.username, tenantId: account.tenant }
      : null;

  const findAccount = async (): Promise<AccountInfo> => {
    if (user === null) throw signInRequired(parts.errorContext(), 'this account has not signed in yet');
    const found = await pca.getTokenCache().getAccountByHomeId(user.homeAccountId);
    if (!found) throw signInRequired(parts.errorContext(user.username), 'no stored session was found (tokens are not kept across restarts here, or the session was removed)');
    return found;
  };

  const broker = createTokenBroker(
    async (scope, forceRefresh) => {
      const msalAccount = await findAccount();
      const result = await guard(() => pca.acquireTokenSilent({ account: msalAccount, scopes: [scope], forceRefresh }), msalAccount.username);
      return { accessToken: result.accessToken, expiresOn: result.expiresOn };
    },
    options.refreshMarginMs === undefined ? {} : { refreshMarginMs: options.refreshMarginMs },
  );

  const finish = (result: AuthenticationResult | null, resource: string): SignedInUser => {
    if (!result?.account) throw new AuthError('unknown', `The sign-in to tenant ${account.tenant} returned no account.`, 'retry');
    user = summary(result.account);
    broker.forget();
    broker.remember(resource, { accessToken: result.accessToken, expiresOn: result.expiresOn });
    log.info('Signed in', { tenantId: user.tenantId });
    return user;
  };

  const interactive = async (signInOptions: SignInOptions, resource: string): Promise<SignedInUser> => {
    const { openBrowser, signal, loginHint } = signInOptions;
    if (!openBrowser) throw new TypeError('Interactive sign-in needs an openBrowser hook.');
    let authorizeUrl: string | null = null;
    const onAbort = (): void => {
      if (authorizeUrl !== null) releaseLoopback(authorizeUrl);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const running = guard(
      () =>
        pca.acquireTokenInteractive({
          scopes: [defaultScope(resource)],
          ...(loginHint === undefined ? { prompt: 'select_account' } : { loginHint }),
          openBrowser: async (url) => {
            authorizeUrl = url;
            if (signal?.aborted) {
              releaseLoopback(url);
              return;
            }
            await openBrowser(url);
          },
        }),
      loginHint,
    );
    try {
      return finish(await abandonOnAbort(running, signal), resource);
    } catch (error) {
      running.catch(() => undefined);
      if (signal?.aborted) throw cancelled(parts.errorContext());
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };

  const deviceCode = async (signInOptions: SignInOptions, resource: string): Promise<SignedInUser> => {
    const { onDeviceCode, signal } = signInOptions;
    if (!onDeviceCode) throw new TypeError('Device-code sign-in needs an onDeviceCode callback.');
    // msal polls `request.cancel` between polls; it keeps (and mutates) this very object.
    const request = {
      scopes: [defaultScope(resource)],
      cancel: false,
      deviceCodeCallback: (response: { userCode: string; verificationUri: string; expiresIn: number; message: string }) => {
        const prompt: DeviceCodePrompt = {
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          expiresAt: new Date(Date.now() + response.expiresIn * 1000),
          message: response.message,
        };
        try {
          onDeviceCode(prompt);
        } catch (error) {
          log.error('The device-code callback threw', { error });
        }
      },
    };
    const onAbort = (): void => {
      request.cancel = true;
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const running = guard(() => pca.acquireTokenByDeviceCode(request));
    try {
      return finish(await abandonOnAbort(running, signal), resource);
    } catch (error) {
      running.catch(() => undefined);
      if (signal?.aborted) throw cancelled(parts.errorContext());
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    kind: 'user',
    accountId: account.id,
    token: (resource, opts) => broker.token(resource, opts),
    signedInUser: () => user,
    cachePersistence: () => cache.persistence(),
    async signIn(signInOptions) {
      if (signInOptions.signal?.aborted) throw cancelled(parts.errorContext());
      const resource = signInOptions.resource ?? profile.powerAppsAudience;
      return account.mode === 'device-code' ? deviceCode(signInOptions, resource) : interactive(signInOptions, resource);
    },
    async signOut() {
      broker.forget();
      if (user !== null) {
        const found = await pca.getTokenCache().getAccountByHomeId(user.homeAccountId);
        if (found) await pca.getTokenCache().removeAccount(found);
      }
      await cache.clear();
      user = null;
      log.info('Signed out');
    },
  };
}
