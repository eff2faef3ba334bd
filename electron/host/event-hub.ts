import type { WebSocket } from 'ws';
import type { EventFrame } from '../../shared/ipc/web-protocol';
import { checkEvent } from '../ipc/dispatch';
import type { EventSink } from '../ipc/types';
import type { Logger } from '../log/logger';
import type { TrafficRecorder } from './traffic-recorder';

/**
 * Fans events out to every connected renderer. Each payload is validated with the contract first
 * (checkEvent); invalid ones are dropped and logged, never sent. A client that stops reading is cut
 * off rather than buffered without bound. Events emitted while nobody is connected are not kept: the
 * renderer asks for current state when it connects.
 */

export interface EventHub {
  sink: EventSink;
  /** Starts sending events to a socket that passed the host's checks. */
  add(socket: WebSocket): void;
  readonly size: number;
  /** Closes every socket (1001, going away). */
  close(): void;
}

const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export function createEventHub(logger: Logger, traffic?: TrafficRecorder): EventHub {
  const sockets = new Set<WebSocket>();

  const sink: EventSink = {
    emit(event, payload) {
      const checked = checkEvent(event, payload);
      if (!checked.ok) {
        logger.warn('event dropped: it does not match the contract', { event, reason: checked.reason });
        return;
      }
      if (sockets.size === 0) return;
      const frame: EventFrame = { event, payload: checked.payload };
      const text = JSON.stringify(frame);
      traffic?.record({ kind: 'event', frame: text });
      for (const socket of sockets) {
        if (socket.readyState !== socket.OPEN) continue;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          logger.warn('event socket closed: the client stopped reading');
          socket.terminate();
          continue;
        }
        socket.send(text);
      }
    },
  };

  return {
    sink,
    add(socket) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', (error) => logger.debug('event socket error', { message: error.message }));
      // The socket is one-way: anything the client sends is ignored (ws caps its size).
      socket.on('message', () => undefined);
    },
    get size() {
      return sockets.size;
    },
    close() {
      for (const socket of sockets) socket.close(1001, 'host shutting down');
      sockets.clear();
    },
  };
}
