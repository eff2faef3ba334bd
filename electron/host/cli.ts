import { parseHostArgs, usage, UsageError, type HostArgs } from './args';

/**
 * `npm run host -- [flags]`: the app without Electron (see run-host.ts). The flags are checked before
 * anything else is loaded: the host's module graph takes seconds to load, which --help or a bad flag
 * should not wait for.
 */

function parseOrExit(argv: string[]): HostArgs {
  try {
    return parseHostArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `${error.message}\n` : ''}${usage}\n`);
    process.exit(error.message ? 2 : 0);
  }
}

const args = parseOrExit(process.argv.slice(2));
const { runHost } = await import('./run-host');
await runHost(args);
