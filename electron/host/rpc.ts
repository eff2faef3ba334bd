import type { IncomingMessage } from 'node:http';
import type { Result } from '../../shared/ipc/contract';
import { dispatch } from '../ipc/dispatch';
import type { Handlers } from '../ipc/types';

/**
 * `POST /rpc/<channel>`: the body (JSON, possibly empty) is the channel's input; the answer is
 * dispatch()'s Result as JSON. Transport failures (too large, not JSON) come back as error Results
 * too, with a 4xx status, so the client has one shape to read.
 */

/** Large enough for the biggest input the contract accepts (a 20 MB solution file as base64). */
export const DEFAULT_MAX_BODY_BYTES = 48 * 1024 * 1024;

export interface RpcAnswer {
  status: number;
  result: Result<unknown>;
}

export const errorAnswer = (status: number, code: string, message: string): RpcAnswer => ({ status, result: { ok: false, error: { code, message } } });

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/** Reads the whole body, failing with BodyTooLarge as soon as it passes `limit` (by Content-Length or by count). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (chunk: Buffer): void => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (error) => {
      if (!failed) {
        failed = true;
        reject(error);
      }
    });
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as a JSON value; an empty body is `undefined` (dispatch reads it as `{}`). */
export function parseJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, message: 'The request body is not valid UTF-8.' };
  }
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 200) : 'parse error';
    return { ok: false, message: `The request body is not valid JSON (${detail}).` };
  }
}

/** The channel named by a `/rpc/<channel>` path (percent-decoded), or null when it cannot be decoded. */
export function channelFromPath(pathname: string, prefix: string): string | null {
  try {
    return decodeURIComponent(pathname.slice(prefix.length));
  } catch {
    return null;
  }
}

export async function answerRpc(channel: string, body: Buffer, handlers: Handlers, signal: AbortSignal): Promise<RpcAnswer> {
  const parsed = parseJsonBody(body);
  if (!parsed.ok) return errorAnswer(400, 'INVALID_JSON', parsed.message);
  const result = await dispatch(channel, parsed.value, handlers, { transport: 'web', signal });
  return { status: 200, result };
}
