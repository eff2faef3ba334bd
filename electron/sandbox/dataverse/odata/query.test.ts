import { describe, expect, it } from 'vitest';
import type { Row } from '../../model';
import {
  connectionReference,
  environmentVariableDefinition,
  environmentVariableValue,
  publisher,
  solution,
  solutionComponent,
  webApiPropertyName,
  workflow,
  type EntityMeta,
} from '../schema';
import { ODataError } from './errors';
import { parseSkipToken } from './paging';
import { countCollection, queryCollection, retrieveEntity, serviceRootOf, type QueryResult } from './query';
import { formatDisplayDateTime } from './serialize';
import { BU, CR1, DEF, PUB, ROOT, SC1, SC2, SC3, SOL, sourceOf, tables, U1, U2, VAL1, VAL2, W1, W2, W3, W4, W5, workflowRow } from './test-fixtures';

const source = sourceOf(tables());

function query(meta: EntityMeta, search: string, prefer?: string, rows = source): QueryResult {
  return queryCollection({ meta, url: `${ROOT}/${meta.setName}${search}`, prefer, source: rows });
}

const values = (r: QueryResult): Record<string, unknown>[] => r.body['value'] as Record<string, unknown>[];
const idsOf = (r: QueryResult, meta: EntityMeta = workflow): unknown[] => values(r).map((v) => v[meta.primaryId]);

describe('collection responses', () => {
  it('select: context lists the columns, rows carry etag, selected columns in order, then the key', () => {
    const r = query(workflow, `?$select=statecode,name&$filter=workflowid eq ${W1}`);
    expect(r).toEqual({
      body: {
        '@odata.context': `${ROOT}/$metadata#workflows(statecode,name)`,
        value: [{ '@odata.etag': 'W/"1001"', statecode: 1, name: 'Approve invoices', workflowid: W1 }],
      },
      preferenceApplied: [],
    });
    expect(Object.keys(values(r)[0] ?? {})).toEqual(['@odata.etag', 'statecode', 'name', 'workflowid']);
  });

  it('the key stays where $select put it', () => {
    const r = query(workflow, `?$select=workflowid,name&$filter=workflowid eq ${W1}`);
    expect(Object.keys(values(r)[0] ?? {})).toEqual(['@odata.etag', 'workflowid', 'name']);
  });

  it('without $select: every column in schema order, lookups as _x_value, context without a list', () => {
    const r = query(connectionReference, '');
    expect(r.body['@odata.context']).toBe(`${ROOT}/$metadata#connectionreferences`);
    const row = values(r)[0] ?? {};
    expect(Object.keys(row)).toEqual(['@odata.etag', ...Object.values(connectionReference.attributes).map(webApiPropertyName)]);
    expect(row).toMatchObject({ connectionreferenceid: CR1, _ownerid_value: U1, connectionid: null, _customconnectorid_value: null, statecode: 0 });
    expect(row).not.toHaveProperty('ownerid');
  });

  it('tables without optimistic concurrency have no etag', () => {
    const r = query(solutionComponent, `?$select=componenttype&$filter=solutioncomponentid eq ${SC1}`);
    expect(values(r)).toEqual([{ componenttype: 29, solutioncomponentid: SC1 }]);
  });

  it('default order is by primary key; $orderby then key breaks ties', () => {
    expect(idsOf(query(workflow, '?$select=name'))).toEqual([W1, W2, W3, W4, W5]);
    expect(idsOf(query(workflow, '?$select=name&$orderby=_ownerid_value desc,statecode'))).toEqual([W2, W5, W3, W1, W4]);
    expect(idsOf(query(workflow, '?$select=name&$orderby=_ownerid_value desc,statecode desc'))).toEqual([W2, W5, W4, W1, W3]);
  });

  it('$orderby sorts strings case-insensitively and nulls first (last when desc)', () => {
    expect(idsOf(query(workflow, '?$select=name&$orderby=name'))).toEqual([W5, W1, W2, W4, W3]);
    expect(idsOf(query(workflow, '?$select=name&$orderby=name desc'))).toEqual([W3, W4, W2, W1, W5]);
  });

  it('$top limits rows without a nextLink', () => {
    const r = query(workflow, '?$select=name&$top=2');
    expect(idsOf(r)).toEqual([W1, W2]);
    expect(r.body).not.toHaveProperty('@odata.nextLink');
  });

  it('bad options throw ODataError', () => {
    expect(() => query(workflow, '?$skip=2')).toThrow(ODataError);
    expect(() => query(workflow, '?$select=foo')).toThrow("Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.workflow'.");
  });
});

describe('$count', () => {
  it('puts @odata.count before value', () => {
    const r = query(workflow, '?$select=name&$filter=statecode eq 0&$count=true');
    expect(Object.keys(r.body)).toEqual(['@odata.context', '@odata.count', 'value']);
    expect(r.body['@odata.count']).toBe(3);
  });

  it('with annotations: totalrecordcount, limitexceeded, globalmetadataversion', () => {
    const r = query(workflow, '?$select=name&$count=true&$top=1', 'odata.include-annotations="*"');
    expect(Object.keys(r.body)).toEqual([
      '@odata.context',
      '@odata.count',
      '@Microsoft.Dynamics.CRM.totalrecordcount',
      '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded',
      '@Microsoft.Dynamics.CRM.globalmetadataversion',
      'value',
    ]);
    expect(r.body).toMatchObject({
      '@odata.count': 5,
      '@Microsoft.Dynamics.CRM.totalrecordcount': 5,
      '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded': false,
      '@Microsoft.Dynamics.CRM.globalmetadataversion': '84271433',
    });
  });

  it('without $count the total is -1', () => {
    const r = queryCollection({ meta: workflow, url: `${ROOT}/workflows?$select=name`, prefer: 'odata.include-annotations="*"', source, globalMetadataVersion: '42' });
    expect(r.body).toMatchObject({ '@Microsoft.Dynamics.CRM.totalrecordcount': -1, '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded': false, '@Microsoft.Dynamics.CRM.globalmetadataversion': '42' });
    expect(r.body).not.toHaveProperty('@odata.count');
  });

  it('is capped at 5000, and so is a page', () => {
    const many: Row[] = [];
    for (let i = 0; i < 5003; i++) many.push(workflowRow(`a1000000-0000-0000-0000-${String(i).padStart(12, '0')}`, { name: `Flow ${i}` }));
    const big = sourceOf({ workflow: many });
    const r = query(workflow, '?$select=name&$count=true', 'odata.include-annotations="Microsoft.Dynamics.CRM.*"', big);
    expect(r.body['@odata.count']).toBe(5000);
    expect(r.body['@Microsoft.Dynamics.CRM.totalrecordcount']).toBe(5000);
    expect(r.body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']).toBe(true);
    expect(values(r)).toHaveLength(5000);
    expect(typeof r.body['@odata.nextLink']).toBe('string');
    const next = query(workflow, new URL(String(r.body['@odata.nextLink'])).search, undefined, big);
    expect(values(next)).toHaveLength(3);
    expect(countCollection({ meta: workflow, url: `${ROOT}/workflows/$count`, source: big })).toBe(5000);
  });

  it('GET <set>/$count helper applies $filter', () => {
    expect(countCollection({ meta: workflow, url: `${ROOT}/workflows/$count?$filter=_ownerid_value eq ${U2}`, source })).toBe(2);
  });
});

describe('paging', () => {
  const EXPECTED_FIRST_LINK =
    `${ROOT}/workflows?$select=name&$count=true&$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22` +
    '%253ccookie%2520page%253d%25221%2522%253e%253cworkflowid%2520last%253d%2522%257bA0000000-0000-0000-0000-000000000002%257d%2522%2520first%253d%2522%257bA0000000-0000-0000-0000-000000000001%257d%2522%2520%252f%253e%253c%252fcookie%253e' +
    '%22%20istracking=%22False%22%20/%3E';

  it('walks three pages with nextLink/$skiptoken, nextLink last, count on every page', () => {
    const prefer = 'odata.maxpagesize=2';
    const p1 = query(workflow, '?$select=name&$count=true', prefer);
    expect(Object.keys(p1.body)).toEqual(['@odata.context', '@odata.count', 'value', '@odata.nextLink']);
    expect(p1.body['@odata.nextLink']).toBe(EXPECTED_FIRST_LINK);
    expect(p1.preferenceApplied).toEqual(['odata.maxpagesize=2']);
    expect(idsOf(p1)).toEqual([W1, W2]);

    const p2 = queryCollection({ meta: workflow, url: String(p1.body['@odata.nextLink']), prefer, source });
    expect(idsOf(p2)).toEqual([W3, W4]);
    expect(p2.body['@odata.count']).toBe(5);
    const link2 = String(p2.body['@odata.nextLink']);
    expect(link2.split('$skiptoken=')).toHaveLength(2);
    expect(link2).toContain('pagenumber=%223%22');

    const p3 = queryCollection({ meta: workflow, url: link2, prefer, source });
    expect(idsOf(p3)).toEqual([W5]);
    expect(p3.body).not.toHaveProperty('@odata.nextLink');
    expect(p3.body['@odata.count']).toBe(5);
  });

  it('the skiptoken decodes to the platform cookie', () => {
    const search = new URL(EXPECTED_FIRST_LINK).search;
    const token = decodeURIComponent(search.slice(search.indexOf('$skiptoken=') + '$skiptoken='.length));
    // One URL decoding leaves the paging cookie encoded once more, as on the platform.
    expect(token).toBe(
      '<cookie pagenumber="2" pagingcookie="%3ccookie%20page%3d%221%22%3e%3cworkflowid%20last%3d%22%7bA0000000-0000-0000-0000-000000000002%7d%22%20first%3d%22%7bA0000000-0000-0000-0000-000000000001%7d%22%20%2f%3e%3c%2fcookie%3e" istracking="False" />',
    );
    expect(decodeURIComponent(/pagingcookie="([^"]*)"/.exec(token)?.[1] ?? '')).toBe(
      '<cookie page="1"><workflowid last="{A0000000-0000-0000-0000-000000000002}" first="{A0000000-0000-0000-0000-000000000001}" /></cookie>',
    );
    expect(parseSkipToken(token)).toEqual({ pageNumber: 2, last: new Map([['workflowid', '{A0000000-0000-0000-0000-000000000002}']]) });
  });

  it('pages consistently by $orderby and key, including null sort values', () => {
    const prefer = 'odata.maxpagesize=2';
    const seen: unknown[] = [];
    let r = query(workflow, '?$select=name&$orderby=name', prefer);
    seen.push(...idsOf(r));
    const firstCookie = decodeURIComponent(decodeURIComponent(new URL(String(r.body['@odata.nextLink'])).search).split('pagingcookie="')[1]?.split('"')[0] ?? '');
    expect(firstCookie).toBe(
      `<cookie page="1"><name last="Approve invoices" /><workflowid last="{${W1.toUpperCase()}}" first="{${W5.toUpperCase()}}" /></cookie>`,
    );
    while (typeof r.body['@odata.nextLink'] === 'string') {
      r = queryCollection({ meta: workflow, url: r.body['@odata.nextLink'], prefer, source });
      seen.push(...idsOf(r));
    }
    expect(seen).toEqual([W5, W1, W2, W4, W3]);
  });

  it('rows added or removed between pages neither repeat nor go missing', () => {
    const data = tables();
    const live = sourceOf(data);
    const prefer = 'odata.maxpagesize=2';
    const p1 = queryCollection({ meta: workflow, url: `${ROOT}/workflows?$select=name&$orderby=versionnumber desc`, prefer, source: live });
    expect(idsOf(p1)).toEqual([W5, W4]);
    // Before the client asks for page 2: W5 (already seen) is deleted and a new row lands on page 1's side.
    const rows = data['workflow'] ?? [];
    rows.splice(rows.findIndex((r) => r['workflowid'] === W5), 1);
    rows.push(workflowRow('a0000000-0000-0000-0000-000000000009', { name: 'Newest', versionnumber: 2000 }));
    const p2 = queryCollection({ meta: workflow, url: String(p1.body['@odata.nextLink']), prefer, source: live });
    expect(idsOf(p2)).toEqual([W3, W2]);
  });

  it('$top is ignored when odata.maxpagesize is present', () => {
    const r = query(workflow, '?$select=name&$top=1', 'odata.maxpagesize=3');
    expect(idsOf(r)).toEqual([W1, W2, W3]);
    expect(r.body['@odata.nextLink']).toContain('$top=1&$skiptoken=');
  });

  it('a maxpagesize above 5000 is capped', () => {
    expect(query(workflow, '?$select=name', 'odata.maxpagesize=10000').preferenceApplied).toEqual(['odata.maxpagesize=5000']);
  });

  it('refuses a skiptoken that is not a cookie', () => {
    expect(() => query(workflow, '?$skiptoken=abc', 'odata.maxpagesize=2')).toThrow('The $skiptoken value is not a valid paging cookie.');
  });

  it('a cookie with only a page number pages by position', () => {
    const r = query(workflow, `?$select=name&$skiptoken=${encodeURIComponent('<cookie pagenumber="2" istracking="False" />')}`, 'odata.maxpagesize=2');
    expect(idsOf(r)).toEqual([W3, W4]);
  });
});

describe('annotations', () => {
  it('"*": formatted values, lookup annotations, each before its property', () => {
    const r = query(workflow, `?$select=name,category,statecode,createdon,ismanaged,_ownerid_value,_licensee_value&$filter=workflowid eq ${W2}`, 'odata.include-annotations="*"');
    expect(r.preferenceApplied).toEqual(['odata.include-annotations="*"']);
    const row = values(r)[0] ?? {};
    expect(Object.entries(row)).toEqual([
      ['@odata.etag', 'W/"1002"'],
      ['name', 'archive mail'],
      ['category@OData.Community.Display.V1.FormattedValue', 'Modern Flow'],
      ['category', 5],
      ['statecode@OData.Community.Display.V1.FormattedValue', 'Draft'],
      ['statecode', 0],
      ['createdon@OData.Community.Display.V1.FormattedValue', '3/5/2021 11:59 PM'],
      ['createdon', '2021-03-05T23:59:59Z'],
      ['ismanaged@OData.Community.Display.V1.FormattedValue', 'Unmanaged'],
      ['ismanaged', false],
      ['_ownerid_value@OData.Community.Display.V1.FormattedValue', "Blake O'Bryan"],
      ['_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty', 'ownerid'],
      ['_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname', 'systemuser'],
      ['_ownerid_value', U2],
      ['_licensee_value', null],
      ['workflowid', W2],
    ]);
  });

  it('only the requested annotation', () => {
    const r = query(workflow, `?$select=statecode,_ownerid_value&$filter=workflowid eq ${W1}`, 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"');
    expect(r.body).not.toHaveProperty('@Microsoft.Dynamics.CRM.totalrecordcount');
    expect(values(r)[0]).toEqual({
      '@odata.etag': 'W/"1001"',
      'statecode@OData.Community.Display.V1.FormattedValue': 'Activated',
      statecode: 1,
      '_ownerid_value@OData.Community.Display.V1.FormattedValue': 'Avery Admin',
      _ownerid_value: U1,
      workflowid: W1,
    });
  });

  it('a namespace wildcard', () => {
    const r = query(workflow, `?$select=statecode,_ownerid_value&$filter=workflowid eq ${W1}`, 'odata.include-annotations="Microsoft.Dynamics.CRM.*"');
    expect(values(r)[0]).toEqual({
      '@odata.etag': 'W/"1001"',
      statecode: 1,
      '_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'ownerid',
      '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'systemuser',
      _ownerid_value: U1,
      workflowid: W1,
    });
    expect(r.body['@Microsoft.Dynamics.CRM.totalrecordcount']).toBe(-1);
  });

  it('none without the preference', () => {
    const r = query(workflow, `?$select=statecode,_ownerid_value&$filter=workflowid eq ${W1}`);
    expect(Object.keys(values(r)[0] ?? {}).filter((k) => k.includes('@') && k !== '@odata.etag')).toEqual([]);
  });

  it('date display format', () => {
    expect(formatDisplayDateTime(Date.parse('2020-05-20T21:37:23Z'))).toBe('5/20/2020 9:37 PM');
    expect(formatDisplayDateTime(Date.parse('2020-05-21T04:37:23Z'))).toBe('5/21/2020 4:37 AM');
    expect(formatDisplayDateTime(Date.parse('2021-12-01T00:05:00Z'))).toBe('12/1/2021 12:05 AM');
    expect(formatDisplayDateTime(Date.parse('2021-12-01T12:00:00Z'))).toBe('12/1/2021 12:00 PM');
  });

  it('integers are formatted with grouping; a choice without a label has no formatted value', () => {
    const r = query(publisher, '?$select=customizationoptionvalueprefix', 'odata.include-annotations="*"');
    expect(values(r)[0]).toEqual({
      '@odata.etag': 'W/"3"',
      'customizationoptionvalueprefix@OData.Community.Display.V1.FormattedValue': '72,700',
      customizationoptionvalueprefix: 72700,
      publisherid: PUB,
    });
    const c = query(solutionComponent, `?$select=componenttype&$filter=solutioncomponentid eq ${SC3}`, 'odata.include-annotations="*"');
    expect(values(c)[0]).toEqual({ componenttype: 10027, solutioncomponentid: SC3 });
  });
});

describe('$expand', () => {
  it('single-valued, nested, with both systemuserid and ownerid on a user', () => {
    const r = query(workflow, `?$select=name&$expand=ownerid($select=fullname;$expand=businessunitid($select=name)),createdby($select=fullname),licensee&$filter=workflowid eq ${W2}`);
    expect(r.body).toEqual({
      '@odata.context': `${ROOT}/$metadata#workflows(name,ownerid(fullname,businessunitid(name)),createdby(fullname),licensee())`,
      value: [
        {
          '@odata.etag': 'W/"1002"',
          name: 'archive mail',
          workflowid: W2,
          ownerid: {
            '@odata.type': '#Microsoft.Dynamics.CRM.systemuser',
            '@odata.etag': 'W/"502"',
            fullname: "Blake O'Bryan",
            systemuserid: U2,
            ownerid: U2,
            businessunitid: { '@odata.etag': 'W/"7"', name: 'Contoso', businessunitid: BU },
          },
          createdby: { '@odata.etag': 'W/"501"', fullname: 'Avery Admin', systemuserid: U1, ownerid: U1 },
          licensee: null,
        },
      ],
    });
  });

  it('annotations inside expanded rows', () => {
    const r = query(workflow, `?$select=name&$expand=createdby($select=isdisabled,_businessunitid_value)&$filter=workflowid eq ${W1}`, 'odata.include-annotations="*"');
    expect((values(r)[0] ?? {})['createdby']).toEqual({
      '@odata.etag': 'W/"501"',
      'isdisabled@OData.Community.Display.V1.FormattedValue': 'Enabled',
      isdisabled: false,
      '_businessunitid_value@OData.Community.Display.V1.FormattedValue': 'Contoso',
      '_businessunitid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'businessunitid',
      '_businessunitid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'businessunit',
      _businessunitid_value: BU,
      systemuserid: U1,
      ownerid: U1,
    });
  });

  it('$ref gives the related row id', () => {
    const r = query(workflow, `?$select=name&$expand=ownerid/$ref&$filter=workflowid eq ${W1}`);
    expect(values(r)[0]).toEqual({ '@odata.etag': 'W/"1001"', name: 'Approve invoices', workflowid: W1, ownerid: { '@odata.id': `${ROOT}/systemusers(${U1})` } });
    expect(r.body['@odata.context']).toBe(`${ROOT}/$metadata#workflows(name)`);
  });

  it('collection-valued with $select, $filter, $orderby, $top', () => {
    const r = query(solution, '?$select=uniquename&$expand=solution_solutioncomponent($select=objectid;$filter=componenttype eq 29;$orderby=objectid desc;$top=5)');
    expect(r.body).toEqual({
      '@odata.context': `${ROOT}/$metadata#solutions(uniquename,solution_solutioncomponent(objectid))`,
      value: [
        {
          '@odata.etag': 'W/"9"',
          uniquename: 'Core',
          solutionid: SOL,
          solution_solutioncomponent: [
            { objectid: W2, solutioncomponentid: SC2 },
            { objectid: W1, solutioncomponentid: SC1 },
          ],
        },
      ],
    });
    const top1 = query(solution, '?$select=uniquename&$expand=solution_solutioncomponent($select=objectid;$top=1)');
    expect((values(top1)[0] ?? {})['solution_solutioncomponent']).toEqual([{ objectid: W1, solutioncomponentid: SC1 }]);
  });

  it('collection-valued with a nested single-valued expand, and the way back', () => {
    const r = query(environmentVariableDefinition, '?$select=schemaname&$expand=environmentvariabledefinition_environmentvariablevalue($select=value;$expand=ownerid($select=fullname))');
    expect((values(r)[0] ?? {})['environmentvariabledefinition_environmentvariablevalue']).toEqual([
      {
        '@odata.etag': 'W/"41"',
        value: 'https://a',
        environmentvariablevalueid: VAL1,
        ownerid: { '@odata.type': '#Microsoft.Dynamics.CRM.systemuser', '@odata.etag': 'W/"501"', fullname: 'Avery Admin', systemuserid: U1, ownerid: U1 },
      },
      {
        '@odata.etag': 'W/"42"',
        value: 'https://b',
        environmentvariablevalueid: VAL2,
        ownerid: { '@odata.type': '#Microsoft.Dynamics.CRM.systemuser', '@odata.etag': 'W/"501"', fullname: 'Avery Admin', systemuserid: U1, ownerid: U1 },
      },
    ]);
    const back = query(environmentVariableValue, `?$select=value&$expand=EnvironmentVariableDefinitionId($select=schemaname)&$filter=environmentvariablevalueid eq ${VAL1}`);
    expect(values(back)[0]).toEqual({
      '@odata.etag': 'W/"41"',
      value: 'https://a',
      environmentvariablevalueid: VAL1,
      EnvironmentVariableDefinitionId: { '@odata.etag': 'W/"40"', schemaname: 'cts_ApiUrl', environmentvariabledefinitionid: DEF },
    });
  });

  it('unknown navigation property', () => {
    expect(() => query(workflow, '?$expand=foo')).toThrow("Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.workflow'.");
  });

  it('a lookup to a publisher, expanded without $select, shows every column', () => {
    const r = query(solution, '?$select=uniquename&$expand=publisherid');
    const publisher = (values(r)[0] ?? {})['publisherid'] as Record<string, unknown>;
    expect(publisher).toMatchObject({ '@odata.etag': 'W/"3"', publisherid: PUB, uniquename: 'contoso', customizationprefix: 'cts' });
  });
});

describe('single rows', () => {
  const row = (tables()['workflow'] ?? []).find((r) => r['workflowid'] === W1) ?? {};

  it('context ends in /$entity, body keys in platform order', () => {
    const r = retrieveEntity({ meta: workflow, row, url: `${ROOT}/workflows(${W1})?$select=name,statecode&$expand=ownerid($select=fullname)`, source });
    expect(Object.keys(r.body)).toEqual(['@odata.context', '@odata.etag', 'name', 'statecode', 'workflowid', 'ownerid']);
    expect(r.body['@odata.context']).toBe(`${ROOT}/$metadata#workflows(name,statecode,ownerid(fullname))/$entity`);
  });

  it('without options', () => {
    const r = retrieveEntity({ meta: workflow, row, url: `${ROOT}/workflows(${W1})`, source, prefer: 'odata.include-annotations="*"' });
    expect(r.body['@odata.context']).toBe(`${ROOT}/$metadata#workflows/$entity`);
    expect(r.body['statecode@OData.Community.Display.V1.FormattedValue']).toBe('Activated');
    expect(r.preferenceApplied).toEqual(['odata.include-annotations="*"']);
  });

  it('validates the options', () => {
    expect(() => retrieveEntity({ meta: workflow, row, url: `${ROOT}/workflows(${W1})?$select=ownerid`, source })).toThrow(ODataError);
  });
});

describe('service root', () => {
  it('is derived from the URL or given', () => {
    expect(serviceRootOf('https://h:8443/orgs/contoso/api/data/v9.2/workflows?$top=1')).toBe('https://h:8443/orgs/contoso/api/data/v9.2');
    const r = queryCollection({ meta: workflow, url: '/workflows?$select=name&$top=1', source, serviceRoot: 'https://x/api/data/v9.1' });
    expect(r.body['@odata.context']).toBe('https://x/api/data/v9.1/$metadata#workflows(name)');
  });
});

