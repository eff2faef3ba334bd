import { z } from 'zod';
import type { DataverseClient } from '../client';
import { guid, odataString } from '../odata-literals';
import { guidField, rowParser } from './rows';

/**
 * Solution components (reference §3.4). Fixed types: 29 workflow, 380 environment variable definition.
 * The connection reference's type is not fixed — it is the table's object type code in that
 * environment (10091 here, 10163 there) — so it is read from `solutioncomponentdefinitions` once per
 * client and kept.
 */

export const WORKFLOW_COMPONENT = 29;
export const ENVIRONMENT_VARIABLE_DEFINITION_COMPONENT = 380;

export interface SolutionComponent {
  objectId: string;
  componentType: number;
}

const definitionRow = z.looseObject({ objecttypecode: z.number().int(), solutioncomponenttype: z.number().int().nullish() });
const componentRow = z
  .looseObject({ objectid: guidField, componenttype: z.number().int() })
  .transform((r): SolutionComponent => ({ objectId: r.objectid.toLowerCase(), componentType: r.componenttype }));

const typeCache = new WeakMap<DataverseClient, Map<string, Promise<number>>>();

/** The component type number of a table in this environment (from solutioncomponentdefinitions). */
export function componentTypeOf(dv: DataverseClient, primaryEntityName: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  const perClient = typeCache.get(dv) ?? new Map<string, Promise<number>>();
  typeCache.set(dv, perClient);
  const cached = perClient.get(primaryEntityName);
  if (cached) return cached;
  const lookup = (async () => {
    const rows = await dv
      .query(
        'solutioncomponentdefinitions',
        {
          select: ['objecttypecode', 'solutioncomponenttype'],
          filter: `primaryentityname eq ${odataString(primaryEntityName)}`,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        rowParser('solutioncomponentdefinition', definitionRow, 'solutioncomponentdefinitionid'),
      )
      .all();
    const row = rows[0];
    if (!row) throw new Error(`${dv.instanceUrl} has no solution component definition for '${primaryEntityName}'; its component type cannot be determined.`);
    return row.objecttypecode;
  })();
  perClient.set(primaryEntityName, lookup);
  // A failed lookup is not remembered: the next call asks again.
  void lookup.catch(() => perClient.delete(primaryEntityName));
  return lookup;
}

export const connectionReferenceComponentType = (dv: DataverseClient, options: { signal?: AbortSignal } = {}): Promise<number> =>
  componentTypeOf(dv, 'connectionreference', options);

/** A solution's components of one type: one paged query. */
export async function readSolutionComponents(
  dv: DataverseClient,
  solutionId: string,
  componentType: number,
  options: { pageSize?: number; signal?: AbortSignal } = {},
): Promise<SolutionComponent[]> {
  if (!Number.isInteger(componentType)) throw new TypeError(`Component type must be an integer, got ${componentType}.`);
  return dv
    .query(
      'solutioncomponents',
      {
        select: ['objectid', 'componenttype'],
        filter: `_solutionid_value eq ${guid(solutionId, 'solution id')} and componenttype eq ${componentType}`,
        maxPageSize: options.pageSize ?? 5000,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      rowParser('solutioncomponent', componentRow, 'solutioncomponentid'),
    )
    .all();
}
