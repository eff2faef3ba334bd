import { describe, expect, it, vi } from 'vitest';
import { createFakeBridge, fail } from '../testing/fake-bridge';
import { BridgeError, createClient, errorText } from './client';

describe('createClient', () => {
  it('unwraps ok results and throws a typed BridgeError for { ok: false }', async () => {
    const bridge = createFakeBridge({
      'app:info': () => ({ version: '1.2.3', demo: true, transport: 'web', dataDir: '/d' }),
      'accounts:sign-in': () => fail('auth.expired', 'Your session has expired.', 'Sign in again.'),
    });
    const client = createClient(bridge);
    await expect(client.call('app:info', {})).resolves.toMatchObject({ version: '1.2.3' });
    const error = await client.call('accounts:sign-in', { id: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: 'auth.expired', message: 'Your session has expired.', fix: 'Sign in again.' });
    expect(errorText(error)).toBe('Your session has expired. Sign in again.');
    expect(bridge.calls.map((c) => c.channel)).toEqual(['app:info', 'accounts:sign-in']);
  });

  it('delivers valid event payloads and drops invalid ones', () => {
    const bridge = createFakeBridge();
    const dropped = vi.fn();
    const client = createClient(bridge, { onInvalidEvent: dropped });
    const seen: string[] = [];
    const off = client.on('toast', (t) => seen.push(`${t.level}:${t.message}`));
    bridge.emit('toast', { level: 'info', message: 'hello' });
    bridge.emitRaw('toast', { level: 'shout', message: 'nope' });
    bridge.emitRaw('toast', null);
    expect(seen).toEqual(['info:hello']);
    expect(dropped).toHaveBeenCalledTimes(2);
    off();
    bridge.emit('toast', { level: 'info', message: 'after' });
    expect(seen).toHaveLength(1);
    expect(bridge.listenerCount('toast')).toBe(0);
  });
});
