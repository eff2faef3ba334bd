import { describe, expect, it, vi } from 'vitest';
import { createSafeStorageProtector, isStrongEncryption, type SafeStorageLike } from './protector';

function storage(available: boolean, backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']>): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: vi.fn((s: string) => Buffer.from(`enc:${s}`)),
    decryptString: vi.fn((b: Buffer) => b.toString().replace(/^enc:/, '')),
  };
}

describe('createSafeStorageProtector', () => {
  it('passes safeStorage through when the OS encrypts', () => {
    for (const [platform, backend] of [['linux', 'gnome_libsecret'], ['linux', 'kwallet6'], ['darwin', 'unknown'], ['win32', 'unknown']] as const) {
      const protector = createSafeStorageProtector(storage(true, backend), platform);
      expect(protector.isEncryptionAvailable(), `${platform}/${backend}`).toBe(true);
      expect(protector.decryptString(protector.encryptString('cache'))).toBe('cache');
    }
  });

  it('reports no encryption on Linux with the basic_text backend (a hard-coded key), and refuses to encrypt', () => {
    const weak = storage(true, 'basic_text');
    const protector = createSafeStorageProtector(weak, 'linux');
    expect(protector.isEncryptionAvailable()).toBe(false);
    expect(() => protector.encryptString('cache')).toThrow(/memory only/);
    expect(() => protector.decryptString(Buffer.from('enc:x'))).toThrow(/memory only/);
    expect(weak.encryptString).not.toHaveBeenCalled();
    expect(isStrongEncryption(storage(true, 'unknown'), 'linux')).toBe(false);
  });

  it('reports no encryption when safeStorage has none', () => {
    expect(createSafeStorageProtector(storage(false, 'gnome_libsecret'), 'linux').isEncryptionAvailable()).toBe(false);
    expect(createSafeStorageProtector(storage(false, 'unknown'), 'win32').isEncryptionAvailable()).toBe(false);
  });
});
