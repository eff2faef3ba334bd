import { z } from 'zod';
import type { Solution } from '../../../../shared/domain/types';
import type { DataverseClient } from '../client';
import { odataString } from '../odata-literals';
import { guidField, rowParser } from './rows';

/** Solutions: one by unique name (reference §11), or the visible ones for a picker. */

const SELECT = ['solutionid', 'uniquename', 'friendlyname', 'version', 'ismanaged'] as const;

const solutionRow = z
  .looseObject({
    solutionid: guidField,
    uniquename: z.string(),
    friendlyname: z.string().nullish(),
    version: z.string().nullish(),
    ismanaged: z.boolean(),
  })
  .transform(
    (r): Solution => ({
      id: r.solutionid.toLowerCase(),
      uniqueName: r.uniquename,
      friendlyName: r.friendlyname ?? r.uniquename,
      version: r.version ?? '',
      managed: r.ismanaged,
    }),
  );

const parse = rowParser('solution', solutionRow, 'solutionid');

export async function readSolution(dv: DataverseClient, uniqueName: string, options: { signal?: AbortSignal } = {}): Promise<Solution | null> {
  const rows = await dv
    .query('solutions', { select: SELECT, filter: `uniquename eq ${odataString(uniqueName)}`, ...(options.signal ? { signal: options.signal } : {}) }, parse)
    .all();
  return rows[0] ?? null;
}

/** Visible solutions (the ones makers see), by friendly name. */
export async function listSolutions(dv: DataverseClient, options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<Solution[]> {
  return dv
    .query(
      'solutions',
      {
        select: SELECT,
        filter: 'isvisible eq true',
        orderBy: 'friendlyname asc',
        ...(options.pageSize !== undefined ? { maxPageSize: options.pageSize } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      parse,
    )
    .all();
}
