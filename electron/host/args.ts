import { parseArgs } from 'node:util';

/** Flags of `npm run host`, parsed and checked; bad ones raise a UsageError with the exact problem. */

export const usage = `Usage: npm run host -- [--port N] [--no-open] [--sandbox] [--data-dir DIR] [--renderer-dir DIR]
  --port N          listen on 127.0.0.1:N (default 0: a free port)
  --no-open         do not open a browser window; just print the URL
  --sandbox         always use the demo tenant (by default it starts when no account is configured)
  --data-dir DIR    where accounts, journal and demo state live (default: PATCHBAY_DATA_DIR, else the platform's place)
  --renderer-dir DIR serve this built renderer instead of out/renderer (no build step)`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface HostArgs {
  port: number;
  open: boolean;
  sandbox: boolean;
  dataDir?: string;
  rendererDir?: string;
}

export function parseHostArgs(argv: string[]): HostArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'no-open': { type: 'boolean' },
        sandbox: { type: 'boolean' },
        'data-dir': { type: 'string' },
        'renderer-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) throw new UsageError('');
  const args: HostArgs = { port: 0, open: !values['no-open'], sandbox: values.sandbox === true };
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got '${values.port}'.`);
    args.port = Number(values.port);
  }
  if (values['data-dir'] !== undefined) {
    if (!values['data-dir']) throw new UsageError('--data-dir needs a folder.');
    args.dataDir = values['data-dir'];
  }
  if (values['renderer-dir'] !== undefined) {
    if (!values['renderer-dir']) throw new UsageError('--renderer-dir needs a folder.');
    args.rendererDir = values['renderer-dir'];
  }
  return args;
}
