import type { Environment } from '../../shared/domain/types';
import type { ActingIdentity } from '../../shared/engine/preflight';
import type { IdentityRole } from '../../shared/engine/snapshot';
import type { AdminClient } from '../cloud/admin/client';
import type { DataverseClient } from '../cloud/dataverse/client';
import { queryByIds } from '../cloud/dataverse/readers/by-ids';
import type { EnvironmentOperations, FlowStateRead, OperationsFor, ReferenceState } from './operations';

/**
 * The apply seam over the real clients: each acting identity uses its own account's clients, and
 * impersonation is the actor's client with `CallerObjectId`. Reads go through whichever account is
 * signed in first (they see the same rows).
 */

export interface AccountClients {
  admin: AdminClient;
  dataverse(instanceUrl: string): DataverseClient;
}

const FLOW_STATES = { on: { statecode: 1, statuscode: 2 }, off: { statecode: 0, statuscode: 1 } } as const;

const etagOf = (row: Record<string, unknown>): string => (typeof row['@odata.etag'] === 'string' ? row['@odata.etag'] : '*');

function stateOf(statecode: unknown): 'on' | 'off' | 'suspended' {
  return statecode === 1 ? 'on' : statecode === 2 ? 'suspended' : 'off';
}

const referenceState = (row: Record<string, unknown>): ReferenceState => ({
  connectionId: typeof row['connectionid'] === 'string' && row['connectionid'] ? row['connectionid'] : null,
  etag: etagOf(row),
});

const flowState = (row: Record<string, unknown>): FlowStateRead => ({ state: stateOf(row['statecode']), etag: etagOf(row) });

export function liveOperations(accounts: Partial<Record<IdentityRole, AccountClients>>, environments: readonly Environment[]): OperationsFor {
  const reader = accounts.me ?? accounts.spn;
  if (!reader) throw new Error('No signed-in account to act with.');
  const byId = new Map(environments.map((e) => [e.id.toLowerCase(), e]));

  return (environmentId): EnvironmentOperations => {
    const env = byId.get(environmentId.toLowerCase());
    if (!env?.instanceUrl) throw new Error(`Environment ${environmentId} has no Dataverse instance to act on.`);
    const url = env.instanceUrl;
    const accountOf = (identity: ActingIdentity): AccountClients => {
      const account = accounts[identity.role];
      if (!account) throw new Error(`No ${identity.role === 'spn' ? 'service principal' : 'signed-in'} account is configured to act as.`);
      return account;
    };
    const impersonation = (identity: ActingIdentity) => (identity.mode === 'impersonate' ? { impersonate: { callerObjectId: identity.targetObjectId } } : {});
    const readRow = async (set: string, key: string, id: string, select: string[], signal?: AbortSignal) => {
      const rows = await reader
        .dataverse(url)
        .query(set, { select, filter: `${key} eq ${id}`, ...(signal ? { signal } : {}) })
        .all();
      return rows[0] as Record<string, unknown> | undefined;
    };

    return {
      readMany: async ({ referenceIds, flowIds }, signal) => {
        const dv = reader.dataverse(url);
        const common = signal ? { signal } : {};
        const [refs, flows] = await Promise.all([
          referenceIds.length === 0 ? [] : queryByIds(dv, { set: 'connectionreferences', property: 'connectionreferenceid', ids: referenceIds, select: ['connectionreferenceid', 'connectionid'], what: 'connection reference id', ...common }),
          flowIds.length === 0 ? [] : queryByIds(dv, { set: 'workflows', property: 'workflowid', ids: flowIds, select: ['workflowid', 'statecode'], what: 'flow id', ...common }),
        ]);
        return {
          references: new Map(refs.map((row) => [String(row['connectionreferenceid']).toLowerCase(), referenceState(row)])),
          flows: new Map(flows.map((row) => [String(row['workflowid']).toLowerCase(), flowState(row)])),
        };
      },
      readReference: async (referenceId, signal) => {
        const row = await readRow('connectionreferences', 'connectionreferenceid', referenceId, ['connectionreferenceid', 'connectionid'], signal);
        return row ? referenceState(row) : null;
      },
      readFlow: async (flowId, signal) => {
        const row = await readRow('workflows', 'workflowid', flowId, ['workflowid', 'statecode'], signal);
        return row ? flowState(row) : null;
      },
      hasAccess: async (connectionName, connector, principalObjectId, signal) => {
        const id = principalObjectId.toLowerCase();
        const connection = await reader.admin.getConnection(env.id, connector, connectionName, signal ? { signal } : {});
        if (connection?.owner.objectId.toLowerCase() === id) return true;
        const shares = await reader.admin.listPermissions(env.id, connector, connectionName, signal ? { signal } : {});
        return shares.some((s) => s.principal.objectId.toLowerCase() === id || s.principal.type === 'Tenant');
      },
      wire: (referenceId, connectionId, identity, options) =>
        accountOf(identity)
          .dataverse(url)
          .update('connectionreferences', referenceId, { connectionid: connectionId }, { ifMatch: options.ifMatch, ...impersonation(identity), ...(options.signal ? { signal: options.signal } : {}) }),
      setFlowState: (flowId, on, identity, options) =>
        accountOf(identity)
          .dataverse(url)
          .update('workflows', flowId, { ...FLOW_STATES[on ? 'on' : 'off'] }, { ifMatch: options.ifMatch, ...impersonation(identity), ...(options.signal ? { signal: options.signal } : {}) }),
      readVariable: async (definitionId, signal) => {
        const definition = await readRow('environmentvariabledefinitions', 'environmentvariabledefinitionid', definitionId, ['environmentvariabledefinitionid'], signal);
        if (!definition) return null;
        const value = await readRow('environmentvariablevalues', '_environmentvariabledefinitionid_value', definitionId, ['environmentvariablevalueid', 'value'], signal);
        return value ? { value: typeof value['value'] === 'string' ? value['value'] : null, etag: etagOf(value) } : { value: null, etag: '*' };
      },
      setVariable: async (definitionId, schemaName, value, identity, options) => {
        const dv = accountOf(identity).dataverse(url);
        const existing = await readRow('environmentvariablevalues', '_environmentvariabledefinitionid_value', definitionId, ['environmentvariablevalueid'], options.signal);
        const common = { ...impersonation(identity), ...(options.signal ? { signal: options.signal } : {}) };
        if (existing && value === null) return dv.remove('environmentvariablevalues', String(existing['environmentvariablevalueid']), { ifMatch: options.ifMatch, ...common });
        if (existing) return dv.update('environmentvariablevalues', String(existing['environmentvariablevalueid']), { value }, { ifMatch: options.ifMatch, ...common });
        if (value === null) return;
        await dv.create('environmentvariablevalues', { schemaname: schemaName, value, 'EnvironmentVariableDefinitionId@odata.bind': `/environmentvariabledefinitions(${definitionId})` }, common);
      },
      share: (connectionName, connector, principalObjectId, role, identity, signal) =>
        accountOf(identity).admin.share(env.id, connector, connectionName, { objectId: principalObjectId }, role, signal ? { signal } : {}),
      unshare: async (connectionName, connector, principalObjectId, identity, signal) => {
        const admin = accountOf(identity).admin;
        const shares = await admin.listPermissions(env.id, connector, connectionName, signal ? { signal } : {});
        const share = shares.find((s) => s.principal.objectId.toLowerCase() === principalObjectId.toLowerCase() && s.role !== 'Owner');
        if (share) await admin.unshare(env.id, connector, connectionName, share.id, signal ? { signal } : {});
      },
    };
  };
}
