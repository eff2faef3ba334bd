import { deriveMatrix } from '../../../shared/engine/matrix';
import type { CliOptions } from '../args';
import type { CliIo } from '../io';
import { formatMatrix } from '../output';
import type { CliRuntime } from '../runtime';
import { EXIT, requireSolution, resolveEnvironments, scanForReport } from './common';

/**
 * `patchbay scan`: the matrix of references, variables and flows per environment. An environment that
 * could not be scanned is reported and left out, and the command exits 1: a pipeline step that looks at
 * fewer environments than it asked for must not pass.
 */
export async function scanCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const solution = requireSolution(o);
  const environments = resolveEnvironments(await runtime.environments(), o.env, false);
  const { snapshots, unscanned } = await scanForReport(runtime, environments, solution, io);
  const matrix = deriveMatrix(snapshots, { identity: o.as });
  const failures = unscanned.map((f) => ({ environmentId: f.environment.id, displayName: f.environment.displayName, error: f.error }));
  if (o.json) io.out(JSON.stringify({ solution, matrix, snapshots, failures }, null, 2));
  else if (snapshots.length || !unscanned.length) io.out(formatMatrix(matrix));
  return unscanned.length ? EXIT.stepsFailed : EXIT.ok;
}
