/**
 * Encrypts the token cache at rest. The shape is Electron's `safeStorage`, so the main process passes
 * `safeStorage` itself; tests pass a protector that really encrypts (AES-GCM with a test key).
 *
 * Node contexts (CLI, web host) pass none and keep tokens in memory only. The candidate for them,
 * `@azure/msal-node-extensions`, stores through the native `keytar` module (macOS Keychain, libsecret
 * on Linux) or DPAPI on Windows: keytar is archived upstream, needs its install script (npm 11 here
 * does not run install scripts) and, on headless Linux, a Secret Service over D-Bus that build agents
 * and containers do not have; its only fallback there is a plaintext file. A CLI in a pipeline uses a
 * client secret or certificate and needs no persisted user tokens; people at a desk use the app.
 */
export interface SecretProtector {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Whether tokens outlive the process, and if not, why — for the caller to show. */
export type CachePersistence = { mode: 'encrypted'; file: string } | { mode: 'memory-only'; reason: string };

export const NODE_CONTEXT_REASON =
  'Tokens are kept in memory only: outside the desktop app Patchbay has no OS-protected store to encrypt them with. User accounts sign in again after a restart; app accounts (client secret, certificate) are unaffected.';

export const ENCRYPTION_UNAVAILABLE_REASON =
  'Tokens are kept in memory only: the operating system offers no encryption to this app right now (on Linux, no keyring is running). Sign in again after a restart.';
