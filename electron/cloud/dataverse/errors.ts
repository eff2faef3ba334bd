/**
 * The error the cloud clients raise themselves; everything the platform answers comes as the HTTP
 * core's PlatformError (a stale ETag is its kind `concurrency`).
 */

/** A response that does not have the shape the client relies on: names the source, the entity and the field. */
export class ResponseShapeError extends Error {
  readonly source: string;
  readonly entity: string;
  readonly field: string;
  readonly rowId: string | null;

  constructor(options: { source: string; entity: string; field: string; detail: string; rowId?: string | null }) {
    const where = options.rowId ? ` (row ${options.rowId})` : '';
    const field = options.field === '' ? 'the row itself' : `field '${options.field}'`;
    super(`${options.source} returned a ${options.entity}${where} whose ${field} is not as expected: ${options.detail}`);
    this.name = 'ResponseShapeError';
    this.source = options.source;
    this.entity = options.entity;
    this.field = options.field;
    this.rowId = options.rowId ?? null;
  }
}
