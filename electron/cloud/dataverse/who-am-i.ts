import { z } from 'zod';
import { odataHeaders, type DataverseEndpoint } from './endpoint';
import { parseShape } from './response-shape';

/**
 * `GET WhoAmI` (reference §3.7, §11): who the token (or impersonation) is in this environment, and the
 * `x-ms-dop-hint` the service recommends as the degree of parallelism for it (reference §10).
 */

export interface WhoAmI {
  userId: string;
  businessUnitId: string;
  organizationId: string;
  /** Recommended parallelism from `x-ms-dop-hint`; null when the header is absent or unreadable. */
  dopHint: number | null;
}

const schema = z.object({ UserId: z.string(), BusinessUnitId: z.string(), OrganizationId: z.string() });

export function parseDopHint(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 ? n : null;
}

export async function whoAmI(endpoint: DataverseEndpoint, options: { signal?: AbortSignal } = {}): Promise<WhoAmI> {
  const response = await endpoint.http.send({
    method: 'GET',
    url: `${endpoint.apiRoot}/WhoAmI`,
    resource: endpoint.resource,
    headers: odataHeaders(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const body = parseShape(schema, response.json(), { source: 'Dataverse', entity: 'WhoAmI response' });
  return {
    userId: body.UserId.toLowerCase(),
    businessUnitId: body.BusinessUnitId.toLowerCase(),
    organizationId: body.OrganizationId.toLowerCase(),
    dopHint: parseDopHint(response.headers['x-ms-dop-hint']),
  };
}
