/**
 * The sandbox's own request/response shapes. Services are functions from SbRequest to SbResponse so
 * that `$batch` can run an inner request through the same code as the outer one, and tests can call a
 * service without a socket.
 */

export interface SbRequest {
  method: string;
  /** Full URL as the client addressed it (https://127.0.0.1:PORT/…). */
  url: URL;
  /** Path below the service prefix, e.g. `/api/data/v9.2/workflows` below `/orgs/contoso-dev`. */
  path: string;
  /** Lower-cased header names; repeated headers joined with ", " (as Node does for most). */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  remoteAddress: string;
  /** Each request gets one; it is echoed as the platform's request id headers and in the request log. */
  requestId: string;
}

export interface SbResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Not sent: the authenticated caller's object id, for the request log. */
  caller?: string;
  /** Not sent: the impersonated user's object id, for the request log. */
  onBehalfOf?: string;
}

export type Handler = (req: SbRequest) => Promise<SbResponse>;

export function json(status: number, body: unknown, headers: Record<string, string | string[]> = {}): SbResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): SbResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

export function html(status: number, body: string, headers: Record<string, string> = {}): SbResponse {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // Sign-in pages carry inline script (the form_post auto-submit) and nothing else.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action *; base-uri 'none'",
      'x-frame-options': 'DENY',
      ...headers,
    },
    body,
  };
}

export function empty(status: number, headers: Record<string, string | string[]> = {}): SbResponse {
  return { status, headers };
}

/** Parses an application/x-www-form-urlencoded body; repeated keys keep the last value. */
export function formBody(req: SbRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) out[k] = v;
  return out;
}

export function header(req: SbRequest, name: string): string | undefined {
  return req.headers[name.toLowerCase()];
}
