import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger';
import { appWindowArgs, browserCandidates, cannotOpenWindow, findChromium, openAppWindow, openExternalUrl } from './browser';
import { fakeServices } from './test-support/fake-services';
import { LAUNCH_PATH, startWebHost } from './server';

const quiet = createLogger({ sink: () => undefined });

describe('finding a browser', () => {
  it('prefers PATCHBAY_BROWSER, then the usual places per platform', () => {
    expect(findChromium('linux', { PATCHBAY_BROWSER: '/opt/x/chrome' }, (p) => p === '/opt/x/chrome' || p === '/usr/bin/chromium')).toBe('/opt/x/chrome');
    expect(findChromium('linux', {}, (p) => p === '/usr/bin/google-chrome')).toBe('/usr/bin/google-chrome');
    expect(findChromium('linux', {}, () => false)).toBeNull();
    expect(browserCandidates('win32', { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' }).some((p) => p.endsWith('msedge.exe'))).toBe(true);
    expect(browserCandidates('darwin', {})[0]).toContain('Google Chrome.app');
  });

  it('knows when there is no display', () => {
    expect(cannotOpenWindow('linux', {})).toMatch(/no display/);
    expect(cannotOpenWindow('linux', { DISPLAY: ':0' })).toBeNull();
    expect(cannotOpenWindow('win32', {})).toBeNull();
  });

  it('opens app mode on the secret-free launch page, with a private profile and a DevTools pipe', () => {
    const args = appWindowArgs('http://127.0.0.1:5/launch', '/data/web-host-browser', false);
    expect(args).toContain('--app=http://127.0.0.1:5/launch');
    expect(args).toContain('--user-data-dir=/data/web-host-browser');
    expect(args).toContain('--remote-debugging-pipe');
    expect(args).toContain('--window-size=1360,860');
    expect(args.some((a) => a.startsWith('--remote-debugging-port'))).toBe(false);
    expect(args).not.toContain('--no-sandbox');
    expect(appWindowArgs('u', 'p', true)).toContain('--no-sandbox');
  });
});

describe('opening external links', () => {
  it('opens https only', async () => {
    await expect(openExternalUrl('http://example.com/')).rejects.toThrow(/https/);
    await expect(openExternalUrl('file:///etc/passwd')).rejects.toThrow(/https/);
    await expect(openExternalUrl('javascript:alert(1)')).rejects.toThrow(/https/);
    await expect(openExternalUrl('not a url')).rejects.toThrow(/Not a URL/);
  });
});

const chromium = findChromium();

it('finds the Chromium installed for the e2e tests on this machine', () => {
  if (existsSync('/usr/bin/chromium')) expect(chromium).toBe('/usr/bin/chromium');
});

describe.skipIf(!chromium)('an app window (headless Chromium)', () => {
  it('reaches the app through the pipe, without the secret on the command line', async () => {
    const renderer = await mkdtemp(join(tmpdir(), 'patchbay-window-'));
    const profile = await mkdtemp(join(tmpdir(), 'patchbay-profile-'));
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>t</title><script type="module" src="/app.js"></script>');
    await writeFile(
      join(renderer, 'app.js'),
      "const token = new URLSearchParams(location.hash.slice(1)).get('token');\nfetch('/rpc/app%3Ainfo', { method: 'POST', headers: { 'x-patchbay-token': token }, body: '{}' });\n",
    );
    const fake = fakeServices();
    const host = await startWebHost({ rendererDir: renderer, services: fake.factory, logger: quiet });
    const window = openAppWindow({
      executable: chromium ?? '',
      launchUrl: `${host.origin}${LAUNCH_PATH}`,
      appUrl: host.url,
      profileDir: profile,
      logger: quiet,
      extraArgs: ['--headless=new', '--disable-gpu', '--no-sandbox'],
    });
    try {
      expect(window.child.spawnargs.join(' ')).not.toContain(host.secret);
      await window.ready;
      const deadline = Date.now() + 15_000;
      while (!fake.calls.some((c) => c.channel === 'app:info') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(fake.calls.map((c) => c.channel)).toContain('app:info');
    } finally {
      window.close();
      await window.exited;
      await host.close();
      await rm(renderer, { recursive: true, force: true });
      await rm(profile, { recursive: true, force: true });
    }
  }, 40_000);
});
