import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, handleAppProtocol, registerAppScheme, resolveAppPath, serveAppRequest } from './app-protocol';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'patchbay-app-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Patchbay</title>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(root, '.env'), 'SECRET=1');
  // A file next to the root, which no request may reach.
  await writeFile(join(base, 'secret.txt'), 'outside');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveAppPath: the path-traversal guard (checklist 18)', () => {
  it('maps app://renderer paths under the root, with index.html for routes', () => {
    expect(resolveAppPath(root, 'app://renderer/assets/index-abc.js')).toEqual({ ok: true, file: join(root, 'assets', 'index-abc.js'), fallback: false });
    expect(resolveAppPath(root, 'app://renderer/')).toEqual({ ok: true, file: join(root, 'index.html'), fallback: true });
    expect(resolveAppPath(root, 'app://renderer/matrix/prod')).toEqual({ ok: true, file: join(root, 'index.html'), fallback: true });
    expect(resolveAppPath(root, 'app://renderer/index.html?x=1#y')).toMatchObject({ ok: true, file: join(root, 'index.html') });
  });

  it('never resolves outside the root, however the dots and slashes are spelled', () => {
    for (const url of [
      'app://renderer/../secret.txt',
      'app://renderer/%2e%2e/secret.txt',
      'app://renderer/%2E%2E/%2E%2E/etc/passwd',
      'app://renderer/..%2fsecret.txt',
      'app://renderer/..%2Fsecret.txt',
      'app://renderer/assets/..%2f..%2fsecret.txt',
      'app://renderer/..%5csecret.txt',
      'app://renderer/assets%5c..%5c..%5csecret.txt',
      'app://renderer/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://renderer/.%2e/secret.txt',
      'app://renderer//etc/passwd',
      'app://renderer/%2fetc%2fpasswd',
      'app://renderer/C:/Windows/win.ini',
      'app://renderer/C%3a%5cWindows%5cwin.ini',
      'app://renderer/index.html%00.js',
      'app://renderer/index.html:stream.js',
      'app://renderer/%E0%A4%A',
    ]) {
      const result = resolveAppPath(root, url);
      if (result.ok) {
        // The WHATWG parser folds plain `..` (and `%2e%2e`) itself; whatever is left must be inside the root.
        expect(result.file.startsWith(root + sep), `${url} → ${result.file}`).toBe(true);
        expect(result.file).not.toBe(join(base, 'secret.txt'));
      } else {
        expect([400, 403, 404]).toContain(result.status);
      }
    }
  });

  it('refuses encoded separators and dot segments outright rather than normalising them', () => {
    expect(resolveAppPath(root, 'app://renderer/..%2fsecret.txt')).toEqual({ ok: false, status: 400 });
    expect(resolveAppPath(root, 'app://renderer/..%5csecret.txt')).toEqual({ ok: false, status: 400 });
    expect(resolveAppPath(root, 'app://renderer/index.html%00.js')).toEqual({ ok: false, status: 400 });
    expect(resolveAppPath(root, 'app://renderer/%E0%A4%A')).toEqual({ ok: false, status: 400 });
  });

  it('hides dotfiles and refuses other hosts, ports, credentials and schemes', () => {
    expect(resolveAppPath(root, 'app://renderer/.env')).toEqual({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'app://other/index.html')).toEqual({ ok: false, status: 403 });
    expect(resolveAppPath(root, 'app://renderer:1234/index.html')).toEqual({ ok: false, status: 403 });
    expect(resolveAppPath(root, 'app://u:p@renderer/index.html')).toEqual({ ok: false, status: 403 });
    expect(resolveAppPath(root, 'file:///etc/passwd')).toEqual({ ok: false, status: 403 });
    expect(resolveAppPath(root, 'not a url')).toEqual({ ok: false, status: 400 });
  });
});

describe('serveAppRequest: files with a strict CSP (checklist 7)', () => {
  const serve = (url: string, init?: RequestInit) => serveAppRequest(new Request(url, init), root, readFile);

  it('is the CSP the brief asks for, with no remote source', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|ws:|\*/);
  });

  it('serves index.html and assets with their types, the CSP and nosniff', async () => {
    const page = await serve('app://renderer/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Patchbay</title>');

    const script = await serve('app://renderer/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await serve('app://renderer/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await (await serve('app://renderer/some/route')).text()).toContain('<title>Patchbay</title>');
  });

  it('answers traversal with an error that carries the CSP, never the file', async () => {
    for (const url of ['app://renderer/..%2fsecret.txt', 'app://renderer/%2e%2e/secret.txt', 'app://renderer/../secret.txt', 'app://renderer/.env']) {
      const res = await serve(url);
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('outside');
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('answers missing assets with 404 (not index.html), HEAD without a body, other methods with 405', async () => {
    expect((await serve('app://renderer/assets/missing.js')).status).toBe(404);
    const head = await serve('app://renderer/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await serve('app://renderer/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
  });
});

describe('registration', () => {
  it('declares app: standard and secure, without bypassing CSP or enabling CORS', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) as unknown }]);
    const privileges = (registerSchemesAsPrivileged.mock.calls[0]?.[0] as [{ privileges: Record<string, unknown> }])[0].privileges;
    expect(privileges.bypassCSP).toBeUndefined();
    expect(privileges.corsEnabled).toBeUndefined();
    expect(privileges.allowServiceWorkers).toBeUndefined();
  });

  it('handles the app scheme with serveAppRequest', async () => {
    let handler: ((request: Request) => Promise<Response>) | undefined;
    handleAppProtocol({ handle: (_scheme: string, h: (request: Request) => Promise<Response>) => void (handler = h) }, root, readFile);
    const res = await handler?.(new Request('app://renderer/index.html'));
    expect(res?.status).toBe(200);
  });
});
