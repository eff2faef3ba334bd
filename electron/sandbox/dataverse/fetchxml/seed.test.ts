/** The FetchXML queries of the "Connection References with ALM" post must run as written there. */
import { describe, expect, it } from 'vitest';
import { CRS, FLOWS, SERVICE_ROOT, almTables, run } from './testkit';

const connectedReferences = (solution: string): string => `<fetch>
  <entity name='connectionreference' >
    <attribute name="connectionreferenceid" />
    <attribute name="connectionid" />
    <filter><condition attribute='connectionid' operator='not-null' /></filter>
    <link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid' >
      <link-entity name='solution' from='solutionid' to='solutionid' >
        <filter><condition attribute='uniquename' operator='eq' value='${solution}' /></filter>
      </link-entity>
    </link-entity>
  </entity>
</fetch>`;

/** As printed in the post: conditions straight under entity/link-entity, no filter element. */
const flowsTurnedOff = (solution: string): string => `<fetch>
    <entity name='workflow'>
    <attribute name='category' />
    <attribute name='name' />
    <attribute name='statecode' />
        <condition attribute='category' operator='eq' value='5' />
        <condition attribute='statecode' operator='eq' value='0' />
    <link-entity name='solutioncomponent' from='objectid' to='workflowid'>
        <link-entity name='solution' from='solutionid' to='solutionid'>
            <condition attribute='uniquename' operator='eq' value='${solution}' />
        </link-entity>
    </link-entity>
    </entity>
</fetch>`;

const unboundReferences = `<fetch>
  <entity name="connectionreference" >
    <attribute name="connectorid" />
    <attribute name="connectionreferenceid" />
    <attribute name="statecode" />
    <attribute name="connectionid" />
    <filter><condition attribute="connectionid" operator="null" /></filter>
  </entity>
</fetch>`;

describe('seed post queries', () => {
  it('finds the wired connection references of the solution (a reference in two solutions appears once)', () => {
    expect(run('connectionreference', connectedReferences('ContosoOperations'))).toEqual({
      '@odata.context': `${SERVICE_ROOT}/$metadata#connectionreferences(connectionreferenceid,connectionid)`,
      value: [
        { '@odata.etag': 'W/"1001"', connectionreferenceid: CRS.wired, connectionid: 'conn-1' },
        { '@odata.etag': 'W/"1004"', connectionreferenceid: CRS.bothSolutions, connectionid: 'conn-4' },
      ],
    });
  });

  it('leaves out unwired references, including an empty connectionid', () => {
    const body = run('connectionreference', connectedReferences('ContosoOperations'));
    expect(body.value.map((row) => row.connectionreferenceid)).not.toContain(CRS.unwired);
    expect(body.value.map((row) => row.connectionreferenceid)).not.toContain(CRS.emptyConnection);
  });

  it('matches the solution unique name case-insensitively and finds nothing for an unknown solution', () => {
    expect(run('connectionreference', connectedReferences('contosooperations')).value).toHaveLength(2);
    expect(run('connectionreference', connectedReferences('OtherSolution')).value.map((r) => r.connectionreferenceid)).toEqual([
      CRS.otherSolution,
      CRS.bothSolutions,
    ]);
    expect(run('connectionreference', connectedReferences('Nope')).value).toEqual([]);
  });

  it('finds the cloud flows that are off in the solution, leaving out classic workflows and flows that are on', () => {
    expect(run('workflow', flowsTurnedOff('ContosoOperations'))).toEqual({
      '@odata.context': `${SERVICE_ROOT}/$metadata#workflows(category,name,statecode,workflowid)`,
      value: [{ '@odata.etag': 'W/"2001"', category: 5, name: 'Send weekly report', statecode: 0, workflowid: FLOWS.off }],
    });
  });

  it('returns formatted values for the flow query when annotations are asked for', () => {
    const body = run('workflow', flowsTurnedOff('ContosoOperations'), { annotations: ['OData.Community.Display.V1.FormattedValue'] });
    expect(body.value).toEqual([
      {
        '@odata.etag': 'W/"2001"',
        'category@OData.Community.Display.V1.FormattedValue': 'Modern Flow',
        category: 5,
        name: 'Send weekly report',
        'statecode@OData.Community.Display.V1.FormattedValue': 'Draft',
        statecode: 0,
        workflowid: FLOWS.off,
      },
    ]);
  });

  it('runs the same flow query written with filter elements', () => {
    const withFilters = flowsTurnedOff('ContosoOperations')
      .replace("<condition attribute='category'", "<filter type='and'><condition attribute='category'")
      .replace("value='0' />", "value='0' /></filter>")
      .replace(/(<condition attribute='uniquename'[^>]*\/>)/, '<filter>$1</filter>');
    expect(withFilters).toContain('<filter>');
    expect(run('workflow', withFilters).value.map((r) => r.workflowid)).toEqual([FLOWS.off]);
  });

  it('finds unbound connection references (connectionid null or empty)', () => {
    const body = run('connectionreference', unboundReferences);
    expect(body['@odata.context']).toBe(
      `${SERVICE_ROOT}/$metadata#connectionreferences(connectorid,connectionreferenceid,statecode,connectionid)`,
    );
    expect(body.value).toEqual([
      {
        '@odata.etag': 'W/"1002"',
        connectorid: '/providers/Microsoft.PowerApps/apis/shared_office365',
        connectionreferenceid: CRS.unwired,
        statecode: 0,
      },
      {
        '@odata.etag': 'W/"1006"',
        connectorid: '/providers/Microsoft.PowerApps/apis/shared_office365',
        connectionreferenceid: CRS.emptyConnection,
        statecode: 0,
      },
    ]);
  });

  it('sees rows as the caller holds them now (binding a reference moves it between the queries)', () => {
    const tables = almTables();
    const unwired = tables.connectionreference?.find((row) => row.connectionreferenceid === CRS.unwired);
    if (unwired) unwired.connectionid = 'conn-2';
    expect(run('connectionreference', connectedReferences('ContosoOperations'), { tables }).value.map((r) => r.connectionreferenceid)).toEqual([
      CRS.wired,
      CRS.unwired,
      CRS.bothSolutions,
    ]);
  });
});
