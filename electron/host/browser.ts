import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../log/logger';

/**
 * Opening the web host in a Chromium-family browser's app mode (Chromium, Chrome, Edge), as a window
 * of its own with its own profile. The secret must not sit on the browser's command line (other local
 * users can read command lines on a shared machine), so the window opens the host's secret-free
 * `/launch` page and is then navigated to the URL with the secret over the DevTools protocol on a
 * private pipe (`--remote-debugging-pipe`: file descriptors 3 and 4 of the child, no port).
 */

type Env = Readonly<Record<string, string | undefined>>;

export function browserCandidates(platform: NodeJS.Platform = process.platform, env: Env = process.env): string[] {
  const fromEnv = [env['PATCHBAY_BROWSER'], env['CHROME_PATH']].filter((p): p is string => !!p);
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter((p): p is string => !!p);
    return [
      ...fromEnv,
      ...roots.map((r) => join(r, 'Google', 'Chrome', 'Application', 'chrome.exe')),
      ...roots.map((r) => join(r, 'Chromium', 'Application', 'chrome.exe')),
      ...roots.map((r) => join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
    ];
  }
  if (platform === 'darwin') {
    return [
      ...fromEnv,
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
  }
  return [
    ...fromEnv,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
  ];
}

/** The first installed Chromium-family browser, or null. */
export function findChromium(platform: NodeJS.Platform = process.platform, env: Env = process.env, exists: (path: string) => boolean = existsSync): string | null {
  return browserCandidates(platform, env).find((p) => exists(p)) ?? null;
}

/** Why a window cannot open here (no display on Linux), or null when it can. */
export function cannotOpenWindow(platform: NodeJS.Platform = process.platform, env: Env = process.env): string | null {
  if (platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return null;
}

export function appWindowArgs(launchUrl: string, profileDir: string, runningAsRoot: boolean): string[] {
  return [
    `--app=${launchUrl}`,
    `--user-data-dir=${profileDir}`,
    '--remote-debugging-pipe',
    // The Electron window's size (electron/main/window.ts): the matrix wants room for several environments.
    '--window-size=1360,860',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Chromium refuses to start as root without this (containers, some WSL set-ups).
    ...(runningAsRoot ? ['--no-sandbox'] : []),
  ];
}

interface CdpMessage {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message?: string };
}

/** A minimal DevTools-protocol client over the pipe: NUL-terminated JSON messages each way. */
function cdpClient(toBrowser: Writable, fromBrowser: Readable): { send(method: string, params?: Record<string, unknown>, sessionId?: string): Promise<Record<string, unknown>>; close(): void } {
  let nextId = 1;
  let buffer = '';
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const onData = (chunk: Buffer): void => {
    buffer += chunk.toString('utf8');
    let end = buffer.indexOf('\0');
    while (end !== -1) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      end = buffer.indexOf('\0');
      let message: CdpMessage;
      try {
        message = JSON.parse(text) as CdpMessage;
      } catch {
        continue;
      }
      if (message.id === undefined) continue;
      const waiter = pending.get(message.id);
      if (!waiter) continue;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message ?? 'DevTools protocol error'));
      else waiter.resolve(message.result ?? {});
    }
  };
  const onEnd = (): void => {
    for (const waiter of pending.values()) waiter.reject(new Error('the browser closed its DevTools pipe'));
    pending.clear();
  };
  fromBrowser.on('data', onData);
  fromBrowser.on('end', onEnd);
  fromBrowser.on('error', onEnd);
  toBrowser.on('error', () => undefined);
  return {
    send(method, params = {}, sessionId) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      });
    },
    close() {
      fromBrowser.off('data', onData);
    },
  };
}

async function navigateFirstPage(cdp: ReturnType<typeof cdpClient>, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos?: { targetId: string; type: string }[] };
    const page = targetInfos?.find((t) => t.type === 'page');
    if (page) {
      const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: page.targetId, flatten: true })) as { sessionId?: string };
      if (!sessionId) throw new Error('no DevTools session for the window');
      await cdp.send('Page.navigate', { url }, sessionId);
      await cdp.send('Target.detachFromTarget', { sessionId });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the browser window did not appear');
}

export interface AppWindow {
  child: ChildProcess;
  /** Resolves when the window shows the app (the secret URL was handed over), rejects when it could not be. */
  ready: Promise<void>;
  /** Resolves when the browser process ends (the person closed the window). */
  exited: Promise<number | null>;
  close(): void;
}

export interface OpenAppWindowOptions {
  executable: string;
  /** A page of the host that carries no secret: the window opens it first. */
  launchUrl: string;
  /** The URL with the secret, handed over through the pipe. */
  appUrl: string;
  profileDir: string;
  logger: Logger;
  timeoutMs?: number;
  /** More browser flags (tests add --headless=new). */
  extraArgs?: string[];
}

export function openAppWindow(options: OpenAppWindowOptions): AppWindow {
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawn(options.executable, [...appWindowArgs(options.launchUrl, options.profileDir, runningAsRoot), ...(options.extraArgs ?? [])], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    detached: false,
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      options.logger.warn('the browser could not be started', { executable: options.executable, message: error.message });
      resolve(null);
    });
  });
  const toBrowser = child.stdio[3] as Writable | null;
  const fromBrowser = child.stdio[4] as Readable | null;
  const ready = (async () => {
    if (!toBrowser || !fromBrowser) throw new Error('the browser has no DevTools pipe');
    const cdp = cdpClient(toBrowser, fromBrowser);
    try {
      await Promise.race([
        navigateFirstPage(cdp, options.appUrl, options.timeoutMs ?? 20_000),
        exited.then(() => {
          throw new Error('the browser exited before the window opened');
        }),
      ]);
    } finally {
      cdp.close();
    }
  })();
  // Avoid an unhandled rejection when nobody awaits `ready`.
  ready.catch(() => undefined);
  return {
    child,
    ready,
    exited,
    close() {
      if (child.exitCode === null && !child.killed) child.kill();
    },
  };
}

/** Opens an https link (sign-in, the maker portal) in the system's default browser. */
export function openExternalUrl(url: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new Error('Not a URL.'));
  }
  if (parsed.protocol !== 'https:') return Promise.reject(new Error('Only https links open in the browser.'));
  const [command, args] =
    platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', parsed.href]] : platform === 'darwin' ? ['open', [parsed.href]] : ['xdg-open', [parsed.href]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () => reject(new Error(`No browser could be started to open the link. Open it yourself: ${parsed.href}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
