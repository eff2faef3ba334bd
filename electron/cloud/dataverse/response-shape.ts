import type { z } from 'zod';
import { ResponseShapeError } from './errors';

/**
 * Parses one row (or response object) with a zod schema; a mismatch becomes a ResponseShapeError that
 * names the source service, the entity, the first offending field and the row's id when it has one,
 * instead of an anonymous crash further down.
 */

export interface ShapeContext {
  /** The service, e.g. `Dataverse`, `BAP`, `Power Apps`, `Flow`. */
  source: string;
  /** The entity or object kind, e.g. `workflow`, `connection`. */
  entity: string;
  /** Property holding the row's id, used to name the row in the error. */
  idField?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseShape<S extends z.ZodType>(schema: S, value: unknown, context: ShapeContext): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue ? issue.path.map(String).join('.') : '';
  const rawId = context.idField && isRecord(value) ? value[context.idField] : undefined;
  throw new ResponseShapeError({
    source: context.source,
    entity: context.entity,
    field,
    detail: issue?.message ?? 'it does not match the expected shape',
    rowId: typeof rawId === 'string' ? rawId : null,
  });
}
