import { createMsalNetworkClient } from '../cloud/msal-network';
import { silentLogger, type Logger } from '../log/logger';
import { toAuthError, type AuthError, type AuthErrorContext } from './errors';
import { withDiagnostics, type DiagnosingNetwork } from './network-diagnostics';
import type { SessionOptions } from './session-types';
import { createTokenCache, type TokenCacheStore } from './token-cache';

/** The parts every session has: its logger, network module, token cache, and its error mapping. */
export interface SessionParts {
  log: Logger;
  network: DiagnosingNetwork;
  cache: TokenCacheStore;
  errorContext: (username?: string) => AuthErrorContext;
  /** Runs an msal call, mapping whatever it throws to an AuthError explained by the network's record. */
  guard: <T>(call: () => Promise<T>, username?: string) => Promise<T>;
  fail: (error: unknown, mark: number, username?: string) => AuthError;
}

export function prepareSession(options: SessionOptions): SessionParts {
  const { account, profile } = options;
  if (profile.id !== account.cloud) {
    throw new TypeError(`Account '${account.label}' is in the ${account.cloud} cloud but was given the ${profile.id} profile.`);
  }
  const log = (options.log ?? silentLogger).child({ component: 'auth', accountId: account.id, mode: account.mode, cloud: account.cloud });
  const network = withDiagnostics(createMsalNetworkClient(profile.caPem === undefined ? {} : { ca: profile.caPem }));
  const cache = createTokenCache({ dataDir: options.dataDir, accountId: account.id, protector: options.protector, log });
  const errorContext = (username?: string): AuthErrorContext => ({
    tenant: account.tenant,
    clientId: account.clientId,
    cloud: profile.displayName,
    ...(username === undefined ? {} : { username }),
  });
  const fail = (error: unknown, mark: number, username?: string): AuthError => {
    const mapped = toAuthError(error, errorContext(username), network.failureSince(mark));
    log.warn('Authentication failed', { code: mapped.code, aadsts: mapped.aadsts, correlationId: mapped.correlationId, error: mapped.message });
    return mapped;
  };
  const guard = async <T>(call: () => Promise<T>, username?: string): Promise<T> => {
    const mark = network.mark();
    try {
      return await call();
    } catch (error) {
      throw fail(error, mark, username);
    }
  };
  return { log, network, cache, errorContext, guard, fail };
}
