import { z } from 'zod';
import type { CloudFlow, FlowState } from '../../../../shared/domain/types';
import { parseClientData } from '../../../../shared/flows/clientdata';
import type { DataverseClient } from '../client';
import { WORKFLOW_COMPONENT } from './components';
import { etagField, guidField, optionalString, rowParser, type SolutionScope } from './rows';
import { inSolution } from './solution-link';

/**
 * A solution's cloud flows (workflow rows with category 5, reference §3.2) with their `clientdata`
 * read by the shared parser into the references they use and the child flows they call. One paged
 * FetchXML query joined to the solution's workflow components: no per-flow requests.
 */

export const MODERN_FLOW_CATEGORY = 5;

const COLUMNS = ['workflowid', 'name', 'category', 'statecode', 'statuscode', 'ismanaged', 'ownerid', 'clientdata', 'modifiedon'] as const;

export function flowState(statecode: number): FlowState {
  return statecode === 1 ? 'on' : statecode === 2 ? 'suspended' : 'off';
}

const flowRow = z
  .looseObject({
    '@odata.etag': etagField,
    workflowid: guidField,
    name: z.string(),
    category: z.literal(MODERN_FLOW_CATEGORY),
    statecode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    ismanaged: z.boolean(),
    _ownerid_value: guidField,
    clientdata: optionalString,
    modifiedon: z.string().min(1),
  })
  .transform((r): CloudFlow => {
    const parsed = parseClientData(r.clientdata);
    return {
      id: r.workflowid.toLowerCase(),
      name: r.name,
      state: flowState(r.statecode),
      ownerId: r._ownerid_value.toLowerCase(),
      managed: r.ismanaged,
      etag: r['@odata.etag'],
      references: parsed.ok
        ? parsed.value.references.map((ref) => ({ key: ref.key, logicalName: ref.logicalName, connector: ref.apiName, runtimeSource: ref.runtimeSource }))
        : [],
      childFlowIds: parsed.ok ? parsed.value.childFlowIds : [],
      definitionError: parsed.ok ? null : parsed.error,
      modifiedOn: r.modifiedon,
    };
  });

export const parseCloudFlowRow = rowParser('workflow', flowRow, 'workflowid');

export async function readCloudFlows(dv: DataverseClient, scope: SolutionScope): Promise<CloudFlow[]> {
  return dv
    .fetchXml(
      'workflows',
      {
        entity: {
          name: 'workflow',
          attributes: COLUMNS,
          filter: { conditions: [{ attribute: 'category', operator: 'eq', value: MODERN_FLOW_CATEGORY }] },
          orders: [{ attribute: 'workflowid' }],
          links: [inSolution(scope.solutionId, WORKFLOW_COMPONENT, 'workflowid')],
        },
      },
      { ...(scope.pageSize !== undefined ? { pageSize: scope.pageSize } : {}), ...(scope.signal ? { signal: scope.signal } : {}) },
      parseCloudFlowRow,
    )
    .all();
}
