import { parseSandboxArgs, usage } from './cli-args';
import { startSandbox, type SandboxOptions } from './server';
import { StateFileError } from './state-file';

/**
 * `npm run sandbox -- [flags]`: starts the sandbox cloud and prints exactly one JSON line on stdout when
 * it is ready (scripts and tests read it); everything else goes to stderr.
 */

async function main(): Promise<void> {
  let options: SandboxOptions;
  try {
    options = parseSandboxArgs(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message ? `${message}\n` : ''}${usage}\n`);
    process.exit(message ? 2 : 0);
  }
  let sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    if (error instanceof StateFileError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  process.stdout.write(`${JSON.stringify(sandbox.ready())}\n`);
  const running = sandbox;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`sandbox: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
