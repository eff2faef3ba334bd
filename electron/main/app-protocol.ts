import { extname, isAbsolute, relative, resolve } from 'node:path';
import type { Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './policy';

/**
 * Checklists 7 and 18: the renderer is served from `app://renderer/`, a privileged custom scheme, not
 * `file://`, with a strict Content-Security-Policy header on every response. Requests are resolved
 * under the built renderer folder (`out/renderer/`) by a guard that refuses, rather than normalises,
 * anything that could leave it. The request → response logic is a plain function over the Fetch API's
 * Request and Response (global in Node 20), so it is unit-tested without Electron.
 */

/** No remote source of any kind: the renderer talks to main over IPC only (style anchors §6.4 item 5). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type AppPath = { ok: true; file: string; fallback: boolean } | { ok: false; status: 400 | 403 | 404 | 405 };

/**
 * Where under `root` (absolute) an `app://renderer/…` URL points. Refused: another scheme or host,
 * user info or a port, a path that does not decode, NUL, backslashes, colons, `.`/`..` segments
 * (encoded or not), dotfiles, and anything that would resolve outside `root`. A path without an extension is a
 * client-side route and gets index.html.
 */
export function resolveAppPath(root: string, rawUrl: string): AppPath {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '') return { ok: false, status: 403 };
  // The WHATWG parser has already folded plain and %2e dot segments; what it could not see (an encoded
  // slash or backslash hiding a `..`) shows up after decoding, and is refused, never resolved.
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes('\0') || path.includes('\\') || !path.startsWith('/')) return { ok: false, status: 400 };
  const segments = path.split('/').filter((s) => s !== '');
  // A colon would name a drive or an NTFS stream on Windows.
  if (segments.some((s) => s === '.' || s === '..' || s.includes(':'))) return { ok: false, status: 400 };
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, status: 404 };

  const fallback = segments.length === 0 || extname(segments[segments.length - 1] ?? '') === '';
  const file = resolve(root, ...(fallback ? ['index.html'] : segments));
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { ok: false, status: 403 };
  return { ok: true, file, fallback };
}

export type ReadFile = (path: string) => Promise<Uint8Array>;

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** Answers one `app://` request from the files under `root`; every response carries the CSP. */
export async function serveAppRequest(request: Request, root: string, readFile: ReadFile): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
  const target = resolveAppPath(root, request.url);
  if (!target.ok) return plain(target.status, target.status === 404 ? 'Not found' : 'Refused');
  let body: Uint8Array;
  try {
    body = await readFile(target.file);
  } catch {
    return plain(404, 'Not found');
  }
  const headers = { ...SECURITY_HEADERS, 'Content-Type': contentTypeFor(target.file), 'Cache-Control': 'no-cache' };
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}

/**
 * Declares `app:` privileged (standard, secure, fetch API; no CORS bypass, no service workers). Must run
 * before the app is ready.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

/** Serves `root` (absolute: `out/renderer/`) on `app://renderer/` in the session `protocol` belongs to. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string, readFile: ReadFile): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, root, readFile));
}
