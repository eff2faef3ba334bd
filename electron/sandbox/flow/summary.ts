/**
 * `properties.definitionSummary` of a flow (reference §3.2; shape from cli-m365's flow-list spec and
 * flow-get mock): one entry per trigger and per action, nested actions included (scopes, conditions,
 * switches, loops), each with its `type`, `kind` when it has one, and `swaggerOperationId` for
 * connector operations. Also the manual trigger's `triggerSchema`.
 */

type Json = Record<string, unknown>;

export interface SummaryEntry {
  type: string;
  kind?: string;
  swaggerOperationId?: string;
}

export interface DefinitionSummary {
  triggers: SummaryEntry[];
  actions: SummaryEntry[];
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function entryOf(step: Json): SummaryEntry {
  const entry: SummaryEntry = { type: typeof step['type'] === 'string' ? step['type'] : 'Unknown' };
  if (typeof step['kind'] === 'string') entry.kind = step['kind'];
  const inputs = isObject(step['inputs']) ? step['inputs'] : {};
  const host = isObject(inputs['host']) ? inputs['host'] : {};
  if (typeof host['operationId'] === 'string') entry.swaggerOperationId = host['operationId'];
  return entry;
}

function collect(actions: unknown, into: SummaryEntry[]): void {
  if (!isObject(actions)) return;
  for (const action of Object.values(actions)) {
    if (!isObject(action)) continue;
    into.push(entryOf(action));
    collect(action['actions'], into);
    if (isObject(action['else'])) collect(action['else']['actions'], into);
    if (isObject(action['default'])) collect(action['default']['actions'], into);
    if (isObject(action['cases'])) for (const c of Object.values(action['cases'])) if (isObject(c)) collect(c['actions'], into);
  }
}

export function definitionSummary(definition: unknown): DefinitionSummary {
  const triggers: SummaryEntry[] = [];
  const actions: SummaryEntry[] = [];
  if (isObject(definition)) {
    if (isObject(definition['triggers'])) for (const t of Object.values(definition['triggers'])) if (isObject(t)) triggers.push(entryOf(t));
    collect(definition['actions'], actions);
  }
  return { triggers, actions };
}

/** The request schema of a manual (Request) trigger, which the Flow API repeats as `triggerSchema`. */
export function triggerSchema(definition: unknown): Json | undefined {
  if (!isObject(definition) || !isObject(definition['triggers'])) return undefined;
  for (const t of Object.values(definition['triggers'])) {
    if (!isObject(t) || t['type'] !== 'Request') continue;
    const inputs = isObject(t['inputs']) ? t['inputs'] : {};
    if (isObject(inputs['schema'])) return inputs['schema'];
  }
  return undefined;
}
