import { z } from 'zod';
import type { SystemUser } from '../../../../shared/domain/types';
import type { DataverseClient } from '../client';
import { queryByIds } from './by-ids';
import { guidField, optionalGuid, optionalString, rowParser } from './rows';

/**
 * systemusers (reference §3.6) by Entra object ids or by systemuserids (see `queryByIds`): the number
 * of requests grows with the number of distinct people asked about, not with flows or references.
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

function byIds(dv: DataverseClient, property: string, ids: readonly string[], what: string, signal: AbortSignal | undefined): Promise<SystemUser[]> {
  return queryByIds(dv, { set: 'systemusers', property, ids, select: COLUMNS, what, parse: parseSystemUserRow, ...(signal ? { signal } : {}) });
}

export function readSystemUsersByObjectIds(dv: DataverseClient, objectIds: readonly string[], options: { signal?: AbortSignal } = {}): Promise<SystemUser[]> {
  return byIds(dv, 'azureactivedirectoryobjectid', objectIds, 'Entra object id', options.signal);
}

export function readSystemUsersByIds(dv: DataverseClient, systemUserIds: readonly string[], options: { signal?: AbortSignal } = {}): Promise<SystemUser[]> {
  return byIds(dv, 'systemuserid', systemUserIds, 'systemuserid', options.signal);
}
