import { ConfidentialClientApplication } from '@azure/msal-node';
import { CERTIFICATE_PASSWORD_ENV, loadCertificate } from './certificate';
import { CLIENT_SECRET_ENV, resolveClientSecret } from './client-secret';
import { AuthError } from './errors';
import { msalConfiguration, type AppCredential } from './msal-config';
import { prepareSession } from './session-base';
import type { AppSession, SessionOptions } from './session-types';
import { createTokenBroker } from './token-broker';

/**
 * An app account (client secret or certificate) over msal's ConfidentialClientApplication: client
 * credentials for every token, msal's own app-token cache first. The credential is read on first use
 * — the secret from memory or PATCHBAY_CLIENT_SECRET, the certificate from its file — so a bad one
 * surfaces as the AuthError of the first token() call, and a fixed one is picked up by the next.
 */

export function createAppSession(options: SessionOptions): AppSession {
  const { account, profile } = options;
  const env = options.env ?? process.env;
  const parts = prepareSession(options);
  const { log, cache, guard } = parts;
  let app: Promise<ConfidentialClientApplication> | null = null;

  const credential = async (): Promise<AppCredential> => {
    if (account.mode === 'certificate') {
      if (account.certificatePath === undefined) throw new AuthError('certificate_invalid', `Account '${account.label}' has no certificate file.`, 'fix_certificate');
      const password = options.certificatePassword ?? env[CERTIFICATE_PASSWORD_ENV];
      return {
        certificate: await loadCertificate(account.certificatePath, {
          ...(password === undefined ? {} : { password }),
          ...(account.privateKeyPath === undefined ? {} : { privateKeyPath: account.privateKeyPath }),
        }),
      };
    }
    const secret = resolveClientSecret(options.clientSecret, env);
    if (secret === null) {
      throw new AuthError(
        'secret_missing',
        `No client secret for '${account.label}' (app ${account.clientId}, tenant ${account.tenant}): enter it, or set ${CLIENT_SECRET_ENV}. Patchbay does not store secrets.`,
        'fix_secret',
      );
    }
    return { clientSecret: secret };
  };

  const application = (): Promise<ConfidentialClientApplication> => {
    app ??= guard(async () => {
      const config = msalConfiguration({
        profile,
        tenant: account.tenant,
        clientId: account.clientId,
        networkClient: parts.network.client,
        log,
        cachePlugin: cache.plugin,
        credential: await credential(),
      });
      return new ConfidentialClientApplication(config);
    }).catch((error: unknown) => {
      app = null;
      throw error;
    });
    return app;
  };

  const broker = createTokenBroker(
    async (scope, forceRefresh) => {
      const cca = await application();
      const result = await guard(() => cca.acquireTokenByClientCredential({ scopes: [scope], skipCache: forceRefresh }));
      if (!result) throw new AuthError('unknown', `No token was returned for app ${account.clientId} in tenant ${account.tenant}.`, 'retry');
      return { accessToken: result.accessToken, expiresOn: result.expiresOn };
    },
    options.refreshMarginMs === undefined ? {} : { refreshMarginMs: options.refreshMarginMs },
  );

  return {
    kind: 'app',
    accountId: account.id,
    token: (resource, opts) => broker.token(resource, opts),
    cachePersistence: () => cache.persistence(),
    async signOut() {
      broker.forget();
      await cache.clear();
      app = null;
      log.info('Signed out');
    },
  };
}
