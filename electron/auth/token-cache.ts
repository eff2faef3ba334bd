import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { Logger } from '../log/logger';
import { errnoCode, writeFileAtomic } from './atomic-file';
import { ENCRYPTION_UNAVAILABLE_REASON, NODE_CONTEXT_REASON, type CachePersistence, type SecretProtector } from './protector';

/**
 * An msal cache plugin that keeps one account's token cache in `{dataDir}/token-cache/{accountId}.bin`,
 * encrypted by the protector, written atomically with mode 0600. With a plugin configured msal clears
 * its in-memory cache before each lookup and expects the plugin to hand the cache back, so the plugin
 * always holds the latest serialized cache in memory and, while encryption is available, mirrors it
 * to the encrypted file. It never writes plaintext: without a protector, or while the protector
 * reports no encryption, the cache lives in this process only. A file that cannot be decrypted
 * (another machine, a reset keyring) is ignored and replaced at the next change: it only holds what a
 * new sign-in recreates.
 */

export interface TokenCacheStore {
  /** For msal's `cache.cachePlugin`. */
  readonly plugin: ICachePlugin;
  persistence(): CachePersistence;
  /** Deletes the file (sign-out, account removed). */
  clear(): Promise<void>;
}

export interface TokenCacheOptions {
  dataDir: string;
  accountId: string;
  /** Electron's safeStorage in the app; null in the CLI and web host (memory only). */
  protector: SecretProtector | null;
  log: Logger;
}

export function tokenCacheFile(dataDir: string, accountId: string): string {
  return join(dataDir, 'token-cache', `${accountId}.bin`);
}

export function createTokenCache(options: TokenCacheOptions): TokenCacheStore {
  const file = tokenCacheFile(options.dataDir, options.accountId);
  const { protector, log } = options;
  /** The latest serialized cache: what msal gets back before every access. */
  let snapshot: string | null = null;
  /** mtime+size of the file as last read or written, so an unchanged file is not read and decrypted again. */
  let seen: string | null = null;
  let writes: Promise<void> = Promise.resolve();

  const persistence = (): CachePersistence => {
    if (!protector) return { mode: 'memory-only', reason: NODE_CONTEXT_REASON };
    if (!protector.isEncryptionAvailable()) return { mode: 'memory-only', reason: ENCRYPTION_UNAVAILABLE_REASON };
    return { mode: 'encrypted', file };
  };

  const signature = async (): Promise<string | null> => {
    try {
      const info = await stat(file);
      return `${info.mtimeMs}:${info.size}`;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
  };

  /** Picks up the file when it changed since we last saw it (first use, another process). */
  const loadFile = async (): Promise<void> => {
    if (!protector?.isEncryptionAvailable()) return;
    await writes;
    try {
      const current = await signature();
      if (current === null || current === seen) return;
      seen = current;
      snapshot = protector.decryptString(await readFile(file));
    } catch (error) {
      log.warn('The token cache file cannot be read or decrypted; it is ignored and will be replaced at the next sign-in.', { file, error });
    }
  };

  const beforeCacheAccess = async (ctx: TokenCacheContext): Promise<void> => {
    await loadFile();
    if (snapshot !== null) ctx.tokenCache.deserialize(snapshot);
  };

  const afterCacheAccess = async (ctx: TokenCacheContext): Promise<void> => {
    if (!ctx.cacheHasChanged) return;
    snapshot = ctx.tokenCache.serialize();
    if (!protector?.isEncryptionAvailable()) return;
    const run = writes.then(async () => {
      // The snapshot as of write time: concurrent changes land in order and the last write holds them all.
      const encrypted = protector.encryptString(snapshot ?? '');
      await writeFileAtomic(file, encrypted);
      seen = await signature();
    });
    writes = run.catch((error: unknown) => log.error('The token cache could not be written; tokens stay in memory for now.', { file, error }));
    await writes;
  };

  return {
    plugin: { beforeCacheAccess, afterCacheAccess },
    persistence,
    clear: async () => {
      await writes;
      await rm(file, { force: true });
      snapshot = null;
      seen = null;
    },
  };
}
