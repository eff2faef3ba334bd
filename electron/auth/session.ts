import { profileFor, type CloudProfile } from '../cloud/profiles';
import { isUserMode, type AccountRecord } from './accounts';
import { createAppSession } from './app-session';
import type { AuthSession, SessionOptions } from './session-types';
import { createUserSession } from './user-session';

/** The session for an account: a user session (interactive, device code) or an app session. */
export function createSession(options: SessionOptions): AuthSession {
  return isUserMode(options.account.mode) ? createUserSession(options) : createAppSession(options);
}

/** The account's cloud profile; a sandbox account also needs the running sandbox's CA certificate. */
export function accountProfile(account: AccountRecord, sandboxCaPem?: string): CloudProfile {
  if (account.cloud !== 'sandbox') return profileFor(account.cloud);
  if (account.sandboxUrl === undefined) throw new TypeError(`Sandbox account '${account.label}' has no sandbox URL.`);
  if (sandboxCaPem === undefined) throw new TypeError(`Sandbox account '${account.label}' needs the sandbox's CA certificate.`);
  return profileFor('sandbox', { baseUrl: account.sandboxUrl, caPem: sandboxCaPem });
}
