import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channelNames, eventNames } from '../../shared/ipc/contract';
import { allowedChannels, allowedEvents, isAllowedChannel, isAllowedEvent } from './allowlist';

// Stand-ins for the two Electron modules the preload touches; the real `electron` package cannot load here.
const electron = vi.hoisted(() => ({ exposed: new Map<string, unknown>(), invoke: vi.fn() }));
const channelsOut = new EventEmitter();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => channelsOut.on(channel, listener),
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => channelsOut.removeListener(channel, listener),
  },
}));

type ExposedBridge = {
  invoke(channel: unknown, input?: unknown): Promise<unknown>;
  subscribe(event: unknown, listener: unknown): () => void;
};

async function loadBridge(): Promise<ExposedBridge> {
  await import('./index');
  return electron.exposed.get('bridge') as ExposedBridge;
}

beforeEach(() => {
  electron.invoke.mockReset();
});

describe('allowlist', () => {
  it('holds exactly the contract channels and events', () => {
    expect([...allowedChannels].sort()).toEqual([...channelNames].sort());
    expect([...allowedEvents].sort()).toEqual([...eventNames].sort());
    expect(isAllowedChannel('toString')).toBe(false);
    expect(isAllowedChannel('__proto__')).toBe(false);
    expect(isAllowedEvent('constructor')).toBe(false);
    expect(isAllowedChannel(42)).toBe(false);
  });
});

describe('preload bridge', () => {
  it('exposes one object, `bridge`, with exactly invoke and subscribe', async () => {
    const bridge = await loadBridge();
    expect([...electron.exposed.keys()]).toEqual(['bridge']);
    expect(Object.keys(bridge)).toEqual(['invoke', 'subscribe']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
  });

  it('forwards contract channels to ipcRenderer.invoke, and answers unknown ones itself', async () => {
    const bridge = await loadBridge();
    electron.invoke.mockResolvedValue({ ok: true, value: 1 });
    expect(await bridge.invoke('app:info', {})).toEqual({ ok: true, value: 1 });
    expect(electron.invoke).toHaveBeenCalledWith('app:info', {});

    electron.invoke.mockClear();
    for (const channel of ['nope', 'ELECTRON_BROWSER_REQUIRE', '__proto__', 'constructor', 42, null]) {
      const result = (await bridge.invoke(channel, {})) as { ok: boolean; error: { code: string } };
      expect(result.ok).toBe(false);
      expect(result.error.code).toBe('UNKNOWN_CHANNEL');
    }
    expect(electron.invoke).not.toHaveBeenCalled();
  });

  it('subscribes to contract events only, hands the listener the payload alone, and unsubscribes', async () => {
    const bridge = await loadBridge();
    const ipcRenderer = channelsOut;
    const listener = vi.fn();
    const stop = bridge.subscribe('toast', listener);
    ipcRenderer.emit('toast', { sender: 'the IpcRendererEvent' }, { level: 'info', message: 'hi' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([{ level: 'info', message: 'hi' }]);

    stop();
    stop();
    ipcRenderer.emit('toast', {}, { level: 'info', message: 'again' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.listenerCount('toast')).toBe(0);

    expect(() => bridge.subscribe('ipc-message', listener)).toThrow(TypeError);
    expect(() => bridge.subscribe('toast', 'not a function')).toThrow(TypeError);
  });
});
