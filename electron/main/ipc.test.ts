import type { IpcMain, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { channelNames } from '../../shared/ipc/contract';
import type { Handlers } from '../ipc/types';
import { silentLogger } from '../log/logger';
import { createWindowSink, FORBIDDEN, registerIpc, type WindowTarget } from './ipc';

type Listener = (event: unknown, raw: unknown) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipcMain = {
    handle: (channel: string, listener: Listener) => void handlers.set(channel, listener),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
  return { ipcMain: ipcMain as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>, handlers };
}

const info = { version: '0.1.0', demo: true, transport: 'electron' as const, dataDir: '/data' };
const fakeHandlers = { 'app:info': vi.fn(() => Promise.resolve({ ...info, idToken: 'leak' })) } as unknown as Handlers;

const topFrame: { url: string; parent: unknown; frameTreeNodeId: number } = { url: 'app://renderer/index.html', parent: null, frameTreeNodeId: 1 };
const event = (over: { id?: number; frame?: Partial<typeof topFrame> | null } = {}) => ({
  sender: { id: over.id ?? 5 },
  senderFrame: over.frame === null ? null : { ...topFrame, ...over.frame },
});

function windowTarget(url = 'app://renderer/index.html') {
  const contents = { id: 5, isDestroyed: () => false, getURL: () => url, send: vi.fn() };
  const target: WindowTarget = () => ({ contents: contents as unknown as WebContents, trusted: { webContentsId: 5, mainFrameTreeNodeId: 1 } });
  return { contents, target };
}

describe('registerIpc', () => {
  it('registers one handler per contract channel, and removes them all', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const unregister = registerIpc(ipcMain, Promise.resolve(fakeHandlers), windowTarget().target, silentLogger);
    expect([...handlers.keys()].sort()).toEqual([...channelNames].sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('dispatches a trusted call: output parsed (stray fields dropped), errors as data', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpc(ipcMain, Promise.resolve(fakeHandlers), windowTarget().target, silentLogger);
    expect(await handlers.get('app:info')?.(event(), {})).toEqual({ ok: true, value: info });
    const bad = (await handlers.get('app:info')?.(event(), { extra: 1 })) as { ok: boolean; error: { code: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('INVALID_INPUT');
  });

  it('refuses untrusted senders before any handler runs (checklist 17)', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const handlersSpy = vi.fn(() => Promise.resolve(info));
    registerIpc(ipcMain, Promise.resolve({ 'app:info': handlersSpy } as unknown as Handlers), windowTarget().target, silentLogger);
    const call = handlers.get('app:info');
    expect(await call?.(event({ id: 6 }), {})).toEqual(FORBIDDEN);
    expect(await call?.(event({ frame: { parent: {} } }), {})).toEqual(FORBIDDEN);
    expect(await call?.(event({ frame: { frameTreeNodeId: 2 } }), {})).toEqual(FORBIDDEN);
    expect(await call?.(event({ frame: { url: 'https://evil.example/' } }), {})).toEqual(FORBIDDEN);
    expect(await call?.(event({ frame: null }), {})).toEqual(FORBIDDEN);
    expect(handlersSpy).not.toHaveBeenCalled();

    const noWindow = fakeIpcMain();
    registerIpc(noWindow.ipcMain, Promise.resolve(fakeHandlers), () => null, silentLogger);
    expect(await noWindow.handlers.get('app:info')?.(event(), {})).toEqual(FORBIDDEN);
  });

  it('waits for the services, and reports a failed start as data instead of hanging', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const failing = Promise.reject(new Error('sandbox port in use'));
    registerIpc(ipcMain, failing, windowTarget().target, silentLogger);
    const result = (await handlers.get('app:info')?.(event(), {})) as { ok: false; error: { code: string; detail: string } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('STARTUP_FAILED');
    expect(result.error.detail).toBe('sandbox port in use');
  });
});

describe('createWindowSink', () => {
  it('sends valid events to the window after checkEvent', () => {
    const { contents, target } = windowTarget();
    createWindowSink(target, silentLogger).emit('toast', { level: 'info', message: 'Hello' });
    expect(contents.send).toHaveBeenCalledWith('toast', { level: 'info', message: 'Hello' });
  });

  it('drops invalid payloads, unknown events, and anything while no app page is showing', () => {
    const { contents, target } = windowTarget();
    const sink = createWindowSink(target, silentLogger);
    sink.emit('toast', { level: 'loud', message: 1 } as never);
    sink.emit('nope' as never, {} as never);
    expect(contents.send).not.toHaveBeenCalled();

    createWindowSink(() => null, silentLogger).emit('toast', { level: 'info', message: 'x' });
    const elsewhere = windowTarget('https://evil.example/');
    createWindowSink(elsewhere.target, silentLogger).emit('toast', { level: 'info', message: 'x' });
    expect(elsewhere.contents.send).not.toHaveBeenCalled();
  });
});
