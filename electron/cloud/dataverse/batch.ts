import { sendBatch, type BatchItem, type BatchPartResponse } from '../http/batch';
import { odataHeaders, type DataverseEndpoint } from './endpoint';

export type { BatchChangeset, BatchItem, BatchPart, BatchPartResponse } from '../http/batch';

/**
 * `$batch` for one environment (reference §9) through the HTTP folder's builder and parser: parts and
 * change sets (atomic; `Content-ID`s, `$n` references) in order, one result per inner request. Without
 * `continueOnError` the service stops at the first failure and answers just that part (a failed change
 * set applies nothing); with it every part runs and reports its own status.
 */

export interface BatchOptions {
  continueOnError?: boolean;
  signal?: AbortSignal;
}

export type BatchResult = BatchPartResponse;

export function runBatch(endpoint: DataverseEndpoint, items: readonly BatchItem[], options: BatchOptions = {}): Promise<BatchResult[]> {
  return sendBatch(endpoint.http, {
    apiRoot: endpoint.apiRoot,
    resource: endpoint.resource,
    items,
    headers: odataHeaders(),
    ...(options.continueOnError ? { continueOnError: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
