import { describe, expect, it } from 'vitest';
import { createLaunchSecret, secretMatches } from './secret';

describe('the launch secret', () => {
  it('is 32 random bytes as base64url, new each time', () => {
    const a = createLaunchSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 100 }, createLaunchSecret)).size).toBe(100);
  });

  it('matches only itself', () => {
    const s = createLaunchSecret();
    expect(secretMatches(s, s)).toBe(true);
    expect(secretMatches(s, `${s} `)).toBe(false);
    expect(secretMatches(s, s.slice(0, -1))).toBe(false);
    expect(secretMatches(s, s.toUpperCase() === s ? s.toLowerCase() : s.toUpperCase())).toBe(false);
    expect(secretMatches(s, '')).toBe(false);
    expect(secretMatches(s, undefined)).toBe(false);
    expect(secretMatches(s, null)).toBe(false);
    expect(secretMatches(s, 'x'.repeat(100_000))).toBe(false);
  });
});
