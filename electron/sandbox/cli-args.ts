import { parseArgs } from 'node:util';
import { isScenarioName, scenarioNames } from './scenarios';
import type { SandboxOptions } from './server';
import { parseFaultSpec } from './traffic/faults';
import { parseLatency } from './traffic/latency';

/** Flags of `npm run sandbox`, parsed and checked; bad ones raise a UsageError with the exact problem. */

export const usage = `Usage: npm run sandbox -- [--port 0] [--scenario ${scenarioNames.join('|')}] [--seed N]
       [--token-lifetime-s N] [--legacy-spn] [--state-file FILE]
       [--envs N] [--flows N] [--refs N] [--connectors N]   (scale scenario sizes)
       [--limit-requests N] [--limit-window-s N] [--limit-execution-ms N] [--limit-concurrency N]
       [--dop-hint N] [--latency-ms N[:J]] [--faults 429=R,503=R,502=R,reset=R,slow=R:MS]`;

export class UsageError extends Error {}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got '${value}'.`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}.`);
  return n;
}

export function parseSandboxArgs(argv: string[]): SandboxOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      'token-lifetime-s': { type: 'string' },
      'legacy-spn': { type: 'boolean' },
      'state-file': { type: 'string' },
      envs: { type: 'string' },
      flows: { type: 'string' },
      refs: { type: 'string' },
      connectors: { type: 'string' },
      'limit-requests': { type: 'string' },
      'limit-window-s': { type: 'string' },
      'limit-execution-ms': { type: 'string' },
      'limit-concurrency': { type: 'string' },
      'dop-hint': { type: 'string' },
      'latency-ms': { type: 'string' },
      faults: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new UsageError('');
  const scenario = values.scenario ?? 'contoso';
  if (!isScenarioName(scenario)) throw new UsageError(`Unknown scenario '${scenario}'. Known: ${scenarioNames.join(', ')}.`);
  const options: SandboxOptions = { scenario };
  const port = integer('port', values.port, 0, 65535);
  if (port !== undefined) options.port = port;
  const seed = integer('seed', values.seed, 0, 2 ** 31 - 1);
  if (seed !== undefined) options.seed = seed;
  const lifetime = integer('token-lifetime-s', values['token-lifetime-s'], 1, 86_400);
  if (lifetime !== undefined) options.tokenLifetimeS = lifetime;
  if (values['legacy-spn']) options.switches = { legacySpn: true };
  if (values['state-file'] !== undefined) {
    if (!values['state-file']) throw new UsageError('--state-file needs a path.');
    options.stateFile = values['state-file'];
  }
  const scale: NonNullable<SandboxOptions['scale']> = {};
  const envs = integer('envs', values.envs, 1, 50);
  const flows = integer('flows', values.flows, 1, 20_000);
  const refs = integer('refs', values.refs, 1, 5_000);
  const connectors = integer('connectors', values.connectors, 1, 200);
  if (envs !== undefined) scale.envs = envs;
  if (flows !== undefined) scale.flows = flows;
  if (refs !== undefined) scale.refs = refs;
  if (connectors !== undefined) scale.connectors = connectors;
  if (Object.keys(scale).length > 0) {
    if (scenario !== 'scale') throw new UsageError('--envs, --flows, --refs and --connectors apply to --scenario scale only.');
    options.scale = scale;
  }
  const limits: NonNullable<SandboxOptions['limits']> = {};
  const requests = integer('limit-requests', values['limit-requests'], 1, 1_000_000);
  const windowS = integer('limit-window-s', values['limit-window-s'], 1, 3600);
  const executionMs = integer('limit-execution-ms', values['limit-execution-ms'], 1, 100_000_000);
  const concurrency = integer('limit-concurrency', values['limit-concurrency'], 1, 10_000);
  if (requests !== undefined) limits.requests = requests;
  if (windowS !== undefined) limits.windowS = windowS;
  if (executionMs !== undefined) limits.executionMs = executionMs;
  if (concurrency !== undefined) limits.concurrency = concurrency;
  if (Object.keys(limits).length > 0) options.limits = limits;
  const dopHint = integer('dop-hint', values['dop-hint'], 1, 512);
  if (dopHint !== undefined) options.dopHint = dopHint;
  try {
    if (values['latency-ms'] !== undefined) options.latency = parseLatency(values['latency-ms']);
    if (values.faults !== undefined) options.faults = parseFaultSpec(values.faults);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return options;
}

