import type { TokenProvider } from '../cloud/contracts';
import type { CloudProfile } from '../cloud/profiles';
import type { Logger } from '../log/logger';
import type { AccountRecord } from './accounts';
import type { CachePersistence, SecretProtector } from './protector';

/** What every session needs: the account, its cloud, where its token cache lives and how it is protected. */
export interface SessionOptions {
  account: AccountRecord;
  /** The account's cloud (accountProfile() builds it; a sandbox profile carries the sandbox CA). */
  profile: CloudProfile;
  /** The data folder the token cache goes in (`token-cache/{accountId}.bin`). */
  dataDir: string;
  /** Electron's safeStorage in the app; null in the CLI and web host (tokens in memory only). */
  protector: SecretProtector | null;
  log?: Logger;
  /** Client-secret mode: the secret, held in memory only; else `PATCHBAY_CLIENT_SECRET` is read. */
  clientSecret?: string;
  /** Certificate mode: the PFX or encrypted-key password; else `PATCHBAY_CERTIFICATE_PASSWORD`. */
  certificatePassword?: string;
  /** Where environment variables are read from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Tokens with less than this left are treated as expired (default 2 minutes). */
  refreshMarginMs?: number;
}

/** What the user is told to do in device-code mode. */
export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  expiresAt: Date;
  /** Entra's own sentence ("To sign in, use a web browser to open …"). */
  message: string;
}

export interface SignInOptions {
  /** Interactive mode: opens the authorize URL (the app: the system browser; CLI/web host: print and open). */
  openBrowser?: (url: string) => Promise<void>;
  /** Device-code mode: shows the code and where to enter it. */
  onDeviceCode?: (prompt: DeviceCodePrompt) => void;
  /** Cancels the sign-in (closing msal's loopback listener, or stopping the device-code polling). */
  signal?: AbortSignal;
  /** Pre-fills the account (re-sign-in of a known user); without it the account picker is shown. */
  loginHint?: string;
  /** The resource whose token the sign-in also yields; default the Power Apps / BAP audience. */
  resource?: string;
}

/** The signed-in user, for the registry (`recordSignIn`) and the UI. No tokens, no claims. */
export interface SignedInUser {
  homeAccountId: string;
  username: string;
  tenantId: string;
  name?: string;
}

interface SessionBase extends TokenProvider {
  readonly accountId: string;
  /** Whether tokens survive a restart, and if not why. */
  cachePersistence(): CachePersistence;
  /** Forgets the session's tokens (memory and file). */
  signOut(): Promise<void>;
}

export interface UserSession extends SessionBase {
  readonly kind: 'user';
  signedInUser(): SignedInUser | null;
  /** Interactive or device code, per the account's mode. Never called from token(). */
  signIn(options: SignInOptions): Promise<SignedInUser>;
}

export interface AppSession extends SessionBase {
  readonly kind: 'app';
}

export type AuthSession = UserSession | AppSession;
