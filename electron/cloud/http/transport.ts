import { Agent, request } from 'undici';
import { secureContextTrusting } from './secure-context';

/**
 * One HTTP exchange over undici, nothing more: send, read the body up to a byte limit, hand back
 * status, lower-cased headers and text. Node 20's global fetch cannot be given a CA, so the sandbox's
 * (or a corporate proxy's) CA goes into an undici Agent here — in addition to Node's bundled roots,
 * since `ca` alone would replace them. Errors are undici's and Node's own; the core classifies them.
 */

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
}

export interface TransportOptions {
  caPem?: string;
  /** Largest body read, in bytes; a longer one is abandoned (connection closed) with BodyTooLargeError. */
  maxBodyBytes: number;
}

export interface Transport {
  exchange(request: RawRequest, signal: AbortSignal): Promise<RawResponse>;
  close(): Promise<void>;
}

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(
    readonly limitBytes: number,
    readonly status: number,
    readonly headers: Record<string, string>,
  ) {
    super(`The answer is larger than ${limitBytes} bytes.`);
  }
}

export function createTransport(options: TransportOptions): Transport {
  const secureContext = options.caPem === undefined ? undefined : secureContextTrusting(options.caPem);
  const dispatcher = new Agent(secureContext === undefined ? {} : { connect: { secureContext } });
  return {
    async exchange(req, signal) {
      const res = await request(req.url, {
        method: req.method as 'GET',
        headers: req.headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        signal,
        dispatcher,
      });
      const headers = flatten(res.headers);
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
        res.body.destroy();
        throw new BodyTooLargeError(options.maxBodyBytes, res.statusCode, headers);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > options.maxBodyBytes) {
          res.body.destroy();
          throw new BodyTooLargeError(options.maxBodyBytes, res.statusCode, headers);
        }
        chunks.push(buf);
      }
      return { status: res.statusCode, headers, text: Buffer.concat(chunks).toString('utf8') };
    },
    close: () => dispatcher.close(),
  };
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
