import { z } from 'zod';
import type { RowParser } from '../paged';
import { parseShape } from '../response-shape';

/** Building blocks for the readers' row schemas, and a RowParser that names the entity on a mismatch. */

export const guidField = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'expected a GUID');
export const etagField = z.string().min(1, 'expected an ETag');
/** A column that may be null or left out of the answer (Dataverse omits nulls in FetchXML results). */
export const optionalString = z.string().nullish().transform((v) => v ?? null);
export const optionalGuid = guidField.nullish().transform((v) => (v ? v.toLowerCase() : null));

export function rowParser<S extends z.ZodType>(entity: string, schema: S, idField: string): RowParser<z.output<S>> {
  return (row) => parseShape(schema, row, { source: 'Dataverse', entity, idField });
}

/** Condition on the solution membership link used by every solution-scoped reader. */
export interface SolutionScope {
  solutionId: string;
  /** Rows per request (FetchXML count / OData maxpagesize); default 5000. */
  pageSize?: number;
  signal?: AbortSignal;
}
