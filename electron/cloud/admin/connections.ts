import { z } from 'zod';
import type { Connection, ConnectionHealth, ConnectionPrincipal, ConnectionShare } from '../../../shared/domain/types';
import { connectorName } from '../../../shared/flows/connectors';
import { parseShape } from '../dataverse/response-shape';

/**
 * Power Apps connection and permission objects (platform-apis.md §2.2, §2.4) mapped into the domain:
 * the owner is `createdBy`, health comes from `statuses` (healthy only when every status is
 * `Connected`), shares are the role assignments with their ids (needed to remove them).
 */

export const CONNECTIONS_API_VERSION = '2016-11-01';
export const PERMISSIONS_API_VERSION = '2017-06-01';

const principalSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  email: z.string().nullish(),
  type: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
});

const statusSchema = z.looseObject({
  status: z.string(),
  target: z.string().nullish(),
  error: z.looseObject({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const connectionSchema = z.looseObject({
  name: z.string().min(1),
  properties: z.looseObject({
    apiId: z.string().min(1),
    displayName: z.string().nullish(),
    statuses: z.array(statusSchema).nullish(),
    createdBy: principalSchema.nullish(),
    createdTime: z.string().nullish(),
    environment: z.looseObject({ name: z.string() }).nullish(),
  }),
});

const ROLES = ['Owner', 'CanView', 'CanViewWithShare', 'CanEdit'] as const;

const permissionSchema = z.looseObject({
  id: z.string().min(1),
  properties: z.looseObject({
    roleName: z.string().transform((r, ctx) => {
      const role = ROLES.find((x) => x.toLowerCase() === r.toLowerCase());
      if (!role) {
        ctx.addIssue({ code: 'custom', message: `unknown role '${r}' (expected ${ROLES.join(', ')})` });
        return z.NEVER;
      }
      return role;
    }),
    principal: principalSchema,
  }),
});

const PRINCIPAL_TYPES: readonly ConnectionPrincipal['type'][] = ['User', 'ServicePrincipal', 'Group', 'Tenant'];

function principal(p: z.output<typeof principalSchema>): ConnectionPrincipal {
  const type = PRINCIPAL_TYPES.find((t) => t.toLowerCase() === p.type?.toLowerCase()) ?? 'NotSpecified';
  return {
    objectId: p.id.toLowerCase(),
    displayName: p.displayName ?? p.email ?? p.userPrincipalName ?? p.id,
    type,
    userPrincipalName: p.userPrincipalName ?? null,
  };
}

export function connectionHealth(statuses: readonly z.output<typeof statusSchema>[] | null | undefined): ConnectionHealth {
  const list = statuses ?? [];
  if (list.length === 0) return { kind: 'error', code: 'NoStatus', message: 'The connection reports no status.' };
  const bad = list.find((s) => s.status.toLowerCase() !== 'connected');
  if (!bad) return { kind: 'connected' };
  return {
    kind: 'error',
    code: bad.error?.code ?? bad.status,
    message: bad.error?.message ?? `The connection's status is '${bad.status}'${bad.target ? ` (${bad.target})` : ''}.`,
  };
}

const NOBODY: ConnectionPrincipal = { objectId: '', displayName: 'Unknown', type: 'NotSpecified', userPrincipalName: null };

export function mapConnection(raw: unknown, environmentId: string): Connection {
  const c = parseShape(connectionSchema, raw, { source: 'Power Apps', entity: 'connection', idField: 'name' });
  const p = c.properties;
  return {
    name: c.name,
    environmentId: p.environment?.name ?? environmentId,
    connector: connectorName(p.apiId),
    displayName: p.displayName ?? c.name,
    owner: p.createdBy ? principal(p.createdBy) : NOBODY,
    health: connectionHealth(p.statuses),
    createdTime: p.createdTime ?? '',
  };
}

export function mapPermission(raw: unknown): ConnectionShare {
  const s = parseShape(permissionSchema, raw, { source: 'Power Apps', entity: 'connection permission', idField: 'id' });
  return { id: s.id, role: s.properties.roleName, principal: principal(s.properties.principal) };
}
