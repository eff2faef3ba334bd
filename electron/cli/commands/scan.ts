import { deriveMatrix } from '../../../shared/engine/matrix';
import type { CliOptions } from '../args';
import type { CliIo } from '../io';
import { formatMatrix } from '../output';
import type { CliRuntime } from '../runtime';
import { EXIT, requireSolution, resolveEnvironments, scanSolution } from './common';

/** `patchbay scan`: the matrix of references, variables and flows per environment. */
export async function scanCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const solution = requireSolution(o);
  const environments = resolveEnvironments(await runtime.environments(), o.env, false);
  const snapshots = await scanSolution(runtime, environments, solution, io);
  const matrix = deriveMatrix(snapshots, { identity: o.as });
  io.out(o.json ? JSON.stringify({ solution, matrix, snapshots }, null, 2) : formatMatrix(matrix));
  return EXIT.ok;
}
