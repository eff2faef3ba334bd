import type { SandboxContext } from '../context';
import type { Connection, ConnectionStatus } from '../model';
import { creatorJson } from './principal-json';

/**
 * One connection as the Power Apps API returns it (reference §2.2). Admin-scope responses name it below
 * `/scopes/admin/environments/{env}` (id and apiId, as a dumped Get-AdminPowerAppConnection object
 * shows) with type `Microsoft.PowerApps/scopes/apis/connections`; user-scope ones use the plain
 * `/providers/Microsoft.PowerApps/apis/{api}` forms.
 */

export type ConnectionScope = 'admin' | 'user';

const ICON_RELEASE = 'https://connectoricons-prod.azureedge.net/releases/v1.0.1705/1.0.1705.3833';
/** Custom connectors without an uploaded icon show the platform's default API icon. */
const CUSTOM_CONNECTOR_ICON = 'https://az787822.vo.msecnd.net/defaulticons/api-dedicated.png';

export function iconUri(apiName: string): string {
  const short = apiName.replace(/^shared_/, '');
  return /-5f|\./.test(short) ? CUSTOM_CONNECTOR_ICON : `${ICON_RELEASE}/${short}/icon.png`;
}

export function apiPath(scope: ConnectionScope, environmentId: string, apiName: string): string {
  return scope === 'admin'
    ? `/providers/Microsoft.PowerApps/scopes/admin/environments/${environmentId}/apis/${apiName}`
    : `/providers/Microsoft.PowerApps/apis/${apiName}`;
}

export function statusesJson(status: ConnectionStatus): Record<string, unknown>[] {
  if (status.kind === 'Connected') return [{ status: 'Connected' }];
  return [{ status: 'Error', target: status.target, error: { code: status.code, message: status.message } }];
}

/** Parameter sets that sign a user in interactively carry the OAuth grant type. */
const OAUTH_SETS = new Set(['oauth', 'entraiduserlogin']);

function parameters(c: Connection): Record<string, unknown> {
  if (c.parameterSetName === '') return { connectionParameters: {} };
  const values = OAUTH_SETS.has(c.parameterSetName.toLowerCase()) ? { 'token:grantType': { value: 'code' } } : {};
  return { connectionParameters: {}, connectionParametersSet: { name: c.parameterSetName, values } };
}

export function connectionJson(ctx: SandboxContext, c: Connection, scope: ConnectionScope): Record<string, unknown> {
  const api = apiPath(scope, c.environmentId, c.apiName);
  return {
    name: c.name,
    id: `${api}/connections/${c.name}`,
    type: scope === 'admin' ? 'Microsoft.PowerApps/scopes/apis/connections' : 'Microsoft.PowerApps/apis/connections',
    properties: {
      apiId: api,
      displayName: c.displayName,
      iconUri: iconUri(c.apiName),
      statuses: statusesJson(c.status),
      ...parameters(c),
      createdBy: creatorJson(ctx, c.createdBy),
      createdTime: c.createdTime,
      lastModifiedTime: c.lastModifiedTime,
      environment: { id: `/providers/Microsoft.PowerApps/environments/${c.environmentId}`, name: c.environmentId },
      ...(c.accountName === null ? {} : { accountName: c.accountName }),
    },
  };
}
