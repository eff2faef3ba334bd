import { z } from 'zod';
import type { SystemUser } from '../../../../shared/domain/types';
import { chunkByLength, URL_BUDGET } from '../chunk';
import type { DataverseClient } from '../client';
import { guid, odataIn } from '../odata-literals';
import { guidField, optionalGuid, optionalString, rowParser } from './rows';

/**
 * systemusers (reference §3.6) by Entra object ids or by systemuserids: `Microsoft.Dynamics.CRM.In`
 * over the ids, chunked so no URL passes ~16 KB (about 350 GUIDs per request). The number of requests
 * grows with the number of distinct people asked about, not with flows or references.
 */

const COLUMNS = ['systemuserid', 'fullname', 'domainname', 'azureactivedirectoryobjectid', 'applicationid', 'isdisabled', 'accessmode'] as const;

const userRow = z
  .looseObject({
    systemuserid: guidField,
    fullname: optionalString,
    domainname: optionalString,
    azureactivedirectoryobjectid: optionalGuid,
    applicationid: optionalGuid,
    isdisabled: z.boolean(),
  })
  .transform(
    (r): SystemUser => ({
      id: r.systemuserid.toLowerCase(),
      objectId: r.azureactivedirectoryobjectid,
      fullName: r.fullname ?? r.domainname ?? r.systemuserid,
      userPrincipalName: r.domainname ?? '',
      disabled: r.isdisabled,
      isApplicationUser: r.applicationid !== null,
      applicationId: r.applicationid,
    }),
  );

export const parseSystemUserRow = rowParser('systemuser', userRow, 'systemuserid');

/** A value in the In() list as it travels: `"<guid>",` percent-encoded (36 + 3 + 3 + 3 characters). */
const inListCost = (id: string): number => encodeURIComponent(`"${id}",`).length;
/** Room for the rest of the URL: API root, entity set, $select, the function around the list. */
const URL_OVERHEAD = 1024;

async function byIds(dv: DataverseClient, property: string, ids: readonly string[], what: string, signal: AbortSignal | undefined): Promise<SystemUser[]> {
  const unique = [...new Set(ids.map((id) => guid(id, what)))];
  const out: SystemUser[] = [];
  for (const chunk of chunkByLength(unique, inListCost, URL_BUDGET - URL_OVERHEAD)) {
    const rows = await dv
      .query('systemusers', { select: COLUMNS, filter: odataIn(property, chunk), maxPageSize: 5000, ...(signal ? { signal } : {}) }, parseSystemUserRow)
      .all();
    out.push(...rows);
  }
  return out;
}

export function readSystemUsersByObjectIds(dv: DataverseClient, objectIds: readonly string[], options: { signal?: AbortSignal } = {}): Promise<SystemUser[]> {
  return byIds(dv, 'azureactivedirectoryobjectid', objectIds, 'Entra object id', options.signal);
}

export function readSystemUsersByIds(dv: DataverseClient, systemUserIds: readonly string[], options: { signal?: AbortSignal } = {}): Promise<SystemUser[]> {
  return byIds(dv, 'systemuserid', systemUserIds, 'systemuserid', options.signal);
}
