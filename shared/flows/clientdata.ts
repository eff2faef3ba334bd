/**
 * Reads a cloud flow's `clientdata` (the JSON string Dataverse stores on the workflow row): which
 * connection references it uses and which child flows it calls. Both the sandbox's activation rules
 * and the engine's scan read flows through this one parser, so they cannot disagree.
 */

export interface FlowReference {
  /** The key inside the flow (`shared_office365`, `shared_office365_1`). */
  key: string;
  /** `connection.connectionReferenceLogicalName`; null for legacy flows bound to a raw connection. */
  logicalName: string | null;
  /** Connector short name (`api.name`), e.g. shared_office365. */
  apiName: string;
  runtimeSource: 'embedded' | 'invoker';
}

export interface FlowClientData {
  references: FlowReference[];
  /** `workflowid`s of the child flows it calls (Workflow actions' `host.workflowReferenceName`). */
  childFlowIds: string[];
}

export type ClientDataResult = { ok: true; value: FlowClientData } | { ok: false; error: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Walks actions, including those nested in scopes, conditions (else), switches (cases, default), loops. */
function collectChildFlows(actions: unknown, into: Set<string>): void {
  if (!isObject(actions)) return;
  for (const action of Object.values(actions)) {
    if (!isObject(action)) continue;
    if (action['type'] === 'Workflow') {
      const host = isObject(action['inputs']) ? action['inputs']['host'] : undefined;
      const id = isObject(host) ? host['workflowReferenceName'] : undefined;
      if (typeof id === 'string' && id) into.add(id.toLowerCase());
    }
    collectChildFlows(action['actions'], into);
    if (isObject(action['else'])) collectChildFlows(action['else']['actions'], into);
    if (isObject(action['default'])) collectChildFlows(action['default']['actions'], into);
    if (isObject(action['cases'])) {
      for (const c of Object.values(action['cases'])) if (isObject(c)) collectChildFlows(c['actions'], into);
    }
  }
}

export function parseClientData(clientdata: string | null | undefined): ClientDataResult {
  if (!clientdata) return { ok: false, error: 'The flow has no clientdata.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(clientdata);
  } catch {
    return { ok: false, error: 'The flow clientdata is not valid JSON.' };
  }
  const properties = isObject(parsed) ? parsed['properties'] : undefined;
  if (!isObject(properties)) return { ok: false, error: 'The flow clientdata has no properties object.' };

  const references: FlowReference[] = [];
  const refs = properties['connectionReferences'];
  if (refs !== undefined && !isObject(refs)) return { ok: false, error: 'properties.connectionReferences is not an object.' };
  for (const [key, value] of Object.entries(refs ?? {})) {
    if (!isObject(value)) continue;
    const connection = isObject(value['connection']) ? value['connection'] : {};
    const api = isObject(value['api']) ? value['api'] : {};
    const logicalName = connection['connectionReferenceLogicalName'];
    const apiName = typeof api['name'] === 'string' ? api['name'] : key.replace(/_\d+$/, '');
    references.push({
      key,
      logicalName: typeof logicalName === 'string' && logicalName ? logicalName : null,
      apiName,
      runtimeSource: typeof value['runtimeSource'] === 'string' && value['runtimeSource'].toLowerCase() === 'invoker' ? 'invoker' : 'embedded',
    });
  }

  const childFlowIds = new Set<string>();
  const definition = properties['definition'];
  if (isObject(definition)) collectChildFlows(definition['actions'], childFlowIds);
  return { ok: true, value: { references, childFlowIds: [...childFlowIds] } };
}
