/**
 * Small in-memory tables for the OData engine's tests, built on the real schema metas.
 */
import type { Row } from '../../model';
import type { RowSource } from './serialize';

export const ROOT = 'https://org.example.com/api/data/v9.2';

export const U1 = '11111111-1111-1111-1111-111111111111';
export const U2 = '22222222-2222-2222-2222-222222222222';
export const BU = '0b000000-0000-0000-0000-000000000001';

export const W1 = 'a0000000-0000-0000-0000-000000000001';
export const W2 = 'a0000000-0000-0000-0000-000000000002';
export const W3 = 'a0000000-0000-0000-0000-000000000003';
export const W4 = 'a0000000-0000-0000-0000-000000000004';
export const W5 = 'a0000000-0000-0000-0000-000000000005';

export const SOL = '50000000-0000-0000-0000-000000000001';
export const PUB = 'b0000000-0000-0000-0000-000000000001';
export const SC1 = 'c0000000-0000-0000-0000-000000000001';
export const SC2 = 'c0000000-0000-0000-0000-000000000002';
export const SC3 = 'c0000000-0000-0000-0000-000000000003';

export const DEF = 'd0000000-0000-0000-0000-000000000001';
export const VAL1 = 'e0000000-0000-0000-0000-000000000001';
export const VAL2 = 'e0000000-0000-0000-0000-000000000002';

export const CR1 = 'f0000000-0000-0000-0000-000000000001';

export function workflowRow(id: string, fields: Row): Row {
  return {
    workflowid: id,
    name: null,
    category: 5,
    type: 1,
    statecode: 0,
    statuscode: 1,
    modernflowtype: 0,
    primaryentity: 'none',
    ismanaged: false,
    ownerid: U1,
    owninguser: U1,
    createdby: U1,
    modifiedby: U1,
    createdon: '2020-05-21T04:37:23Z',
    modifiedon: '2020-05-21T04:37:23Z',
    versionnumber: 1000,
    ...fields,
  };
}

export function tables(): Record<string, Row[]> {
  return {
    systemuser: [
      {
        systemuserid: U1,
        fullname: 'Avery Admin',
        firstname: 'Avery',
        lastname: 'Admin',
        domainname: 'avery@contoso.onmicrosoft.com',
        isdisabled: false,
        accessmode: 0,
        businessunitid: BU,
        versionnumber: 501,
      },
      {
        systemuserid: U2,
        fullname: "Blake O'Bryan",
        firstname: 'Blake',
        lastname: "O'Bryan",
        domainname: 'blake@contoso.onmicrosoft.com',
        isdisabled: true,
        accessmode: 4,
        businessunitid: BU,
        versionnumber: 502,
      },
    ],
    businessunit: [{ businessunitid: BU, name: 'Contoso', versionnumber: 7 }],
    workflow: [
      workflowRow(W1, { name: 'Approve invoices', statecode: 1, statuscode: 2, versionnumber: 1001, createdon: '2021-01-10T08:00:00Z' }),
      workflowRow(W2, { name: 'archive mail', ownerid: U2, owninguser: U2, versionnumber: 1002, createdon: '2021-03-05T23:59:59Z' }),
      workflowRow(W3, { name: 'Classic rule', category: 0, modernflowtype: null, versionnumber: 1003, createdon: '2019-12-31T12:00:00Z' }),
      workflowRow(W4, { name: 'Child flow', statecode: 2, statuscode: 3, description: 'Contains 50% of logic', versionnumber: 1004 }),
      workflowRow(W5, { name: null, ownerid: U2, versionnumber: 1005, createdon: '2022-07-01T00:00:00Z' }),
    ],
    solution: [{ solutionid: SOL, uniquename: 'Core', friendlyname: 'Core Solution', version: '1.0.0.0', ismanaged: false, publisherid: PUB, versionnumber: 9 }],
    publisher: [{ publisherid: PUB, uniquename: 'contoso', friendlyname: 'Contoso', customizationprefix: 'cts', customizationoptionvalueprefix: 72700, versionnumber: 3 }],
    solutioncomponent: [
      { solutioncomponentid: SC1, componenttype: 29, objectid: W1, solutionid: SOL, rootcomponentbehavior: 0, versionnumber: 11 },
      { solutioncomponentid: SC2, componenttype: 29, objectid: W2, solutionid: SOL, rootcomponentbehavior: 0, versionnumber: 12 },
      { solutioncomponentid: SC3, componenttype: 10027, objectid: CR1, solutionid: SOL, rootcomponentbehavior: 0, versionnumber: 13 },
    ],
    environmentvariabledefinition: [
      { environmentvariabledefinitionid: DEF, schemaname: 'cts_ApiUrl', displayname: 'API URL', type: 100000000, ownerid: U1, versionnumber: 40 },
    ],
    environmentvariablevalue: [
      { environmentvariablevalueid: VAL1, schemaname: 'cts_ApiUrl', value: 'https://a', environmentvariabledefinitionid: DEF, ownerid: U1, versionnumber: 41 },
      { environmentvariablevalueid: VAL2, schemaname: 'cts_ApiUrl', value: 'https://b', environmentvariabledefinitionid: DEF, ownerid: U1, versionnumber: 42 },
    ],
    connectionreference: [
      {
        connectionreferenceid: CR1,
        connectionreferencelogicalname: 'cts_sharedoffice365_c04b3',
        connectionreferencedisplayname: 'Office 365',
        connectorid: '/providers/Microsoft.PowerApps/apis/shared_office365',
        connectionid: null,
        statecode: 0,
        statuscode: 1,
        ownerid: U1,
        versionnumber: 77,
      },
    ],
  };
}

export function sourceOf(data: Record<string, Row[]>): RowSource {
  return {
    rowsOf: (logicalName) => data[logicalName] ?? [],
    getRow: (logicalName, id) => {
      const table = data[logicalName] ?? [];
      return table.find((r) => Object.values(r).length > 0 && String(r[`${logicalName}id`] ?? '').toLowerCase() === id.toLowerCase());
    },
  };
}
