import { describe, expect, it } from 'vitest';
import { isAllowedHost, isAllowedOrigin } from './request-guards';

describe('Host check (DNS rebinding)', () => {
  it.each([
    ['127.0.0.1:4000', true],
    ['localhost:4000', true],
    ['LOCALHOST:4000', true],
    ['127.0.0.1:4001', false],
    ['127.0.0.1', false],
    ['localhost', false],
    ['evil.example:4000', false],
    ['localhost.evil.example:4000', false],
    ['127.0.0.1.nip.io:4000', false],
    ['[::1]:4000', false],
    ['0.0.0.0:4000', false],
    ['127.0.0.2:4000', false],
    ['', false],
  ])('%s → %s', (host, ok) => {
    expect(isAllowedHost(host, 4000)).toBe(ok);
  });

  it('refuses a missing Host', () => {
    expect(isAllowedHost(undefined, 4000)).toBe(false);
  });
});

describe('Origin check (cross-site requests and sockets)', () => {
  it.each([
    [undefined, '127.0.0.1:4000', true],
    ['http://127.0.0.1:4000', '127.0.0.1:4000', true],
    ['http://localhost:4000', 'localhost:4000', true],
    ['http://localhost:4000', '127.0.0.1:4000', false],
    ['https://127.0.0.1:4000', '127.0.0.1:4000', false],
    ['http://127.0.0.1:4001', '127.0.0.1:4000', false],
    ['http://127.0.0.1', '127.0.0.1:4000', false],
    ['null', '127.0.0.1:4000', false],
    ['https://evil.example', '127.0.0.1:4000', false],
    ['', '127.0.0.1:4000', false],
  ])('%s with Host %s → %s', (origin, host, ok) => {
    expect(isAllowedOrigin(origin, host)).toBe(ok);
  });
});
