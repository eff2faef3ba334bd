import { z } from 'zod';
import type { FlowState } from '../../../shared/domain/types';
import { parseShape } from '../dataverse/response-shape';

/**
 * Flow API flow objects (platform-apis.md §3.2) and the join to Dataverse. The Flow API's `name` is
 * usually the Dataverse `workflowid`, but not always (a flow may be listed under another id while
 * `properties.workflowEntityId` keeps the `workflowid`, §3.5), so the join key is `workflowEntityId`.
 */

export const FLOW_API_VERSION = '2016-11-01';

export interface FlowApiFlow {
  /** The Flow API's name for the flow: what start/stop address. */
  name: string;
  /** Dataverse `workflowid` (lower case), from `properties.workflowEntityId`; null when absent. */
  workflowId: string | null;
  displayName: string;
  state: FlowState;
  environmentId: string;
  /** `flowSuspensionReason` when not `None`. */
  suspensionReason: string | null;
  /** Stored in Dataverse as a solution-aware flow (`sharingType: CommonDataService`). */
  solutionAware: boolean;
}

const flowSchema = z.looseObject({
  name: z.string().min(1),
  properties: z.looseObject({
    displayName: z.string().nullish(),
    state: z.string().nullish(),
    workflowEntityId: z.string().nullish(),
    flowSuspensionReason: z.string().nullish(),
    sharingType: z.string().nullish(),
    environment: z.looseObject({ name: z.string() }).nullish(),
  }),
});

export function flowApiState(state: string | null | undefined): FlowState {
  const s = (state ?? '').toLowerCase();
  return s === 'started' ? 'on' : s === 'suspended' ? 'suspended' : 'off';
}

export function mapFlow(raw: unknown, environmentId: string): FlowApiFlow {
  const f = parseShape(flowSchema, raw, { source: 'Flow', entity: 'flow', idField: 'name' });
  const p = f.properties;
  const reason = p.flowSuspensionReason ?? null;
  return {
    name: f.name,
    workflowId: p.workflowEntityId ? p.workflowEntityId.replace(/^\{|\}$/g, '').toLowerCase() : null,
    displayName: p.displayName ?? f.name,
    state: flowApiState(p.state),
    environmentId: p.environment?.name ?? environmentId,
    suspensionReason: reason === null || reason.toLowerCase() === 'none' ? null : reason,
    solutionAware: (p.sharingType ?? '').toLowerCase() === 'commondataservice',
  };
}

/** Flow API flows by Dataverse `workflowid` (the first listing wins when the platform lists a flow twice). */
export function indexByWorkflowId(flows: readonly FlowApiFlow[]): Map<string, FlowApiFlow> {
  const index = new Map<string, FlowApiFlow>();
  for (const f of flows) if (f.workflowId !== null && !index.has(f.workflowId)) index.set(f.workflowId, f);
  return index;
}

export interface FlowJoin {
  /** workflowid → the Flow API's flow. */
  matched: Map<string, FlowApiFlow>;
  /** workflowids the Flow API did not list. */
  missing: string[];
}

/** Joins Dataverse cloud flows (by workflowid) to the Flow API's listing. */
export function joinFlows(workflowIds: readonly string[], flows: readonly FlowApiFlow[]): FlowJoin {
  const index = indexByWorkflowId(flows);
  const matched = new Map<string, FlowApiFlow>();
  const missing: string[] = [];
  for (const raw of workflowIds) {
    const id = raw.toLowerCase();
    const found = index.get(id);
    if (found) matched.set(id, found);
    else missing.push(id);
  }
  return { matched, missing };
}
