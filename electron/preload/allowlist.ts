import type { Channel, EventName } from '../../shared/ipc/contract';

/**
 * The contract's channel and event names as plain data, for the preload. Type-only imports keep zod
 * and the schemas out of the sandboxed preload bundle (a few kB instead of ~800 kB parsed on every
 * page load); `satisfies Record<…, true>` makes tsc fail on a missing or an extra name, so the lists
 * cannot drift from shared/ipc/contract.ts (allowlist.test.ts checks them at run time too).
 * Adding a channel to the contract: tsc points here; add the one line.
 */

const channels = {
  'app:info': true,
  'accounts:list': true,
  'accounts:add': true,
  'accounts:remove': true,
  'accounts:sign-in': true,
  'accounts:sign-out': true,
  'environments:list': true,
  'solutions:list': true,
  'workspace:scan': true,
  'plan:build': true,
  'run:start': true,
  'run:cancel': true,
  'audit:findings': true,
  'audit:export': true,
  'history:list': true,
  'history:get': true,
  'history:undo-plan': true,
  'settings:export': true,
  'settings:import': true,
  'settings:diff': true,
  'solution-file:preview': true,
  'external:open': true,
  'demo:reset': true,
  'demo:deploy': true,
} as const satisfies Record<Channel, true>;

const events = {
  'accounts:changed': true,
  'auth:device-code': true,
  'run:progress': true,
  'run:finished': true,
  toast: true,
} as const satisfies Record<EventName, true>;

const own = (record: object, name: unknown): boolean => typeof name === 'string' && Object.prototype.hasOwnProperty.call(record, name);

export const allowedChannels: readonly Channel[] = Object.keys(channels) as Channel[];
export const allowedEvents: readonly EventName[] = Object.keys(events) as EventName[];
export const isAllowedChannel = (name: unknown): name is Channel => own(channels, name);
export const isAllowedEvent = (name: unknown): name is EventName => own(events, name);
