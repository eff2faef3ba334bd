import type { Bridge, Channel, EventName, EventPayload, In, Out, Result, WireError } from '../../../shared/ipc/contract';

/**
 * A Bridge for renderer tests and the preview page: channel handlers given as plain functions, events
 * pushed with `emit`. It satisfies the same `Bridge` interface as the preload and the web bridge, so
 * `createClient(fakeBridge)` is the real client.
 */

export type FakeHandlers = { [C in Channel]?: (input: In<C>) => Out<C> | Promise<Out<C>> };

export class FakeFailure extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

export const fail = (code: string, message: string, fix?: string): never => {
  throw new FakeFailure(fix === undefined ? { code, message } : { code, message, fix });
};

export interface FakeBridge extends Bridge {
  calls: { channel: string; input: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Emits anything, even payloads the contract rejects (to test validation). */
  emitRaw(event: string, payload: unknown): void;
  listenerCount(event: string): number;
  handlers: FakeHandlers;
}

export function createFakeBridge(handlers: FakeHandlers = {}): FakeBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: { channel: string; input: unknown }[] = [];
  const bridge: FakeBridge = {
    calls,
    handlers,
    async invoke(channel, input): Promise<Result<unknown>> {
      calls.push({ channel, input: structuredClone(input) });
      const handler = handlers[channel as Channel] as ((i: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: 'not-implemented', message: `No fake handler for ${channel}` } };
      try {
        return { ok: true, value: await handler(input) };
      } catch (error) {
        if (error instanceof FakeFailure) return { ok: false, error: error.wire };
        return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
      }
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => void set.delete(listener);
    },
    emit(event, payload) {
      for (const l of [...(listeners.get(event) ?? [])]) l(payload);
    },
    emitRaw(event, payload) {
      for (const l of [...(listeners.get(event) ?? [])]) l(payload);
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
  return bridge;
}
