import type { SafeStorage } from 'electron';
import type { SecretProtector } from '../auth/protector';

/**
 * Electron's `safeStorage` as the token cache's SecretProtector (auth/protector.ts), with one rule
 * added: on Linux, the `basic_text` backend (a hard-coded key, used when no keyring such as GNOME
 * libsecret or KWallet answers) and `unknown` (asked before the app is ready) count as no encryption.
 * The cache then stays in memory and the app says why (ENCRYPTION_UNAVAILABLE_REASON) instead of
 * writing tokens under a key anyone can read.
 */

const weakLinuxBackends: ReadonlySet<string> = new Set(['basic_text', 'unknown']);

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;

export function isStrongEncryption(storage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!storage.isEncryptionAvailable()) return false;
  return platform !== 'linux' || !weakLinuxBackends.has(storage.getSelectedStorageBackend());
}

export function createSafeStorageProtector(storage: SafeStorageLike, platform: NodeJS.Platform): SecretProtector {
  const refuseWeak = (): void => {
    if (!isStrongEncryption(storage, platform)) throw new Error('OS-backed encryption is not available; the token cache is kept in memory only.');
  };
  return {
    isEncryptionAvailable: () => isStrongEncryption(storage, platform),
    encryptString: (plainText) => {
      refuseWeak();
      return storage.encryptString(plainText);
    },
    decryptString: (encrypted) => {
      refuseWeak();
      return storage.decryptString(encrypted);
    },
  };
}
