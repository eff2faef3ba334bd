import { request } from 'node:http';
import { WebSocket } from 'ws';

/** Raw HTTP and WebSocket clients for host tests: they set any Host, Origin and headers they like. */

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body in pieces without a Content-Length. */
  chunked?: boolean;
}

export function rawRequest(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${r.port}`, ...r.headers };
    if (r.body !== undefined && !r.chunked) headers['content-length'] = String(Buffer.byteLength(r.body));
    const req = request({ host: '127.0.0.1', port: r.port, path: r.path, method: r.method ?? 'GET', headers, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (r.body === undefined) {
      req.end();
    } else if (r.chunked) {
      const body = Buffer.from(r.body);
      const piece = 64 * 1024;
      let offset = 0;
      const pump = (): void => {
        while (offset < body.length) {
          const ok = req.write(body.subarray(offset, offset + piece));
          offset += piece;
          if (!ok) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    } else {
      req.end(r.body);
    }
  });
}

export interface EventsClient {
  socket: WebSocket;
  protocol: string;
  frames: unknown[];
  /** Resolves with the next frame (or one already received and not yet taken). */
  next(timeoutMs?: number): Promise<unknown>;
}

export type ConnectOutcome = { ok: true; client: EventsClient } | { ok: false; status: number };

export function connectEvents(port: number, options: { protocols: string[]; headers?: Record<string, string>; path?: string }): Promise<ConnectOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/events'}`, options.protocols, { headers: { host: `127.0.0.1:${port}`, ...options.headers } });
    const frames: unknown[] = [];
    let taken = 0;
    const waiters: ((frame: unknown) => void)[] = [];
    socket.on('message', (data: Buffer) => {
      const frame: unknown = JSON.parse(data.toString('utf8'));
      const waiter = waiters.shift();
      frames.push(frame);
      if (waiter) {
        taken++;
        waiter(frame);
      }
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve({ ok: false, status: res.statusCode ?? 0 });
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
    socket.on('open', () => {
      resolve({
        ok: true,
        client: {
          socket,
          protocol: socket.protocol,
          frames,
          next: (timeoutMs = 2000) => {
            if (taken < frames.length) return Promise.resolve(frames[taken++]);
            return new Promise((res, rej) => {
              const timer = setTimeout(() => rej(new Error('no event frame arrived')), timeoutMs);
              waiters.push((frame) => {
                clearTimeout(timer);
                res(frame);
              });
            });
          },
        },
      });
    });
  });
}
