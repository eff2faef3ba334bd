import { channels, events, isChannel, isEvent, type Result, type WireError } from '../../shared/ipc/contract';
import { redactText } from '../log/redact';
import type { CallContext, Handlers } from './types';

/**
 * Transport-agnostic dispatch (design §2): the channel name and payload arrive as unknown; the input is
 * parsed with the channel's schema, the handler runs, the output is parsed too (dropping stray fields),
 * and everything comes back as a Result. Nothing throws across the boundary.
 */

/** An error a handler raises on purpose, with what the person can do about it. */
export class HandlerError extends Error {
  override readonly name = 'HandlerError';
  constructor(
    readonly code: string,
    message: string,
    readonly fix?: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

function issuesText(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`)
    .join('; ');
}

function toWireError(error: unknown): WireError {
  if (error instanceof HandlerError) {
    return { code: error.code, message: redactText(error.message), ...(error.fix ? { fix: redactText(error.fix) } : {}), ...(error.detail ? { detail: redactText(error.detail) } : {}) };
  }
  const named = error as { name?: unknown; code?: unknown; message?: unknown; kind?: unknown };
  const message = typeof named.message === 'string' ? named.message : String(error);
  const code = typeof named.kind === 'string' ? `platform:${named.kind}` : typeof named.name === 'string' && named.name !== 'Error' ? named.name : 'INTERNAL';
  return { code, message: redactText(message.split('\n')[0] ?? message), ...(message.includes('\n') ? { detail: redactText(message) } : {}) };
}

export async function dispatch(channel: unknown, raw: unknown, handlers: Handlers, ctx: CallContext): Promise<Result<unknown>> {
  try {
    if (!isChannel(channel)) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no channel '${String(channel).slice(0, 80)}'.` } };
    const spec = channels[channel];
    const input = spec.input.safeParse(raw ?? {});
    if (!input.success) return { ok: false, error: { code: 'INVALID_INPUT', message: `Invalid input for ${channel}: ${issuesText(input.error)}` } };
    const handler = handlers[channel] as (input: unknown, ctx: CallContext) => Promise<unknown>;
    const value = await handler(input.data, ctx);
    const output = spec.output.safeParse(value);
    if (!output.success) return { ok: false, error: { code: 'INVALID_OUTPUT', message: `The main process produced an invalid answer for ${channel}: ${issuesText(output.error)}` } };
    return { ok: true, value: output.data };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

/** Validates an event payload before it leaves the main process; invalid ones are dropped (and reported). */
export function checkEvent(event: unknown, payload: unknown): { ok: true; payload: unknown } | { ok: false; reason: string } {
  if (!isEvent(event)) return { ok: false, reason: `unknown event '${String(event)}'` };
  const parsed = events[event].safeParse(payload);
  return parsed.success ? { ok: true, payload: parsed.data } : { ok: false, reason: issuesText(parsed.error) };
}
