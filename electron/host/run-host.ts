import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../cli/data-dir';
import { createLogger, type Logger } from '../log/logger';
import type { HostArgs } from './args';
import { cannotOpenWindow, findChromium, openAppWindow, openExternalUrl, type AppWindow } from './browser';
import { buildRenderer, rendererBuildNeed, RENDERER_OUT } from './renderer-build';
import { LAUNCH_PATH, startWebHost, type WebHost } from './server';
import { fileTrafficRecorder, TRAFFIC_ENV } from './traffic-recorder';

/**
 * The web host's run, once `cli.ts` has its flags: builds the renderer when it is stale, starts the web
 * host over the real app services (the demo tenant when no account is configured, or always with
 * --sandbox), prints exactly one line on stdout — the URL with its secret — and opens it in a
 * Chromium-family browser's app mode unless --no-open. Logs go to stderr. SIGINT/SIGTERM stop it cleanly.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

async function prepareRenderer(args: HostArgs, logger: Logger): Promise<string> {
  if (args.rendererDir !== undefined) return resolve(args.rendererDir);
  const need = rendererBuildNeed(root);
  if (need.build === 'impossible') throw new Error(`Cannot serve the app: ${need.reason}.`);
  if (need.build) {
    logger.info('building the renderer', { reason: need.reason });
    await buildRenderer(root);
  }
  return join(root, RENDERER_OUT);
}

function openWindow(host: WebHost, dataDir: string, logger: Logger, onClosed: () => void): AppWindow | null {
  const executable = findChromium();
  if (!executable) {
    logger.info('no Chromium, Chrome or Edge found: open the printed URL in a browser');
    return null;
  }
  const reason = cannotOpenWindow();
  if (reason) {
    logger.info(`not opening a window: ${reason}; open the printed URL in a browser`);
    return null;
  }
  const window = openAppWindow({ executable, launchUrl: `${host.origin}${LAUNCH_PATH}`, appUrl: host.url, profileDir: join(dataDir, 'web-host-browser'), logger });
  window.ready.then(
    () => {
      logger.info('opened the app window', { browser: executable });
      // Closing the window ends the session, as with the desktop app.
      void window.exited.then(onClosed);
    },
    (error: unknown) => logger.warn('could not open the app window: open the printed URL in a browser', { message: error instanceof Error ? error.message : String(error) }),
  );
  return window;
}

export async function runHost(args: HostArgs): Promise<void> {
  // PATCHBAY_LOG_LEVEL=debug as in the desktop app (electron/main/log-file.ts): every RPC with its time.
  const logger = createLogger({ level: process.env['PATCHBAY_LOG_LEVEL'] === 'debug' ? 'debug' : 'info' });
  const dataDir = resolve(args.dataDir ?? process.env['PATCHBAY_DATA_DIR'] ?? defaultDataDir());

  let host: WebHost;
  try {
    const rendererDir = await prepareRenderer(args, logger);
    host = await startWebHost({
      port: args.port,
      rendererDir,
      logger,
      ...(process.env[TRAFFIC_ENV] ? { traffic: fileTrafficRecorder(process.env[TRAFFIC_ENV]) } : {}),
      // Imported only now, after the port is bound: the app services are most of the host's module graph
      // (seconds to load), which a taken port should not wait for.
      services: async (sink) => {
        const { createAppServices } = await import('../services/app-services');
        return createAppServices({ dataDir, demo: args.sandbox ? true : 'auto', protector: null, openExternal: (url) => openExternalUrl(url), sink, transport: 'web' });
      },
    });
  } catch (error) {
    process.stderr.write(`patchbay host: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }

  // The one line on stdout.
  process.stdout.write(`${host.url}\n`);

  let window: AppWindow | null = null;
  let stoppingSince: number | null = null;
  const stop = (why: string): void => {
    if (stoppingSince !== null) {
      // A second Ctrl+C forces the exit; one that arrives with the first (from the terminal and from a
      // wrapper such as scripts/start.mjs that passes signals on) does not.
      if (Date.now() - stoppingSince > 1000) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    logger.info(`stopping: ${why}`);
    window?.close();
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`patchbay host: error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (args.open) window = openWindow(host, dataDir, logger, () => stop('the app window was closed'));
}

