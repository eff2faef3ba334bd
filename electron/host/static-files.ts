import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

/**
 * The built renderer as static files: a content type per extension, a path-traversal guard that
 * refuses rather than normalises (`..` segments, encoded or not, backslashes, NUL, dotfiles), a
 * symlink check against the real root, and an SPA fallback to index.html for paths without an
 * extension (client-side routes). Missing assets are 404s, not index.html.
 */

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; path: string; size: number; contentType: string; fallback: boolean }
  | { kind: 'bad-request' }
  | { kind: 'not-found' };

/** The path part of a request target, decoded; null when it is not a clean absolute path. */
export function decodeRequestPath(target: string): string | null {
  if (!target.startsWith('/')) return null;
  const raw = target.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  return decoded;
}

async function fileAt(path: string): Promise<{ size: number } | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { size: info.size } : null;
  } catch {
    return null;
  }
}

/** Where under `root` a request target points. `root` must be absolute. */
export async function lookupStatic(root: string, target: string): Promise<StaticLookup> {
  const path = decodeRequestPath(target);
  if (path === null) return { kind: 'bad-request' };
  const segments = path.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'not-found' };

  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { kind: 'not-found' };
  }
  const inside = (candidate: string): boolean => candidate === realRoot || candidate.startsWith(realRoot + sep);

  const wanted = resolve(realRoot, ...segments);
  if (!inside(wanted)) return { kind: 'bad-request' };
  if (segments.length > 0) {
    const found = await fileAt(wanted);
    if (found) {
      const real = await realpath(wanted);
      if (!inside(real)) return { kind: 'not-found' };
      return { kind: 'file', path: real, size: found.size, contentType: contentTypeFor(real), fallback: false };
    }
    const last = segments[segments.length - 1] ?? '';
    if (extname(last) !== '' && extname(last) !== '.html') return { kind: 'not-found' };
  }
  const index = resolve(realRoot, 'index.html');
  const found = await fileAt(index);
  if (!found) return { kind: 'not-found' };
  return { kind: 'file', path: index, size: found.size, contentType: contentTypes['.html'] ?? 'text/html', fallback: segments.length > 0 };
}

export function openStaticFile(path: string): NodeJS.ReadableStream {
  return createReadStream(path);
}
