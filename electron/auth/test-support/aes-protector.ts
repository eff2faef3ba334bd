import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretProtector } from '../protector';

/**
 * A protector that really encrypts (AES-256-GCM under a per-instance key), standing in for Electron's
 * safeStorage in tests. `available` switches encryption off as a keyring-less Linux would.
 */
export interface TestProtector extends SecretProtector {
  available: boolean;
  encryptions: number;
}

export function createAesProtector(key: Buffer = randomBytes(32)): TestProtector {
  const protector: TestProtector = {
    available: true,
    encryptions: 0,
    isEncryptionAvailable: () => protector.available,
    encryptString(plainText) {
      if (!protector.available) throw new Error('Encryption is not available.');
      protector.encryptions += 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted) {
      if (!protector.available) throw new Error('Encryption is not available.');
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
  return protector;
}
