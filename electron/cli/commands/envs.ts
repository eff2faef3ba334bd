import type { CliOptions } from '../args';
import type { CliIo } from '../io';
import { renderTable } from '../output';
import type { CliRuntime } from '../runtime';
import { EXIT } from './common';

/** `patchbay envs`: the environments the account can see, with their Dataverse URLs. */
export async function envsCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const environments = await runtime.environments();
  if (o.json) {
    io.out(JSON.stringify(environments, null, 2));
    return EXIT.ok;
  }
  io.out(
    renderTable(
      ['Environment', 'Type', 'Region', 'Id', 'Dataverse URL'],
      environments.map((e) => [e.displayName, e.sku, e.region, e.id, e.instanceUrl ?? '(no Dataverse)']),
    ),
  );
  return EXIT.ok;
}
