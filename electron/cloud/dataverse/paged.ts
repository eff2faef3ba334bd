/**
 * A query whose pages arrive one request at a time: iterate it with `for await` to handle pages as
 * they come (and stop early: no further page is asked for), or `all()` to collect every row. Each
 * iteration runs the query again from its first page.
 */

export interface Page<T> {
  /** 1-based page number. */
  number: number;
  rows: T[];
}

export interface PagedQuery<T> extends AsyncIterable<Page<T>> {
  all(): Promise<T[]>;
}

export function pagedQuery<T>(pages: () => AsyncGenerator<Page<T>, void, undefined>): PagedQuery<T> {
  return {
    [Symbol.asyncIterator]: () => pages(),
    async all() {
      const rows: T[] = [];
      for await (const page of pages()) rows.push(...page.rows);
      return rows;
    },
  };
}

/** Turns one raw row into the caller's type (and throws ResponseShapeError when it does not fit). */
export type RowParser<T> = (row: Record<string, unknown>) => T;
