import { describe, expect, it } from 'vitest';
import { definitionSummary, triggerSchema } from './summary';

describe('definitionSummary', () => {
  it('lists triggers and every action, nested ones included, with kind and swaggerOperationId', () => {
    const definition = {
      triggers: { manual: { type: 'Request', kind: 'Button', inputs: { schema: { type: 'object', properties: {} } } } },
      actions: {
        Condition: {
          type: 'If',
          actions: { Send: { type: 'OpenApiConnection', inputs: { host: { operationId: 'SendEmailV2' } } } },
          else: { actions: { Child: { type: 'Workflow', inputs: { host: { workflowReferenceName: 'x' } } } } },
        },
        Switch: { type: 'Switch', cases: { a: { actions: { Compose: { type: 'Compose' } } } }, default: { actions: { Wait: { type: 'Wait' } } } },
        Loop: { type: 'Foreach', actions: { Respond: { type: 'Response', kind: 'PowerApp' } } },
      },
    };
    expect(definitionSummary(definition)).toEqual({
      triggers: [{ type: 'Request', kind: 'Button' }],
      actions: [
        { type: 'If' },
        { type: 'OpenApiConnection', swaggerOperationId: 'SendEmailV2' },
        { type: 'Workflow' },
        { type: 'Switch' },
        { type: 'Wait' },
        { type: 'Compose' },
        { type: 'Foreach' },
        { type: 'Response', kind: 'PowerApp' },
      ],
    });
    expect(triggerSchema(definition)).toEqual({ type: 'object', properties: {} });
  });

  it('tolerates a missing or odd definition', () => {
    expect(definitionSummary(undefined)).toEqual({ triggers: [], actions: [] });
    expect(definitionSummary({ triggers: [], actions: 'x' })).toEqual({ triggers: [], actions: [] });
    expect(triggerSchema({ triggers: { Recurrence: { type: 'Recurrence' } } })).toBeUndefined();
  });
});
