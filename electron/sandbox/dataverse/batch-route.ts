import type { Handler, SbResponse } from '../http';
import { handleBatch } from './batch';
import type { DataverseRequestContext } from './service';

/** `POST $batch`: each part runs through the same Dataverse handler; change sets roll back as a whole. */
export function executeBatchRequest(r: DataverseRequestContext, handle: Handler): Promise<SbResponse> {
  return handleBatch(r.req, { serviceRoot: r.serviceRoot, execute: handle, transaction: () => r.ctx.store.begin() });
}
