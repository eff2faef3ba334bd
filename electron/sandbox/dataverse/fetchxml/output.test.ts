/** The Web API JSON shape: property names, lookups, annotations, ETags and @odata.context. */
import { describe, expect, it } from 'vitest';
import { CRS, FLOWS, SERVICE_ROOT, SOLUTIONS, USERS, guid, run } from './testkit';

const offFlow = `<filter><condition attribute='workflowid' operator='eq' value='${FLOWS.off}'/></filter>`;

describe('columns', () => {
  it('returns lookups as _<name>_value and lists them in @odata.context as the Web API does', () => {
    const body = run('workflow', `<fetch><entity name='workflow'><attribute name='name'/><attribute name='ownerid'/>${offFlow}</entity></fetch>`);
    expect(body).toEqual({
      '@odata.context': `${SERVICE_ROOT}/$metadata#workflows(name,_ownerid_value,ownerid,workflowid,ownerid())`,
      value: [{ '@odata.etag': 'W/"2001"', name: 'Send weekly report', _ownerid_value: USERS.ada, workflowid: FLOWS.off }],
    });
  });

  it('uses the navigation property name of the lookup in the context', () => {
    const body = run('connectionreference', `<fetch top='1'><entity name='connectionreference'><attribute name='customconnectorid'/></entity></fetch>`);
    expect(body['@odata.context']).toBe(
      `${SERVICE_ROOT}/$metadata#connectionreferences(_customconnectorid_value,CustomConnectorId,connectionreferenceid,CustomConnectorId())`,
    );
  });

  it('returns every stored column without attribute elements or with all-attributes', () => {
    const expected = {
      '@odata.context': `${SERVICE_ROOT}/$metadata#workflows`,
      value: [
        {
          '@odata.etag': 'W/"2001"',
          workflowid: FLOWS.off,
          name: 'Send weekly report',
          category: 5,
          type: 1,
          statecode: 0,
          statuscode: 1,
          primaryentity: 'none',
          ismanaged: false,
          _ownerid_value: USERS.ada,
          createdon: '2024-03-05T14:07:09Z',
          versionnumber: 2001,
        },
      ],
    };
    expect(run('workflow', `<fetch><entity name='workflow'>${offFlow}</entity></fetch>`)).toEqual(expected);
    expect(run('workflow', `<fetch><entity name='workflow'><all-attributes/>${offFlow}</entity></fetch>`)).toEqual(expected);
  });

  it('returns only the primary key with no-attrs', () => {
    expect(run('workflow', `<fetch><entity name='workflow'><no-attrs/>${offFlow}</entity></fetch>`).value).toEqual([
      { '@odata.etag': 'W/"2001"', workflowid: FLOWS.off },
    ]);
  });

  it('lists a column requested twice once', () => {
    expect(run('workflow', `<fetch><entity name='workflow'><attribute name='name'/><attribute name='name'/>${offFlow}</entity></fetch>`).value).toEqual([
      { '@odata.etag': 'W/"2001"', name: 'Send weekly report', workflowid: FLOWS.off },
    ]);
  });

  it('has no ETag on tables without optimistic concurrency', () => {
    const body = run('solutioncomponent', `<fetch><entity name='solutioncomponent'><attribute name='objectid'/><attribute name='solutionid'/><filter><condition attribute='objectid' operator='eq' value='${CRS.wired}'/></filter></entity></fetch>`);
    expect(body).toEqual({
      '@odata.context': `${SERVICE_ROOT}/$metadata#solutioncomponents(objectid,_solutionid_value,solutionid,solutioncomponentid,solutionid())`,
      value: [{ objectid: CRS.wired, _solutionid_value: SOLUTIONS.contoso, solutioncomponentid: guid('d1') }],
    });
  });

  it('normalizes stored GUIDs, booleans and dates to their Web API form', () => {
    const tables = {
      workflow: [{ workflowid: `{${guid('ab').toUpperCase()}}`, ismanaged: 1, clientdataiscompressed: 'false', createdon: '2024-03-05T14:07:09.5Z', ownerid: USERS.bob.toUpperCase() }],
    };
    expect(run('workflow', `<fetch><entity name='workflow'><attribute name='ismanaged'/><attribute name='clientdataiscompressed'/><attribute name='createdon'/><attribute name='ownerid'/></entity></fetch>`, { tables }).value).toEqual([
      { ismanaged: true, clientdataiscompressed: false, createdon: '2024-03-05T14:07:09Z', _ownerid_value: USERS.bob, workflowid: guid('ab') },
    ]);
  });
});

describe('annotations', () => {
  const fetch = `<fetch><entity name='workflow'><attribute name='name'/><attribute name='category'/><attribute name='ismanaged'/><attribute name='createdon'/><attribute name='ownerid'/>${offFlow}</entity></fetch>`;

  it('adds formatted values and lookup annotations before each property', () => {
    const row = run('workflow', fetch, { annotations: true }).value[0];
    expect(row).toEqual({
      '@odata.etag': 'W/"2001"',
      name: 'Send weekly report',
      'category@OData.Community.Display.V1.FormattedValue': 'Modern Flow',
      category: 5,
      'ismanaged@OData.Community.Display.V1.FormattedValue': 'Unmanaged',
      ismanaged: false,
      'createdon@OData.Community.Display.V1.FormattedValue': '3/5/2024 2:07 PM',
      createdon: '2024-03-05T14:07:09Z',
      '_ownerid_value@OData.Community.Display.V1.FormattedValue': 'Ada Admin',
      '_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'ownerid',
      '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'systemuser',
      _ownerid_value: USERS.ada,
      workflowid: FLOWS.off,
    });
    expect(Object.keys(row ?? {})).toEqual([
      '@odata.etag',
      'name',
      'category@OData.Community.Display.V1.FormattedValue',
      'category',
      'ismanaged@OData.Community.Display.V1.FormattedValue',
      'ismanaged',
      'createdon@OData.Community.Display.V1.FormattedValue',
      'createdon',
      '_ownerid_value@OData.Community.Display.V1.FormattedValue',
      '_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty',
      '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname',
      '_ownerid_value',
      'workflowid',
    ]);
  });

  it('adds only the annotations asked for', () => {
    expect(run('workflow', fetch, { annotations: ['Microsoft.Dynamics.CRM.lookuplogicalname'] }).value[0]).toEqual({
      '@odata.etag': 'W/"2001"',
      name: 'Send weekly report',
      category: 5,
      ismanaged: false,
      createdon: '2024-03-05T14:07:09Z',
      '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'systemuser',
      _ownerid_value: USERS.ada,
      workflowid: FLOWS.off,
    });
  });

  it('formats integers with grouping and midnight/noon in 12-hour time', () => {
    const tables = {
      connectionreference: [{ connectionreferenceid: guid('1'), importsequencenumber: 1234567, createdon: '2024-12-31T00:05:00Z', modifiedon: '2024-01-01T12:00:00Z' }],
    };
    const body = run(
      'connectionreference',
      `<fetch><entity name='connectionreference'><attribute name='importsequencenumber'/><attribute name='createdon'/><attribute name='modifiedon'/></entity></fetch>`,
      { tables, annotations: ['OData.Community.Display.V1.FormattedValue'] },
    );
    expect(body.value[0]).toEqual({
      'importsequencenumber@OData.Community.Display.V1.FormattedValue': '1,234,567',
      importsequencenumber: 1234567,
      'createdon@OData.Community.Display.V1.FormattedValue': '12/31/2024 12:05 AM',
      createdon: '2024-12-31T00:05:00Z',
      'modifiedon@OData.Community.Display.V1.FormattedValue': '1/1/2024 12:00 PM',
      modifiedon: '2024-01-01T12:00:00Z',
      connectionreferenceid: guid('1'),
    });
  });

  it('still returns a lookup whose target row is missing, without its name', () => {
    const tables = { workflow: [{ workflowid: guid('1'), ownerid: guid('dead') }], systemuser: [] };
    expect(run('workflow', `<fetch><entity name='workflow'><attribute name='ownerid'/></entity></fetch>`, { tables, annotations: true }).value[0]).toEqual({
      '_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'ownerid',
      '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'systemuser',
      _ownerid_value: guid('dead'),
      workflowid: guid('1'),
    });
  });

  it('uses the alias of an aliased column in its annotations', () => {
    const body = run('workflow', `<fetch><entity name='workflow'><attribute name='statecode' alias='state'/>${offFlow}</entity></fetch>`, { annotations: true });
    expect(body['@odata.context']).toBe(`${SERVICE_ROOT}/$metadata#workflows(state,workflowid)`);
    expect(body.value[0]).toEqual({
      '@odata.etag': 'W/"2001"',
      'state@OData.Community.Display.V1.FormattedValue': 'Draft',
      state: 0,
      workflowid: FLOWS.off,
    });
  });
});
