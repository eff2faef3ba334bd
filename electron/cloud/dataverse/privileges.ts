import { z } from 'zod';
import { odataHeaders, type DataverseEndpoint } from './endpoint';
import { guid } from './odata-literals';
import { parseShape } from './response-shape';

/**
 * Whether a user holds a privilege, through the user's roles:
 * `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='…')`
 * answers the matching RolePrivileges (empty when not held). Impersonation needs
 * `prvActOnBehalfOfAnotherUser`, which the Delegate role (and System Administrator) grant.
 */

export const DELEGATE_PRIVILEGE = 'prvActOnBehalfOfAnotherUser';

const schema = z.object({
  RolePrivileges: z.array(z.looseObject({ PrivilegeName: z.string().optional(), Depth: z.string().optional() })),
});

export async function userHasPrivilege(
  endpoint: DataverseEndpoint,
  systemUserId: string,
  privilegeName: string,
  options: { signal?: AbortSignal } = {},
): Promise<boolean> {
  if (!/^prv[A-Za-z0-9_]+$/.test(privilegeName)) throw new TypeError(`'${privilegeName}' is not a privilege name (they look like prvReadAccount).`);
  const id = guid(systemUserId, 'systemuserid');
  const fn = `Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='${privilegeName}')`;
  const response = await endpoint.http.send({
    method: 'GET',
    url: `${endpoint.apiRoot}/systemusers(${id})/${fn}`,
    resource: endpoint.resource,
    headers: odataHeaders(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const body = parseShape(schema, response.json(), { source: 'Dataverse', entity: 'RetrieveUserPrivilegeByPrivilegeName response' });
  return body.RolePrivileges.some((p) => p.PrivilegeName === undefined || p.PrivilegeName.toLowerCase() === privilegeName.toLowerCase());
}
