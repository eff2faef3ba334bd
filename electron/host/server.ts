import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer } from 'ws';
import type { Result } from '../../shared/ipc/contract';
import { WEB_PROTOCOL } from '../../shared/ipc/web-protocol';
import type { EventSink, Handlers } from '../ipc/types';
import { createLogger, type Logger } from '../log/logger';
import { createEventHub } from './event-hub';
import { isAllowedHost, isAllowedOrigin } from './request-guards';
import type { TrafficRecorder } from './traffic-recorder';
import { answerRpc, BodyTooLarge, channelFromPath, DEFAULT_MAX_BODY_BYTES, errorAnswer, readBody, type RpcAnswer } from './rpc';
import { createLaunchSecret, secretMatches } from './secret';
import { securityHeaders } from './security-headers';
import { lookupStatic, openStaticFile } from './static-files';

/**
 * The web host (design §2): the built renderer and the IPC contract over HTTP + WebSocket, on
 * 127.0.0.1 only, for places Electron cannot run and for e2e tests. Every request passes the Host
 * check (DNS rebinding) and the Origin check (cross-site pages); RPCs and the event socket also need
 * the per-launch secret (header, subprotocol). Every response carries the strict CSP.
 */

export interface HostServices {
  handlers: Handlers;
  close(): Promise<void>;
}

export interface WebHostOptions {
  /** Folder of the built renderer (its index.html and assets). */
  rendererDir: string;
  /** Builds the handlers once the event sink exists; closed with the host. */
  services: (sink: EventSink) => Promise<HostServices>;
  /** 0 (the default) picks a free port. */
  port?: number;
  logger?: Logger;
  maxBodyBytes?: number;
  maxEventClients?: number;
  /** Test-only: sees every RPC and event as sent (the security sweep scans it). */
  traffic?: TrafficRecorder;
}

export interface WebHost {
  /** `http://127.0.0.1:PORT/#token=SECRET`: the one thing to open (and the only thing printed). */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly secret: string;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** A page without the secret that a browser window opens first (see browser.ts); the secret follows over a private channel. */
export const LAUNCH_PATH = '/launch';
const launchPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>Patchbay</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3rem;"><p>Opening Patchbay…</p>
<p>If this stays, open the link the host printed in its terminal (it ends in #token=…).</p></body></html>
`;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function offeredProtocols(req: IncomingMessage): string[] {
  return (header(req, 'sec-websocket-protocol') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const logger = (options.logger ?? createLogger()).child({ component: 'web-host' });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxEventClients = options.maxEventClients ?? 32;
  const secret = createLaunchSecret();
  const hub = createEventHub(logger, options.traffic);
  // Set once the services are built (after the port is bound, so a taken port fails fast).
  let handlers: Handlers | null = null;

  // Filled in once listening; no request is served before that.
  let port = -1;
  let baseHeaders: Record<string, string> = {};

  const send = (res: ServerResponse, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...baseHeaders, 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
  };
  const sendResult = (res: ServerResponse, answer: RpcAnswer, extra: Record<string, string> = {}): string => {
    let body: string;
    try {
      body = JSON.stringify(answer.result);
    } catch {
      const fallback: Result<unknown> = { ok: false, error: { code: 'INTERNAL', message: 'The answer could not be serialised.' } };
      body = JSON.stringify(fallback);
    }
    send(res, answer.status, JSON_TYPE, body, extra);
    return body;
  };
  const refuse = (res: ServerResponse, json: boolean, status: number, code: string, message: string, extra: Record<string, string> = {}): void => {
    if (json) sendResult(res, errorAnswer(status, code, message), extra);
    else send(res, status, 'text/plain; charset=utf-8', `${message}\n`, extra);
  };

  async function serveRpc(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'POST') {
      refuse(res, true, 405, 'METHOD_NOT_ALLOWED', 'Use POST for RPC calls.', { Allow: 'POST' });
      return;
    }
    if (!secretMatches(secret, header(req, WEB_PROTOCOL.tokenHeader))) {
      refuse(res, true, 401, 'UNAUTHORIZED', 'Missing or wrong launch secret: open the URL the host printed.');
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // Keep draining what the client still sends, so it reads this answer instead of a reset.
        req.resume();
        refuse(res, true, 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes.`, { Connection: 'close' });
      }
      return;
    }
    if (!handlers) {
      refuse(res, true, 503, 'STARTING', 'The host is still starting.');
      return;
    }
    const channel = channelFromPath(pathname, WEB_PROTOCOL.rpcPath);
    if (channel === null) {
      refuse(res, true, 404, 'UNKNOWN_CHANNEL', 'The channel name in the path cannot be decoded.');
      return;
    }
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const started = Date.now();
    const answer = await answerRpc(channel, body, handlers, controller.signal);
    logger.debug('rpc', { channel: channel.slice(0, 80), ok: answer.result.ok, ms: Date.now() - started });
    if (res.destroyed || res.headersSent) return;
    const sent = sendResult(res, answer);
    options.traffic?.record({ kind: 'rpc', channel, input: body.toString('utf8'), output: sent });
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      refuse(res, false, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed.', { Allow: 'GET, HEAD' });
      return;
    }
    const found = await lookupStatic(options.rendererDir, target);
    if (found.kind === 'bad-request') {
      refuse(res, false, 400, 'BAD_PATH', 'Bad path.');
      return;
    }
    if (found.kind === 'not-found') {
      refuse(res, false, 404, 'NOT_FOUND', 'Not found.');
      return;
    }
    const cacheControl = found.contentType.startsWith('text/html') ? 'no-store' : 'no-cache';
    res.writeHead(200, { ...baseHeaders, 'Content-Type': found.contentType, 'Content-Length': String(found.size), 'Cache-Control': cacheControl });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(openStaticFile(found.path), res);
    } catch (error) {
      // The client went away mid-file, or the file vanished under us: nothing left to answer.
      logger.debug('static file not fully sent', { path: target.slice(0, 200), message: error instanceof Error ? error.message : String(error) });
      res.destroy();
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const pathname = target.split(/[?#]/, 1)[0] ?? '/';
    const isRpc = pathname.startsWith(WEB_PROTOCOL.rpcPath);
    const host = header(req, 'host');
    if (!isAllowedHost(host, port)) {
      logger.warn('request refused: unexpected Host header', { host: (host ?? '').slice(0, 100) });
      refuse(res, isRpc, 403, 'HOST_NOT_ALLOWED', `This host answers only to 127.0.0.1:${port} and localhost:${port}.`);
      return;
    }
    if (!isAllowedOrigin(header(req, 'origin'), host ?? '')) {
      logger.warn('request refused: foreign Origin', { origin: (header(req, 'origin') ?? '').slice(0, 100) });
      refuse(res, isRpc, 403, 'ORIGIN_NOT_ALLOWED', 'Requests from other origins are refused.');
      return;
    }
    if (!target.startsWith('/')) {
      refuse(res, false, 400, 'BAD_PATH', 'Bad request target.');
      return;
    }
    if (isRpc) return serveRpc(req, res, pathname);
    if (pathname === WEB_PROTOCOL.eventsPath) {
      refuse(res, false, 426, 'UPGRADE_REQUIRED', 'This path is a WebSocket.', { Upgrade: 'websocket' });
      return;
    }
    if (pathname === LAUNCH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      send(res, 200, 'text/html; charset=utf-8', req.method === 'HEAD' ? '' : launchPage);
      return;
    }
    return serveStatic(req, res, target);
  }

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: 4096,
    handleProtocols: (protocols) => (protocols.has(WEB_PROTOCOL.subprotocol) ? WEB_PROTOCOL.subprotocol : false),
  });

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const host = header(req, 'host');
    const pathname = (req.url ?? '/').split(/[?#]/, 1)[0];
    if (!isAllowedHost(host, port)) {
      logger.warn('event socket refused: unexpected Host header', { host: (host ?? '').slice(0, 100) });
      rejectUpgrade(socket, 403, 'Forbidden');
      return;
    }
    if (!isAllowedOrigin(header(req, 'origin'), host ?? '')) {
      logger.warn('event socket refused: foreign Origin', { origin: (header(req, 'origin') ?? '').slice(0, 100) });
      rejectUpgrade(socket, 403, 'Forbidden');
      return;
    }
    if (pathname !== WEB_PROTOCOL.eventsPath) {
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    const protocols = offeredProtocols(req);
    const token = protocols.find((p) => p.startsWith(WEB_PROTOCOL.tokenSubprotocolPrefix))?.slice(WEB_PROTOCOL.tokenSubprotocolPrefix.length);
    if (!secretMatches(secret, token)) {
      logger.warn('event socket refused: missing or wrong launch secret');
      rejectUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    if (!protocols.includes(WEB_PROTOCOL.subprotocol)) {
      rejectUpgrade(socket, 400, 'Bad Request');
      return;
    }
    if (hub.size >= maxEventClients) {
      rejectUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => hub.add(ws));
  }

  const server = createServer({ requestTimeout: 120_000 }, (req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      logger.error('request failed', { message: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) refuse(res, true, 500, 'INTERNAL', 'The host failed to answer.');
      else res.destroy();
    });
  });
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  server.listen({ host: '127.0.0.1', port: options.port ?? 0, exclusive: true });
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  baseHeaders = securityHeaders(port);
  const origin = `http://127.0.0.1:${port}`;

  const stopListening = async (): Promise<void> => {
    hub.close();
    wss.close();
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await stopped;
  };
  let services: HostServices;
  try {
    services = await options.services(hub.sink);
  } catch (error) {
    await stopListening();
    throw error;
  }
  handlers = services.handlers;
  logger.info('web host listening', { origin });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await stopListening();
      await services.close();
      logger.info('web host stopped');
    })();
    return closing;
  };

  return { url: `${origin}/#${WEB_PROTOCOL.fragmentKey}=${secret}`, origin, port, secret, close };
}
