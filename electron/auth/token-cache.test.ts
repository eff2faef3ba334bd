import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenCacheContext, type ISerializableTokenCache } from '@azure/msal-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger';
import { ENCRYPTION_UNAVAILABLE_REASON } from './protector';
import { createAesProtector } from './test-support/aes-protector';
import { createTokenCache, tokenCacheFile } from './token-cache';

/** The plugin against msal's cache contract, with a stand-in for msal's serializable cache. */

let dir: string;
const lines: string[] = [];
const log = createLogger({ level: 'debug', sink: (l) => lines.push(l) });
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-cache-'));
  lines.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function memoryCache(initial = '') {
  const cache = { state: initial, deserialized: [] as string[] };
  const serializable: ISerializableTokenCache = {
    serialize: () => cache.state,
    deserialize: (s: string) => {
      cache.state = s;
      cache.deserialized.push(s);
    },
  };
  return { cache, serializable };
}

const SAMPLE = JSON.stringify({ AccessToken: { k: { secret: 'eyJ.access.token' } }, RefreshToken: { r: { secret: '1.refresh' } } });

describe('createTokenCache', () => {
  it('writes the cache encrypted, 0600, and hands it back before every access (msal clears its memory)', async () => {
    const protector = createAesProtector();
    const store = createTokenCache({ dataDir: dir, accountId: 'acct', protector, log });
    const { cache, serializable } = memoryCache(SAMPLE);
    await store.plugin.afterCacheAccess(new TokenCacheContext(serializable, true));
    const file = tokenCacheFile(dir, 'acct');
    expect(store.persistence()).toEqual({ mode: 'encrypted', file });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const bytes = await readFile(file);
    expect(bytes.toString('latin1')).not.toContain('refresh');
    expect(protector.decryptString(bytes)).toBe(SAMPLE);

    cache.state = '';
    await store.plugin.beforeCacheAccess(new TokenCacheContext(serializable, false));
    await store.plugin.beforeCacheAccess(new TokenCacheContext(serializable, false));
    expect(cache.deserialized).toEqual([SAMPLE, SAMPLE]);
  });

  it('reads what another process (or an earlier run) wrote', async () => {
    const protector = createAesProtector();
    const first = createTokenCache({ dataDir: dir, accountId: 'acct', protector, log });
    await first.plugin.afterCacheAccess(new TokenCacheContext(memoryCache(SAMPLE).serializable, true));
    const second = createTokenCache({ dataDir: dir, accountId: 'acct', protector, log });
    const { cache, serializable } = memoryCache();
    await second.plugin.beforeCacheAccess(new TokenCacheContext(serializable, false));
    expect(cache.state).toBe(SAMPLE);
  });

  it('does not write when nothing changed', async () => {
    const protector = createAesProtector();
    const store = createTokenCache({ dataDir: dir, accountId: 'acct', protector, log });
    await store.plugin.afterCacheAccess(new TokenCacheContext(memoryCache(SAMPLE).serializable, false));
    expect(protector.encryptions).toBe(0);
  });

  it('keeps the cache in memory only while encryption is unavailable, and never writes plaintext', async () => {
    const protector = createAesProtector();
    protector.available = false;
    const store = createTokenCache({ dataDir: dir, accountId: 'acct', protector, log });
    expect(store.persistence()).toEqual({ mode: 'memory-only', reason: ENCRYPTION_UNAVAILABLE_REASON });
    const { cache, serializable } = memoryCache(SAMPLE);
    await store.plugin.afterCacheAccess(new TokenCacheContext(serializable, true));
    await expect(stat(tokenCacheFile(dir, 'acct'))).rejects.toMatchObject({ code: 'ENOENT' });
    cache.state = '';
    await store.plugin.beforeCacheAccess(new TokenCacheContext(serializable, false));
    expect(cache.state).toBe(SAMPLE);
    // Once encryption is back, the next change is persisted.
    protector.available = true;
    await store.plugin.afterCacheAccess(new TokenCacheContext(serializable, true));
    expect(protector.decryptString(await readFile(tokenCacheFile(dir, 'acct')))).toBe(SAMPLE);
  });

  it('ignores a file it cannot decrypt, with a warning, and replaces it at the next change', async () => {
    const file = tokenCacheFile(dir, 'acct');
    await mkdir(join(dir, 'token-cache'), { recursive: true });
    await writeFile(file, 'garbage that is not ciphertext');
    const protector = createAesProtector();
    const store = createTokenCache({ dataDir: dir, accountId: 'acct', protector, log });
    const { cache, serializable } = memoryCache();
    await store.plugin.beforeCacheAccess(new TokenCacheContext(serializable, false));
    expect(cache.deserialized).toEqual([]);
    expect(lines.some((l) => l.includes('cannot be read or decrypted'))).toBe(true);
    cache.state = SAMPLE;
    await store.plugin.afterCacheAccess(new TokenCacheContext(serializable, true));
    expect(protector.decryptString(await readFile(file))).toBe(SAMPLE);
  });

  it('logs a failed write and carries on in memory', async () => {
    await writeFile(join(dir, 'token-cache'), 'a file where the folder should be');
    const store = createTokenCache({ dataDir: dir, accountId: 'acct', protector: createAesProtector(), log });
    await expect(store.plugin.afterCacheAccess(new TokenCacheContext(memoryCache(SAMPLE).serializable, true))).resolves.toBeUndefined();
    expect(lines.some((l) => l.includes('could not be written'))).toBe(true);
    expect(lines.join('\n')).not.toContain('1.refresh');
  });

  it('clear() deletes the file and the in-memory copy', async () => {
    const store = createTokenCache({ dataDir: dir, accountId: 'acct', protector: createAesProtector(), log });
    const { cache, serializable } = memoryCache(SAMPLE);
    await store.plugin.afterCacheAccess(new TokenCacheContext(serializable, true));
    await store.clear();
    await expect(stat(tokenCacheFile(dir, 'acct'))).rejects.toMatchObject({ code: 'ENOENT' });
    cache.state = '';
    await store.plugin.beforeCacheAccess(new TokenCacheContext(serializable, false));
    expect(cache.state).toBe('');
  });
});
