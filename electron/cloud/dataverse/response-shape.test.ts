import { describe, expect, it } from 'vitest';
import { ResponseShapeError } from './errors';
import { parseCloudFlowRow } from './readers/cloud-flows';
import { parseConnectionReferenceRow } from './readers/connection-references';

const flow = {
  '@odata.etag': 'W/"1234"',
  workflowid: '6f1c0c39-2a39-4c57-9a52-8a1b8f3f0c11',
  name: 'Order intake',
  category: 5,
  statecode: 2,
  ismanaged: true,
  _ownerid_value: '0a1c0c39-2a39-4c57-9a52-8a1b8f3f0c11',
  clientdata: '{"properties":{"connectionReferences":{},"definition":{"actions":{"Call":{"type":"Workflow","inputs":{"host":{"workflowReferenceName":"AAAAAAAA-2A39-4C57-9A52-8A1B8F3F0C11"}}}}}}}',
  modifiedon: '2026-09-01T10:00:00Z',
};

describe('row mapping and shape errors', () => {
  it('maps a workflow row into a CloudFlow', () => {
    expect(parseCloudFlowRow(flow)).toMatchObject({ state: 'suspended', childFlowIds: ['aaaaaaaa-2a39-4c57-9a52-8a1b8f3f0c11'], definitionError: null, etag: 'W/"1234"' });
    expect(parseCloudFlowRow({ ...flow, clientdata: 'not json' })).toMatchObject({ references: [], definitionError: 'The flow clientdata is not valid JSON.' });
  });

  it('names the entity, the field and the row when a row is not as expected', () => {
    let error: unknown;
    try {
      parseCloudFlowRow({ ...flow, statecode: 'on' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error).toMatchObject({ entity: 'workflow', field: 'statecode', rowId: flow.workflowid, source: 'Dataverse' });
    expect((error as Error).message).toMatch(/Dataverse returned a workflow \(row 6f1c0c39-.*\) whose field 'statecode' is not as expected/);
    expect(() => parseConnectionReferenceRow({ connectionreferenceid: 'x' })).toThrow(/connectionreference.*field '@odata.etag'/);
  });

  it('treats an empty connectionid as unwired', () => {
    const row = {
      '@odata.etag': 'W/"1"',
      connectionreferenceid: '6f1c0c39-2a39-4c57-9a52-8a1b8f3f0c11',
      connectionreferencelogicalname: 'x_shared_sql',
      connectorid: '/providers/Microsoft.PowerApps/apis/shared_sql',
      connectionid: '',
      ismanaged: false,
    };
    expect(parseConnectionReferenceRow(row)).toMatchObject({ connectionId: null, connector: 'shared_sql', displayName: 'x_shared_sql' });
  });
});
