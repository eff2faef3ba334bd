import { z } from 'zod';
import type { ConnectionReference } from '../../../../shared/domain/types';
import { connectorName } from '../../../../shared/flows/connectors';
import type { DataverseClient } from '../client';
import { connectionReferenceComponentType } from './components';
import { etagField, guidField, optionalString, rowParser, type SolutionScope } from './rows';
import { inSolution } from './solution-link';

/**
 * A solution's connection references (reference §3.1): one cached component-type lookup, then one
 * paged FetchXML query joined to the solution's components — the request count does not depend on how
 * many references there are beyond paging.
 */

const COLUMNS = [
  'connectionreferenceid',
  'connectionreferencelogicalname',
  'connectionreferencedisplayname',
  'connectorid',
  'connectionid',
  'ismanaged',
] as const;

const referenceRow = z
  .looseObject({
    '@odata.etag': etagField,
    connectionreferenceid: guidField,
    connectionreferencelogicalname: z.string().min(1),
    connectionreferencedisplayname: optionalString,
    connectorid: z.string().min(1),
    connectionid: optionalString,
    ismanaged: z.boolean(),
  })
  .transform(
    (r): ConnectionReference => ({
      id: r.connectionreferenceid.toLowerCase(),
      logicalName: r.connectionreferencelogicalname,
      displayName: r.connectionreferencedisplayname ?? r.connectionreferencelogicalname,
      connector: connectorName(r.connectorid),
      connectorId: r.connectorid,
      connectionId: r.connectionid === null || r.connectionid.trim() === '' ? null : r.connectionid,
      etag: r['@odata.etag'],
      managed: r.ismanaged,
    }),
  );

export const parseConnectionReferenceRow = rowParser('connectionreference', referenceRow, 'connectionreferenceid');

export async function readConnectionReferences(dv: DataverseClient, scope: SolutionScope): Promise<ConnectionReference[]> {
  const signal = scope.signal ? { signal: scope.signal } : {};
  const componentType = await connectionReferenceComponentType(dv, signal);
  return dv
    .fetchXml(
      'connectionreferences',
      {
        entity: {
          name: 'connectionreference',
          attributes: COLUMNS,
          orders: [{ attribute: 'connectionreferenceid' }],
          links: [inSolution(scope.solutionId, componentType, 'connectionreferenceid')],
        },
      },
      { ...(scope.pageSize !== undefined ? { pageSize: scope.pageSize } : {}), ...signal },
      parseConnectionReferenceRow,
    )
    .all();
}
