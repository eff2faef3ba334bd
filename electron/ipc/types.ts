import type { z } from 'zod';
import type { Channel, Channels, EventName, EventPayload } from '../../shared/ipc/contract';

/**
 * The main side of the contract: one handler per channel, written against parsed input and returning
 * what the output schema accepts. Handlers know nothing of the transport (Electron IPC or the web
 * host) and nothing of Electron itself.
 */

export interface CallContext {
  transport: 'electron' | 'web';
  signal?: AbortSignal;
}

export type Handlers = {
  [C in Channel]: (input: z.output<Channels[C]['input']>, ctx: CallContext) => Promise<z.input<Channels[C]['output']>>;
};

/** How services push events to every connected renderer; payloads are validated before they leave. */
export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
