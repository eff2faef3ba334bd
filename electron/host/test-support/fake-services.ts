import { channelNames, type Channel } from '../../../shared/ipc/contract';
import { HandlerError } from '../../ipc/dispatch';
import type { EventSink, Handlers } from '../../ipc/types';
import type { HostServices } from '../server';

/**
 * Small fake services for host tests: every channel answers NOT_IMPLEMENTED unless overridden, and
 * `app:info` answers a fixed value. The sink the host hands over is kept so tests can emit events.
 */

export interface FakeServices {
  factory: (sink: EventSink) => Promise<HostServices>;
  /** Set once the host has built the services. */
  sink(): EventSink;
  closed(): boolean;
  calls: { channel: Channel; input: unknown }[];
}

export function fakeServices(overrides: Partial<Handlers> = {}): FakeServices {
  let sink: EventSink | null = null;
  let closed = false;
  const calls: FakeServices['calls'] = [];
  const base = Object.fromEntries(
    channelNames.map((channel) => [
      channel,
      (input: unknown) => {
        calls.push({ channel, input });
        return Promise.reject(new HandlerError('NOT_IMPLEMENTED', `${channel} is not faked.`));
      },
    ]),
  ) as unknown as Handlers;
  const appInfo: Handlers['app:info'] = (input) => {
    calls.push({ channel: 'app:info', input });
    return Promise.resolve({ version: '0.0.0-test', demo: true, transport: 'web', dataDir: '/tmp/patchbay-test' });
  };
  const handlers: Handlers = { ...base, 'app:info': appInfo, ...overrides };
  return {
    factory: (s) => {
      sink = s;
      return Promise.resolve({
        handlers,
        close: () => {
          closed = true;
          return Promise.resolve();
        },
      });
    },
    sink: () => {
      if (!sink) throw new Error('The host has not built the services yet.');
      return sink;
    },
    closed: () => closed,
    calls,
  };
}
