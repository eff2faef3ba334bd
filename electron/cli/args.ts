import { parseArgs } from 'node:util';

/**
 * The `patchbay` command line: one command, then options. Parsed strictly (unknown options are usage
 * errors, exit 2) and checked for conflicts before anything connects to a cloud.
 */

export const commands = ['envs', 'scan', 'audit', 'wire', 'plan', 'apply', 'activate', 'deactivate', 'share', 'settings', 'history', 'undo', 'help'] as const;
export type Command = (typeof commands)[number];

export const auditKinds = ['unwired', 'dangling', 'broken', 'owner-disabled', 'not-shared', 'off', 'blocked', 'suspended', 'env-var-missing'] as const;
export type FailOn = (typeof auditKinds)[number];

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliOptions {
  command: Command;
  /** Words after the command: `settings export`, `history <runId>`, `undo <runId>`. */
  rest: string[];
  solution?: string;
  env?: string[];
  as: 'auto' | 'me' | 'spn' | 'connection-owner';
  share: boolean;
  settings?: string;
  plan?: string;
  out?: string;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  format: 'table' | 'json' | 'csv' | 'junit' | 'html';
  failOn: FailOn[];
  auto: boolean;
  connections: Record<string, string>;
  with?: string;
  concurrency?: number;
  cloud: 'public' | 'gcc' | 'gcchigh' | 'dod' | 'china' | 'sandbox';
  sandbox: boolean;
  sandboxUrl?: string;
  caFile?: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  certificate?: string;
  privateKey?: string;
  deviceCode: boolean;
  dataDir?: string;
  last: boolean;
}

const asValues = ['auto', 'me', 'spn', 'connection-owner'] as const;
const formats = ['table', 'json', 'csv', 'junit', 'html'] as const;
const clouds = ['public', 'gcc', 'gcchigh', 'dod', 'china', 'sandbox'] as const;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}; got '${value}'.`);
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((v) => v.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        solution: { type: 'string' },
        env: { type: 'string', multiple: true },
        as: { type: 'string' },
        share: { type: 'boolean' },
        settings: { type: 'string' },
        plan: { type: 'string' },
        out: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        auto: { type: 'boolean' },
        connection: { type: 'string', multiple: true },
        with: { type: 'string' },
        concurrency: { type: 'string' },
        cloud: { type: 'string' },
        sandbox: { type: 'boolean' },
        'sandbox-url': { type: 'string' },
        'ca-file': { type: 'string' },
        tenant: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        certificate: { type: 'string' },
        'private-key': { type: 'string' },
        'device-code': { type: 'boolean' },
        'data-dir': { type: 'string' },
        last: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  const command = values.help || first === undefined ? 'help' : first;
  if (!(commands as readonly string[]).includes(command)) {
    throw new UsageError(`Unknown command '${command}'. Commands: ${commands.filter((c) => c !== 'help').join(', ')}.`);
  }

  const connections: Record<string, string> = {};
  for (const pair of values.connection ?? []) {
    const match = /^([^=\s]+)=(\S+)$/.exec(pair);
    if (!match?.[1] || !match[2]) throw new UsageError(`--connection takes <connector or reference>=<connection name>, e.g. shared_office365=4a7d…; got '${pair}'.`);
    connections[match[1]] = match[2];
  }
  const failOn = (list(values['fail-on']) ?? []).map((k) => {
    if (!(auditKinds as readonly string[]).includes(k)) throw new UsageError(`--fail-on takes a comma list of ${auditKinds.join(', ')}; got '${k}'.`);
    return k as FailOn;
  });
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    if (!/^\d+$/.test(values.concurrency) || Number(values.concurrency) < 1 || Number(values.concurrency) > 64) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 64; got '${values.concurrency}'.`);
    }
    concurrency = Number(values.concurrency);
  }

  const options: CliOptions = {
    command: command as Command,
    rest,
    as: oneOf('as', values.as, asValues, 'auto'),
    share: values.share ?? false,
    yes: values.yes ?? false,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    format: oneOf('format', values.format, formats, values.json ? 'json' : 'table'),
    failOn,
    auto: values.auto ?? false,
    connections,
    cloud: oneOf('cloud', values.cloud ?? (values.sandbox || values['sandbox-url'] ? 'sandbox' : undefined), clouds, 'public'),
    sandbox: values.sandbox ?? false,
    deviceCode: values['device-code'] ?? false,
    last: values.last ?? false,
  };
  const envs = (values.env ?? []).flatMap((e) => list(e) ?? []);
  if (envs.length) options.env = envs;
  const strings = {
    solution: values.solution,
    settings: values.settings,
    plan: values.plan,
    out: values.out,
    with: values.with,
    sandboxUrl: values['sandbox-url'],
    caFile: values['ca-file'],
    tenant: values.tenant,
    clientId: values['client-id'],
    clientSecret: values['client-secret'] ?? env['PATCHBAY_CLIENT_SECRET'],
    certificate: values.certificate,
    privateKey: values['private-key'],
    dataDir: values['data-dir'] ?? env['PATCHBAY_DATA_DIR'],
  } as const;
  for (const [key, value] of Object.entries(strings)) {
    if (value !== undefined) {
      if (!value.trim()) throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs a value.`);
      (options as unknown as Record<string, unknown>)[key] = value;
    }
  }
  if (concurrency !== undefined) options.concurrency = concurrency;
  checkConflicts(options, values['client-secret'] !== undefined);
  return options;
}

function checkConflicts(o: CliOptions, secretOnCommandLine: boolean): void {
  const conflict = (a: string, b: string): never => {
    throw new UsageError(`${a} and ${b} cannot be used together.`);
  };
  if (o.sandbox && o.sandboxUrl) conflict('--sandbox', '--sandbox-url');
  if (o.sandbox && (o.tenant || o.clientId)) conflict('--sandbox', '--tenant/--client-id (the embedded sandbox signs in as its pipeline service principal)');
  if (o.sandboxUrl && !o.caFile) throw new UsageError('--sandbox-url needs --ca-file (the sandbox’s CA certificate, from its ready line).');
  if (o.cloud !== 'sandbox' && (o.sandboxUrl || o.caFile)) conflict(`--cloud ${o.cloud}`, '--sandbox-url/--ca-file');
  if (o.certificate && secretOnCommandLine) conflict('--certificate', '--client-secret');
  if (o.deviceCode && (o.certificate || secretOnCommandLine)) conflict('--device-code', o.certificate ? '--certificate' : '--client-secret');
  if (o.privateKey && !o.certificate) throw new UsageError('--private-key goes with --certificate.');
  if (o.dryRun && o.yes) conflict('--dry-run', '--yes');
  if (o.settings && o.plan) conflict('--settings', '--plan');
  if (o.json && o.format !== 'json' && o.command === 'audit') conflict('--json', `--format ${o.format}`);
  if (o.auto && Object.keys(o.connections).length && o.command !== 'wire') conflict('--auto', '--connection');
}

export const usage = `Usage: patchbay <command> [options]

Commands
  envs                          list environments
  scan      --solution S        the matrix: references, environment variables and flows per environment
  audit     --solution S        findings across environments  [--format table|json|csv|junit|html] [--out F] [--fail-on k1,k2]
  wire      --solution S --env E   wire references that need it  [--auto] [--connection <connector|reference>=<connection>]…
  plan      --solution S --env E   plan wiring and activation, write it with --out plan.json
  apply     --plan plan.json | --settings file.json --env E
  activate  --solution S --env E   turn the solution's flows on, children first
  deactivate --solution S --env E  turn them off, parents first
  share     --solution S --env E --with spn|me|<object id>   share the solution's connections
  settings  export --solution S --env E [--out F] | diff --solution S --env E --settings F
  history   [<run id>]           runs from the journal
  undo      [<run id> | --last]  revert a run from its journal

Options
  --env E[,E…]        environment display names (case-insensitive), ids or URLs
  --as auto|me|spn|connection-owner   who acts (default auto: me, then the connection owner, then the SPN)
  --share             share connections with the acting identity where that is what blocks
  --yes               apply without asking     --dry-run   plan only
  --json              machine output           --concurrency N   writes in flight per environment
  --fail-on K,…       audit exit code 3 when findings of these kinds exist: ${auditKinds.join(', ')}

Sign-in
  --cloud public|gcc|gcchigh|dod|china|sandbox   --tenant T --client-id C
  --client-secret S (or PATCHBAY_CLIENT_SECRET) | --certificate cert.pem [--private-key key.pem] | --device-code
  --sandbox           start the embedded demo sandbox and act as its pipeline service principal
  --sandbox-url URL --ca-file PATH   use a running sandbox
  --data-dir DIR      where the journal lives (default: PATCHBAY_DATA_DIR or the user data folder)

Exit codes: 0 success · 1 some steps failed, or an environment could not be scanned · 2 usage or configuration error · 3 audit findings matched --fail-on`;
