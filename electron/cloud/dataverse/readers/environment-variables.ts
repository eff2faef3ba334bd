import { z } from 'zod';
import type { EnvironmentVariable } from '../../../../shared/domain/types';
import type { DataverseClient } from '../client';
import { ENVIRONMENT_VARIABLE_DEFINITION_COMPONENT } from './components';
import { guidField, optionalGuid, optionalString, rowParser, type SolutionScope } from './rows';
import { inSolution } from './solution-link';

/**
 * A solution's environment variables: the definitions in the solution (component type 380) with this
 * environment's value row joined in (outer link; values are environment-specific rows outside the
 * solution). One paged FetchXML query.
 */

/** Alias of the value link: its columns come back as `v.value`, `v.environmentvariablevalueid`. */
const VALUE_ALIAS = 'v';

const TYPES: Readonly<Record<number, EnvironmentVariable['type']>> = {
  100000000: 'String',
  100000001: 'Number',
  100000002: 'Boolean',
  100000003: 'JSON',
  100000004: 'DataSource',
  100000005: 'Secret',
};

const definitionRow = z
  .looseObject({
    environmentvariabledefinitionid: guidField,
    schemaname: z.string().min(1),
    displayname: optionalString,
    type: z.number().int().refine((t) => t in TYPES, 'expected an environment variable type (100000000–100000005)'),
    defaultvalue: optionalString,
    'v.environmentvariablevalueid': optionalGuid,
    'v.value': optionalString,
  })
  .transform(
    (r): EnvironmentVariable => ({
      definitionId: r.environmentvariabledefinitionid.toLowerCase(),
      schemaName: r.schemaname,
      displayName: r.displayname ?? r.schemaname,
      type: TYPES[r.type] ?? 'String',
      defaultValue: r.defaultvalue,
      valueId: r['v.environmentvariablevalueid'] ?? null,
      value: r['v.value'] ?? null,
    }),
  );

export const parseEnvironmentVariableRow = rowParser('environmentvariabledefinition', definitionRow, 'environmentvariabledefinitionid');

export async function readEnvironmentVariables(dv: DataverseClient, scope: SolutionScope): Promise<EnvironmentVariable[]> {
  const rows = await dv
    .fetchXml(
      'environmentvariabledefinitions',
      {
        entity: {
          name: 'environmentvariabledefinition',
          attributes: ['environmentvariabledefinitionid', 'schemaname', 'displayname', 'type', 'defaultvalue'],
          orders: [{ attribute: 'environmentvariabledefinitionid' }],
          links: [
            inSolution(scope.solutionId, ENVIRONMENT_VARIABLE_DEFINITION_COMPONENT, 'environmentvariabledefinitionid'),
            {
              name: 'environmentvariablevalue',
              from: 'environmentvariabledefinitionid',
              to: 'environmentvariabledefinitionid',
              alias: VALUE_ALIAS,
              linkType: 'outer',
              attributes: ['environmentvariablevalueid', 'value'],
            },
          ],
        },
      },
      { ...(scope.pageSize !== undefined ? { pageSize: scope.pageSize } : {}), ...(scope.signal ? { signal: scope.signal } : {}) },
      parseEnvironmentVariableRow,
    )
    .all();
  // A definition has at most one value row; should the platform ever return two, keep the first.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.definitionId) && seen.add(r.definitionId));
}
