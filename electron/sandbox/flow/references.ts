import type { FlowReference } from '../../../shared/flows/clientdata';
import type { Row, SandboxEnvironment } from '../model';
import type { SandboxStore } from '../store';
import { connectorId, connectorInfo } from './connectors';

/**
 * A flow's connections as the Flow API reports them (reference §3.2): one entry per reference key in
 * `clientdata`, resolved through the environment's connection reference (its `connectionid`) to the
 * connection. `connectionReferences` lists every key; `installedConnectionReferences` only those whose
 * connection exists here, with the connector's `apiDefinition`. Shape from cli-m365's flow-list docs
 * and flow-get mock; `connectionReferenceLogicalName` on solution references is the sandbox's choice
 * (the logical name is what binds them), and an unwired reference has no `connectionName`.
 */

export interface ConnectionReferenceEntry {
  connectionName?: string;
  source: 'Embedded' | 'Invoker';
  id: string;
  displayName: string;
  iconUri: string;
  brandColor: string;
  tier: string;
  connectionReferenceLogicalName?: string;
}

export interface InstalledConnectionReferenceEntry extends ConnectionReferenceEntry {
  apiDefinition: {
    name: string;
    id: string;
    type: '/providers/Microsoft.PowerApps/apis';
    properties: { displayName: string; iconUri: string; tier: string; isCustomApi: boolean; metadata: { brandColor: string } };
  };
}

export interface FlowConnections {
  connectionReferences: Record<string, ConnectionReferenceEntry>;
  installedConnectionReferences: Record<string, InstalledConnectionReferenceEntry>;
}

function referenceRow(store: SandboxStore, env: SandboxEnvironment, logicalName: string): Row | undefined {
  const wanted = logicalName.toLowerCase();
  return store.rows(env, 'connectionreference').find((r) => String(r['connectionreferencelogicalname']).toLowerCase() === wanted);
}

export function flowConnections(store: SandboxStore, env: SandboxEnvironment, references: readonly FlowReference[]): FlowConnections {
  const out: FlowConnections = { connectionReferences: {}, installedConnectionReferences: {} };
  for (const ref of references) {
    const info = connectorInfo(ref.apiName);
    const row = ref.logicalName ? referenceRow(store, env, ref.logicalName) : undefined;
    const wired = row?.['connectionid'];
    const connectionName = typeof wired === 'string' && wired !== '' ? wired : undefined;
    const entry: ConnectionReferenceEntry = {
      ...(connectionName ? { connectionName } : {}),
      source: ref.runtimeSource === 'invoker' ? 'Invoker' : 'Embedded',
      id: connectorId(ref.apiName),
      displayName: info.displayName,
      iconUri: info.iconUri,
      brandColor: info.brandColor,
      tier: info.tier,
      ...(ref.logicalName ? { connectionReferenceLogicalName: ref.logicalName } : {}),
    };
    out.connectionReferences[ref.key] = entry;
    if (connectionName && store.connection(env.id, connectionName)) {
      out.installedConnectionReferences[ref.key] = {
        ...entry,
        apiDefinition: {
          name: ref.apiName,
          id: connectorId(ref.apiName),
          type: '/providers/Microsoft.PowerApps/apis',
          properties: { displayName: info.displayName, iconUri: info.iconUri, tier: info.tier, isCustomApi: info.isCustomApi, metadata: { brandColor: info.brandColor } },
        },
      };
    }
  }
  return out;
}
