import { events, type Bridge, type Channel, type EventName, type EventPayload, type In, type Out, type WireError } from '../../../shared/ipc/contract';

/**
 * The renderer's only door to the world: a typed client over whichever bridge exists (Electron's
 * preload, or the web host's HTTP + WebSocket). Calls unwrap the contract's `Result` and throw a
 * `BridgeError` for `{ ok: false }`; events are validated against the contract's schemas before any
 * listener sees them, so a store never handles a payload of the wrong shape.
 */

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  readonly code: string;
  readonly detail: string | undefined;
  readonly fix: string | undefined;
  constructor(error: WireError) {
    super(error.message);
    this.code = error.code;
    this.detail = error.detail;
    this.fix = error.fix;
  }
}

/** A message a person can read, from anything a call may throw. */
export function errorText(error: unknown): string {
  if (error instanceof BridgeError) return error.fix ? `${error.message} ${error.fix}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export interface Client {
  call<C extends Channel>(channel: C, input: In<C>): Promise<Out<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export interface ClientOptions {
  /** Where dropped (invalid) event payloads are reported; console by default. */
  onInvalidEvent?: (event: EventName, issue: string) => void;
}

export function createClient(bridge: Bridge, options: ClientOptions = {}): Client {
  const report = options.onInvalidEvent ?? ((event, issue) => console.warn(`[patchbay] dropped an invalid ${event} event: ${issue}`));
  return {
    async call(channel, input) {
      const result = await bridge.invoke(channel, input);
      if (!result || typeof result !== 'object' || !('ok' in result)) {
        throw new BridgeError({ code: 'transport', message: `The app's back end sent an unreadable answer to ${channel}.` });
      }
      if (!result.ok) throw new BridgeError(result.error);
      return result.value as Out<typeof channel>;
    },
    on(event, listener) {
      const schema = events[event];
      return bridge.subscribe(event, (payload) => {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          report(event, parsed.error.issues[0]?.message ?? 'invalid payload');
          return;
        }
        listener(parsed.data as EventPayload<typeof event>);
      });
    },
  };
}
