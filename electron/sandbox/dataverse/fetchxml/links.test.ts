/** link-entity: join semantics, nesting, aliases and the columns they return. */
import { describe, expect, it } from 'vitest';
import { CRS, FLOWS, SERVICE_ROOT, SOLUTIONS, USERS, guid, ids, run } from './testkit';

const crFetch = (links: string, extra = '', fetchAttrs = ''): string =>
  `<fetch${fetchAttrs}><entity name='connectionreference'><attribute name='connectionreferencelogicalname'/>${extra}${links}</entity></fetch>`;

describe('link-entity aliases and columns', () => {
  it('names columns <alias>.<attribute>, generating solutioncomponent1 (one-to-many) and solution (many-to-one)', () => {
    const fetch = crFetch(
      `<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid'><attribute name='componenttype'/>
         <link-entity name='solution' from='solutionid' to='solutionid'><attribute name='uniquename'/></link-entity>
       </link-entity>`,
      `<filter><condition attribute='connectionreferenceid' operator='eq' value='{00000000-0000-0000-0000-0000000000C1}'/></filter>`,
    );
    expect(run('connectionreference', fetch)).toEqual({
      '@odata.context': `${SERVICE_ROOT}/$metadata#connectionreferences(connectionreferencelogicalname,connectionreferenceid)`,
      value: [
        {
          '@odata.etag': 'W/"1001"',
          connectionreferencelogicalname: 'cr_sharedoffice365_wired',
          connectionreferenceid: CRS.wired,
          'solutioncomponent1.componenttype': 10027,
          'solution.uniquename': 'ContosoOperations',
        },
      ],
    });
  });

  it('numbers generated one-to-many aliases per table and skips aliases already taken', () => {
    const fetch = `<fetch><entity name='solution'><attribute name='uniquename'/>
      <filter><condition attribute='uniquename' operator='eq' value='ContosoOperations'/></filter>
      <link-entity name='solutioncomponent' from='solutionid' to='solutionid' link-type='outer'><attribute name='componenttype'/>
        <filter><condition attribute='objectid' operator='eq' value='${CRS.wired}'/></filter></link-entity>
      <link-entity name='solutioncomponent' from='solutionid' to='solutionid' link-type='outer'><attribute name='componenttype'/>
        <filter><condition attribute='objectid' operator='eq' value='${FLOWS.off}'/></filter></link-entity>
      <link-entity name='solutioncomponent' from='solutionid' to='solutionid' link-type='outer' alias='solutioncomponent1'><attribute name='componenttype'/>
        <filter><condition attribute='objectid' operator='eq' value='${FLOWS.on}'/></filter></link-entity>
    </entity></fetch>`;
    expect(run('solution', fetch).value).toEqual([
      {
        '@odata.etag': 'W/"10"',
        uniquename: 'ContosoOperations',
        solutionid: SOLUTIONS.contoso,
        'solutioncomponent2.componenttype': 10027,
        'solutioncomponent3.componenttype': 29,
        'solutioncomponent1.componenttype': 29,
      },
    ]);
  });

  it('uses explicit link aliases and attribute aliases (an aliased column is named by its alias alone)', () => {
    const fetch = crFetch(
      `<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid' alias='sc'>
         <link-entity name='solution' from='solutionid' to='solutionid' alias='sol'><attribute name='uniquename' alias='solutionname'/><attribute name='ismanaged'/></link-entity>
       </link-entity>`,
      `<attribute name='connectionid' alias='boundto'/><filter><condition attribute='connectionreferenceid' operator='eq' value='${CRS.wired}'/></filter>`,
    );
    const body = run('connectionreference', fetch);
    expect(body['@odata.context']).toBe(`${SERVICE_ROOT}/$metadata#connectionreferences(connectionreferencelogicalname,boundto,connectionreferenceid)`);
    expect(body.value).toEqual([
      {
        '@odata.etag': 'W/"1001"',
        connectionreferencelogicalname: 'cr_sharedoffice365_wired',
        boundto: 'conn-1',
        connectionreferenceid: CRS.wired,
        solutionname: 'ContosoOperations',
        'sol.ismanaged': true,
      },
    ]);
  });

  it('returns every column of a link with all-attributes, leaving out nulls', () => {
    const fetch = crFetch(
      `<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid' alias='sc'>
         <link-entity name='solution' from='solutionid' to='solutionid' alias='sol'><all-attributes/></link-entity>
       </link-entity>`,
      `<filter><condition attribute='connectionreferenceid' operator='eq' value='${CRS.wired}'/></filter>`,
    );
    expect(run('connectionreference', fetch).value).toEqual([
      {
        '@odata.etag': 'W/"1001"',
        connectionreferencelogicalname: 'cr_sharedoffice365_wired',
        connectionreferenceid: CRS.wired,
        'sol.solutionid': SOLUTIONS.contoso,
        'sol.uniquename': 'ContosoOperations',
        'sol.friendlyname': 'Contoso Operations',
        'sol.ismanaged': true,
        'sol.versionnumber': 10,
      },
    ]);
  });

  it('returns a linked lookup by logical name with its formatted value and target table', () => {
    const fetch = crFetch(
      `<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid' alias='sc'><attribute name='solutionid'/><attribute name='componenttype'/></link-entity>`,
      `<filter><condition attribute='connectionreferenceid' operator='eq' value='${CRS.wired}'/></filter>`,
    );
    expect(run('connectionreference', fetch, { annotations: true }).value).toEqual([
      {
        '@odata.etag': 'W/"1001"',
        connectionreferencelogicalname: 'cr_sharedoffice365_wired',
        connectionreferenceid: CRS.wired,
        'sc.solutionid@OData.Community.Display.V1.FormattedValue': 'Contoso Operations',
        'sc.solutionid@Microsoft.Dynamics.CRM.lookuplogicalname': 'solution',
        'sc.solutionid': SOLUTIONS.contoso,
        'sc.componenttype': 10027,
      },
    ]);
  });

  it('joins many-to-one through a lookup (workflow owner → systemuser)', () => {
    const fetch = `<fetch><entity name='workflow'><attribute name='name'/>
      <filter><condition attribute='category' operator='eq' value='5'/><condition attribute='statecode' operator='eq' value='0'/></filter>
      <link-entity name='systemuser' from='systemuserid' to='ownerid'><attribute name='fullname'/></link-entity>
    </entity></fetch>`;
    expect(run('workflow', fetch).value).toEqual([
      { '@odata.etag': 'W/"2001"', name: 'Send weekly report', workflowid: FLOWS.off, 'systemuser.fullname': 'Ada Admin' },
      { '@odata.etag': 'W/"2004"', name: 'Other flow', workflowid: FLOWS.otherSolution, 'systemuser.fullname': 'Bob Builder' },
      { '@odata.etag': 'W/"2005"', name: 'Loose flow', workflowid: FLOWS.noSolution, 'systemuser.fullname': 'Ada Admin' },
    ]);
  });
});

describe('inner and outer joins', () => {
  const componentLink = (type: string, inner = ''): string =>
    `<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid' link-type='${type}' alias='sc'><attribute name='solutionid'/>${inner}</link-entity>`;

  it('inner (the default) drops rows without a match and repeats rows with several', () => {
    const body = run('connectionreference', crFetch(componentLink('inner')));
    expect(ids(body, 'connectionreferenceid')).toEqual([CRS.wired, CRS.unwired, CRS.otherSolution, CRS.bothSolutions, CRS.bothSolutions, CRS.emptyConnection]);
    expect(ids(body, 'sc.solutionid')).toEqual([SOLUTIONS.contoso, SOLUTIONS.contoso, SOLUTIONS.other, SOLUTIONS.contoso, SOLUTIONS.other, SOLUTIONS.contoso]);
  });

  it('outer keeps rows without a match, with no linked columns', () => {
    const body = run('connectionreference', crFetch(componentLink('outer')));
    expect(ids(body, 'connectionreferenceid')).toEqual([
      CRS.wired,
      CRS.unwired,
      CRS.otherSolution,
      CRS.bothSolutions,
      CRS.bothSolutions,
      CRS.noSolution,
      CRS.emptyConnection,
    ]);
    expect(body.value[5]).toEqual({ '@odata.etag': 'W/"1005"', connectionreferencelogicalname: 'cr_nosolution', connectionreferenceid: CRS.noSolution });
  });

  it('an inner link nested under an outer one still removes rows (flat join order)', () => {
    const solution = `<link-entity name='solution' from='solutionid' to='solutionid' alias='sol'><attribute name='uniquename'/><filter><condition attribute='uniquename' operator='eq' value='ContosoOperations'/></filter></link-entity>`;
    const body = run('connectionreference', crFetch(componentLink('outer', solution)));
    expect(ids(body, 'connectionreferenceid')).toEqual([CRS.wired, CRS.unwired, CRS.bothSolutions, CRS.emptyConnection]);
    expect(ids(body, 'sol.uniquename')).toEqual(['ContosoOperations', 'ContosoOperations', 'ContosoOperations', 'ContosoOperations']);
  });

  it('an outer link nested under an outer one keeps everything, filling what matched', () => {
    const solution = `<link-entity name='solution' from='solutionid' to='solutionid' link-type='outer' alias='sol'><attribute name='uniquename'/><filter><condition attribute='uniquename' operator='eq' value='ContosoOperations'/></filter></link-entity>`;
    const body = run('connectionreference', crFetch(componentLink('outer', solution)));
    expect(ids(body, 'connectionreferenceid')).toEqual([
      CRS.wired,
      CRS.unwired,
      CRS.otherSolution,
      CRS.bothSolutions,
      CRS.bothSolutions,
      CRS.noSolution,
      CRS.emptyConnection,
    ]);
    expect(ids(body, 'sol.uniquename')).toEqual(['ContosoOperations', 'ContosoOperations', undefined, 'ContosoOperations', undefined, undefined, 'ContosoOperations']);
  });

  it("applies an outer link's filter to the join, not to the rows", () => {
    const body = run(
      'connectionreference',
      crFetch(`<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid' link-type='outer' alias='sc'><attribute name='componenttype'/><filter><condition attribute='componenttype' operator='eq' value='99'/></filter></link-entity>`),
    );
    expect(body.value).toHaveLength(6);
    expect(body.value.every((row) => !('sc.componenttype' in row))).toBe(true);
  });

  it('finds rows without a related row through an outer link and an entityname condition', () => {
    const fetch = crFetch(
      `<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid' link-type='outer' alias='sc'/>`,
      `<filter><condition entityname='sc' attribute='objectid' operator='null'/></filter>`,
    );
    expect(ids(run('connectionreference', fetch), 'connectionreferenceid')).toEqual([CRS.noSolution]);
  });

  it("distinct='true' collapses rows repeated by a join", () => {
    const link = `<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid'/>`;
    expect(ids(run('connectionreference', crFetch(link)), 'connectionreferenceid')).toHaveLength(6);
    expect(ids(run('connectionreference', crFetch(link, '', " distinct='true'")), 'connectionreferenceid')).toEqual([
      CRS.wired,
      CRS.unwired,
      CRS.otherSolution,
      CRS.bothSolutions,
      CRS.emptyConnection,
    ]);
  });

  it("link-type 'exists' keeps each row once when a related row matches", () => {
    const fetch = crFetch(
      `<link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid' link-type='exists'><filter><condition attribute='solutionid' operator='eq' value='${SOLUTIONS.contoso}'/></filter></link-entity>`,
    );
    expect(ids(run('connectionreference', fetch), 'connectionreferenceid')).toEqual([CRS.wired, CRS.unwired, CRS.bothSolutions, CRS.emptyConnection]);
  });

  it('joins through lookups whose stored GUID differs in case or braces', () => {
    const tables = {
      workflow: [{ workflowid: guid('f1'), name: 'Braced owner', ownerid: `{${USERS.bob.toUpperCase()}}` }],
      systemuser: [{ systemuserid: USERS.bob.toUpperCase(), fullname: 'Bob Builder' }],
    };
    const fetch = `<fetch><entity name='workflow'><attribute name='name'/><attribute name='ownerid'/><link-entity name='systemuser' from='systemuserid' to='ownerid' alias='owner'><attribute name='fullname'/></link-entity></entity></fetch>`;
    expect(run('workflow', fetch, { tables }).value).toEqual([
      { name: 'Braced owner', _ownerid_value: USERS.bob, workflowid: guid('f1'), 'owner.fullname': 'Bob Builder' },
    ]);
  });
});
