import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoopbackTls } from '../sandbox/tls';
import { createMsalNetworkClient } from './msal-network';

/** A tiny server whose answers the tests choose by path. */
function route(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url === '/echo') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Ms-Request-Id': 'abc' });
      res.end(JSON.stringify({ method: req.method, body, contentType: req.headers['content-type'] ?? null }));
    } else if (req.url === '/error') {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_grant', error_codes: [50173] }));
    } else if (req.url === '/html-error') {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    } else if (req.url === '/html-ok') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>hello</html>');
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('{}'), 2000);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
}

const tls = createLoopbackTls();
let https: Server;
let http: Server;
let httpsBase: string;
let httpBase: string;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  https = createHttpsServer({ key: tls.leaf.privateKeyPem, cert: tls.leaf.certificatePem }, route);
  http = createHttpServer(route);
  httpsBase = `https://127.0.0.1:${await listen(https)}`;
  httpBase = `http://127.0.0.1:${await listen(http)}`;
});
afterAll(async () => {
  https.closeAllConnections();
  http.closeAllConnections();
  await Promise.all([new Promise((r) => https.close(r)), new Promise((r) => http.close(r))]);
});

describe('createMsalNetworkClient', () => {
  it('trusts the given CA and returns lower-cased headers with a parsed body', async () => {
    const client = createMsalNetworkClient({ ca: tls.ca.certificatePem });
    const res = await client.sendPostRequestAsync<Record<string, unknown>>(`${httpsBase}/echo`, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=2',
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-ms-request-id']).toBe('abc');
    expect(res.body).toEqual({ method: 'POST', body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' });
    const get = await client.sendGetRequestAsync<Record<string, unknown>>(`${httpsBase}/echo`);
    expect(get.body['method']).toBe('GET');
  });

  it('returns error statuses with their JSON instead of throwing', async () => {
    const res = await createMsalNetworkClient({ ca: tls.ca.certificatePem }).sendPostRequestAsync(`${httpsBase}/error`, { body: '' });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_codes: [50173] } });
  });

  it('hands msal an empty body for a non-JSON error page, and throws for a non-JSON success', async () => {
    const client = createMsalNetworkClient();
    expect(await client.sendGetRequestAsync(`${httpBase}/html-error`)).toMatchObject({ status: 502, body: {} });
    await expect(client.sendGetRequestAsync(`${httpBase}/html-ok`)).rejects.toThrow(/not JSON \(HTTP 200\)/);
  });

  it('refuses a server whose CA it was not given, and honours timeouts', async () => {
    await expect(createMsalNetworkClient().sendGetRequestAsync(`${httpsBase}/echo`)).rejects.toThrow(/Network request to https:\/\/127\.0\.0\.1:\d+ failed/);
    await expect(createMsalNetworkClient().sendGetRequestAsync(`${httpBase}/slow`, undefined, 100)).rejects.toThrow(/timed out after 100 ms/);
  });
});
