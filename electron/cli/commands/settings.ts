import { readFileSync } from 'node:fs';
import { exportSettings, parseSettingsFile } from '../../engine/files/settings';
import { diffSettings } from '../../engine/files/settings-diff';
import { formatIssue } from '../../engine/files/positions';
import { UsageError, type CliOptions } from '../args';
import type { CliIo } from '../io';
import { renderTable } from '../output';
import { writeOutFile } from '../out-file';
import type { CliRuntime } from '../runtime';
import { EXIT, oneEnvironment, requireSolution, resolveEnvironments, scanOne } from './common';

/** `settings export`: a filled-in pac deployment settings file from live state; `settings diff`: file vs live. */
export async function settingsCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const action = o.rest[0];
  if (action !== 'export' && action !== 'diff') throw new UsageError('settings takes export or diff: `patchbay settings export --solution S --env E [--out F]`.');
  const solution = requireSolution(o);
  const environment = oneEnvironment(resolveEnvironments(await runtime.environments(), o.env, true));
  const snapshot = await scanOne(runtime, environment, solution, io);
  // Scanned, and the solution is not there.
  if (!snapshot.solution) throw new UsageError(`${environment.displayName} does not have the solution ${solution}.`);

  if (action === 'export') {
    const exported = exportSettings(snapshot);
    for (const note of exported.notes) io.err(note);
    if (o.out) {
      writeOutFile(o.out, exported.text, 'the settings file');
      io.err(`Wrote the settings of ${snapshot.environment.displayName} to ${o.out}.`);
    } else io.out(exported.text);
    return EXIT.ok;
  }

  if (!o.settings) throw new UsageError('settings diff needs --settings file.json.');
  let text: string;
  try {
    text = readFileSync(o.settings, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the settings file '${o.settings}': ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseSettingsFile(text, o.settings);
  if (!parsed.ok) throw new UsageError(`The settings file is not valid:\n${parsed.errors.map(formatIssue).join('\n')}`);
  const diff = diffSettings(parsed.value, snapshot);
  if (o.json) io.out(JSON.stringify(diff, null, 2));
  else if (!diff.hasDrift) io.out(`${o.settings} matches ${snapshot.environment.displayName}.`);
  else {
    const rows = [
      ...diff.references.map((d) => [d.logicalName, d.kind, d.message]),
      ...diff.environmentVariables.map((d) => [d.schemaName, d.kind, d.message]),
    ];
    io.out(renderTable(['Item', 'Drift', 'Details'], rows));
  }
  return EXIT.ok;
}
