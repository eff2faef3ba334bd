import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channelNames, type Result } from '../../shared/ipc/contract';
import { checkEvent, dispatch } from '../ipc/dispatch';
import type { EventSink, Handlers } from '../ipc/types';
import type { Logger } from '../log/logger';
import { isAppUrl, isTrustedSender, type TrustedWindow } from './policy';

/**
 * The Electron transport of the contract (style anchors §6.3): one `ipcMain.handle` per channel, each
 * call checked for its sender (checklist 17) and then handed to the transport-agnostic `dispatch`
 * (input parsed, handler run, output parsed; errors as data). Events go to the window only after
 * `checkEvent` accepted their payload.
 */

/** The window IPC is accepted from and events are sent to; null while there is none. */
export type WindowTarget = () => { contents: WebContents; trusted: TrustedWindow } | null;

export const FORBIDDEN: Result<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'This request did not come from the Patchbay window.' },
};

/** Reads what the sender check needs from an invoke event (senderFrame is null once the frame is gone). */
export function senderOf(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): { webContentsId: number; frame: { url: string; parent: unknown; frameTreeNodeId: number } | null } {
  const frame = event.senderFrame;
  return { webContentsId: event.sender.id, frame: frame ? { url: frame.url, parent: frame.parent, frameTreeNodeId: frame.frameTreeNodeId } : null };
}

/**
 * Registers every contract channel. `handlers` settles once the app services have started: the
 * window can load meanwhile, and its first calls wait. If the services failed to start, every call
 * answers with that failure instead of hanging.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handlers: Promise<Handlers>, target: WindowTarget, log: Logger): () => void {
  const startFailure = handlers.then(
    () => null,
    (error: unknown): Result<never> => ({
      ok: false,
      error: { code: 'STARTUP_FAILED', message: 'Patchbay could not start its services.', detail: error instanceof Error ? error.message : String(error), fix: 'Restart Patchbay; if it happens again, look at the log file.' },
    }),
  );
  for (const channel of channelNames) {
    ipcMain.handle(channel, async (event, raw: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(senderOf(event), target()?.trusted ?? null)) {
        log.warn('Refused IPC from an untrusted sender', { channel, url: event.senderFrame?.url.slice(0, 200) ?? null });
        return FORBIDDEN;
      }
      const failed = await startFailure;
      if (failed) return failed;
      return dispatch(channel, raw, await handlers, { transport: 'electron' });
    });
  }
  return () => {
    for (const channel of channelNames) ipcMain.removeHandler(channel);
  };
}

/** Events to the window: validated by checkEvent, dropped (and logged) when invalid or when no window is up. */
export function createWindowSink(target: WindowTarget, log: Logger): EventSink {
  return {
    emit(event, payload) {
      const checked = checkEvent(event, payload);
      if (!checked.ok) {
        log.error('Dropped an invalid event', { event, reason: checked.reason });
        return;
      }
      const window = target();
      // Only ever to our own page: never to a window that somehow shows something else.
      if (!window || window.contents.isDestroyed() || !isAppUrl(window.contents.getURL())) return;
      window.contents.send(event, checked.payload);
    },
  };
}
