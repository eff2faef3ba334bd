import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The web host's per-launch secret: 32 random bytes as base64url (43 characters, all valid in a URL
 * fragment, an HTTP header and a WebSocket subprotocol token). It never leaves the process except in
 * the one URL the host prints.
 */

export const SECRET_BYTES = 32;

export function createLaunchSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison: both sides are hashed first, so neither length nor content leaks through timing. */
export function secretMatches(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
  return timingSafeEqual(digest(expected), digest(given));
}
