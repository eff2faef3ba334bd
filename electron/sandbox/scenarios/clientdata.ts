/**
 * Builds a cloud flow's `clientdata` the way the platform stores it (dataverse-web-api.md §3.2): a JSON
 * string with `properties.connectionReferences` and a Logic Apps `definition` whose actions reach
 * connectors through those references and call child flows by `workflowReferenceName`.
 */

export interface FlowReferenceUse {
  /** The key inside the flow, usually the connector name, suffixed `_1`, `_2` for a second reference. */
  key: string;
  apiName: string;
  logicalName: string;
  runtimeSource: 'embedded' | 'invoker';
}

export type FlowTrigger = 'child' | 'instant' | 'scheduled' | 'dataverse';

export interface FlowShape {
  trigger: FlowTrigger;
  references: readonly FlowReferenceUse[];
  childWorkflowIds: readonly string[];
}

/** A plausible operation per connector, so definitions read like real ones. */
const operations: Record<string, string> = {
  shared_office365: 'SendEmailV2',
  shared_sharepointonline: 'GetItems',
  shared_teams: 'PostMessageToConversation',
  shared_commondataserviceforapps: 'CreateRecord',
  shared_approvals: 'StartAndWaitForAnApproval',
  shared_sql: 'GetItems_V2',
};

function trigger(shape: FlowShape): Record<string, unknown> {
  switch (shape.trigger) {
    case 'child':
      return {
        manual: {
          type: 'Request',
          kind: 'Button',
          inputs: { schema: { type: 'object', properties: { text: { title: 'Input', type: 'string' } }, required: [] } },
        },
      };
    case 'instant':
      return { manual: { type: 'Request', kind: 'Button', inputs: { schema: { type: 'object', properties: {}, required: [] } } } };
    case 'scheduled':
      return { Recurrence: { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1, startTime: '2026-01-01T06:00:00Z' } } };
    case 'dataverse': {
      const dataverse = shape.references.find((r) => r.apiName === 'shared_commondataserviceforapps');
      return {
        When_a_row_is_added_modified_or_deleted: {
          type: 'OpenApiConnectionWebhook',
          inputs: {
            host: {
              apiId: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
              connectionName: dataverse?.key ?? 'shared_commondataserviceforapps',
              operationId: 'SubscribeWebhookTrigger',
            },
            parameters: { 'subscriptionRequest/message': 4, 'subscriptionRequest/entityname': 'account', 'subscriptionRequest/scope': 4 },
            authentication: "@parameters('$authentication')",
          },
        },
      };
    }
  }
}

export function buildClientData(shape: FlowShape): string {
  const connectionReferences: Record<string, unknown> = {};
  const actions: Record<string, unknown> = {};
  let previous: string | null = null;
  const chain = (name: string, action: Record<string, unknown>): void => {
    actions[name] = { ...action, runAfter: previous ? { [previous]: ['Succeeded'] } : {} };
    previous = name;
  };

  for (const ref of shape.references) {
    connectionReferences[ref.key] =
      ref.runtimeSource === 'embedded'
        ? { runtimeSource: 'embedded', connection: { connectionReferenceLogicalName: ref.logicalName }, api: { name: ref.apiName } }
        : { runtimeSource: 'invoker', connection: { connectionReferenceLogicalName: ref.logicalName }, api: { name: ref.apiName } };
    chain(`Use_${ref.key}`, {
      type: 'OpenApiConnection',
      inputs: {
        host: {
          apiId: `/providers/Microsoft.PowerApps/apis/${ref.apiName}`,
          connectionName: ref.key,
          operationId: operations[ref.apiName] ?? 'InvokeOperation',
        },
        parameters: {},
        authentication: "@parameters('$authentication')",
      },
    });
  }
  shape.childWorkflowIds.forEach((childId, i) => {
    chain(`Run_a_Child_Flow${i === 0 ? '' : `_${i + 1}`}`, {
      type: 'Workflow',
      inputs: { host: { workflowReferenceName: childId }, body: { text: '@{triggerOutputs()}' } },
    });
  });
  if (shape.trigger === 'child') {
    chain('Respond_to_a_PowerApp_or_flow', {
      type: 'Response',
      kind: 'PowerApp',
      inputs: { statusCode: 200, body: { result: 'ok' }, schema: { type: 'object', properties: { result: { type: 'string' } } } },
    });
  }

  return JSON.stringify({
    properties: {
      connectionReferences,
      definition: {
        $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
        contentVersion: '1.0.0.0',
        parameters: {
          $connections: { defaultValue: {}, type: 'Object' },
          $authentication: { defaultValue: {}, type: 'SecureObject' },
        },
        triggers: trigger(shape),
        actions,
      },
      templateName: '',
    },
    schemaVersion: '1.0.0.0',
  });
}
