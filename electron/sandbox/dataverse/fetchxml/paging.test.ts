/** Paging (reference §7.2): count/page, paging cookies, morerecords, top and record counts. */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../model';
import { decodePagingCookieAnnotation } from './cookie';
import type { FetchXmlResponseBody } from './engine';
import { SERVICE_ROOT, guid, run, runError } from './testkit';

const PAGING = ['Microsoft.Dynamics.CRM.fetchxmlpagingcookie', 'Microsoft.Dynamics.CRM.morerecords'];
const COOKIE = '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie';
const MORE = '@Microsoft.Dynamics.CRM.morerecords';

// Primary keys deliberately out of name order.
const FLOW_IDS: Record<string, string> = {
  'Flow A': guid('a7'),
  'Flow B': guid('a2'),
  'Flow C': guid('a5'),
  'Flow D': guid('a1'),
  'Flow E': guid('a6'),
  'Flow F': guid('a3'),
  'Flow G': guid('a4'),
};

const flowTables = (): Record<string, Row[]> => ({
  workflow: Object.entries(FLOW_IDS).map(([name, workflowid], i) => ({ workflowid, name, category: 5, versionnumber: 100 + i })),
});

const fetchPage = (attributes: string): string =>
  `<fetch ${attributes}><entity name='workflow'><attribute name='name'/><order attribute='name'/></entity></fetch>`;

/** What a client does with the annotation: decode twice, XML-escape into the next request. */
const escapeForAttribute = (cookie: string): string => cookie.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

const names = (body: FetchXmlResponseBody): unknown[] => body.value.map((row) => row.name);

describe('paging cookies', () => {
  it('returns the first page with a double-encoded cookie naming the order column and the primary key', () => {
    const body = run('workflow', fetchPage("count='3' page='1'"), { tables: flowTables(), annotations: PAGING });
    expect(body).toEqual({
      '@odata.context': `${SERVICE_ROOT}/$metadata#workflows(name,workflowid)`,
      [COOKIE]:
        '<cookie pagenumber="2" pagingcookie="%253ccookie%2520page%253d%25221%2522%253e%253cname%2520last%253d%2522Flow%2520C%2522%2520first%253d%2522Flow%2520A%2522%2520%252f%253e%253cworkflowid%2520last%253d%2522%257b00000000-0000-0000-0000-0000000000A5%257d%2522%2520first%253d%2522%257b00000000-0000-0000-0000-0000000000A7%257d%2522%2520%252f%253e%253c%252fcookie%253e" istracking="False" />',
      [MORE]: true,
      value: [
        { '@odata.etag': 'W/"100"', name: 'Flow A', workflowid: FLOW_IDS['Flow A'] },
        { '@odata.etag': 'W/"101"', name: 'Flow B', workflowid: FLOW_IDS['Flow B'] },
        { '@odata.etag': 'W/"102"', name: 'Flow C', workflowid: FLOW_IDS['Flow C'] },
      ],
    });
    expect(decodePagingCookieAnnotation(String(body[COOKIE]))).toEqual({
      pageNumber: 2,
      cookie:
        '<cookie page="1"><name last="Flow C" first="Flow A" /><workflowid last="{00000000-0000-0000-0000-0000000000A5}" first="{00000000-0000-0000-0000-0000000000A7}" /></cookie>',
    });
  });

  it('walks three pages by sending the cookie back, ending with morerecords false', () => {
    const tables = flowTables();
    const pages: unknown[][] = [];
    const more: unknown[] = [];
    let attributes = "count='3' page='1'";
    for (let guard = 0; guard < 10; guard++) {
      const body = run('workflow', fetchPage(attributes), { tables, annotations: PAGING });
      pages.push(names(body));
      more.push(body[MORE]);
      if (body[MORE] !== true) break;
      const next = decodePagingCookieAnnotation(String(body[COOKIE]));
      if (!next) throw new Error('no cookie');
      attributes = `count='3' page='${next.pageNumber}' paging-cookie='${escapeForAttribute(next.cookie)}'`;
    }
    expect(pages).toEqual([['Flow A', 'Flow B', 'Flow C'], ['Flow D', 'Flow E', 'Flow F'], ['Flow G']]);
    expect(more).toEqual([true, true, false]);
  });

  it('answers page 2 with a cookie for page 2 and the last page with morerecords false and a cookie', () => {
    const cookie1 = '<cookie page="1"><name last="Flow C" first="Flow A" /><workflowid last="{00000000-0000-0000-0000-0000000000A5}" first="{00000000-0000-0000-0000-0000000000A7}" /></cookie>';
    const page2 = run('workflow', fetchPage(`count='3' page='2' paging-cookie='${escapeForAttribute(cookie1)}'`), { tables: flowTables(), annotations: PAGING });
    expect(decodePagingCookieAnnotation(String(page2[COOKIE]))).toEqual({
      pageNumber: 3,
      cookie:
        '<cookie page="2"><name last="Flow F" first="Flow D" /><workflowid last="{00000000-0000-0000-0000-0000000000A3}" first="{00000000-0000-0000-0000-0000000000A1}" /></cookie>',
    });
    const cookie2 = decodePagingCookieAnnotation(String(page2[COOKIE]))?.cookie ?? '';
    const page3 = run('workflow', fetchPage(`count='3' page='3' paging-cookie='${escapeForAttribute(cookie2)}'`), { tables: flowTables(), annotations: PAGING });
    expect(names(page3)).toEqual(['Flow G']);
    expect(page3[MORE]).toBe(false);
    expect(decodePagingCookieAnnotation(String(page3[COOKIE]))?.pageNumber).toBe(4);
  });

  it('accepts the cookie with unescaped double quotes inside a single-quoted attribute (as in the docs)', () => {
    const cookie = '&lt;cookie page="1"&gt;&lt;name last="Flow C" first="Flow A" /&gt;&lt;workflowid last="{00000000-0000-0000-0000-0000000000A5}" first="{00000000-0000-0000-0000-0000000000A7}" /&gt;&lt;/cookie&gt;';
    expect(names(run('workflow', fetchPage(`count='3' page='2' paging-cookie='${cookie}'`), { tables: flowTables() }))).toEqual(['Flow D', 'Flow E', 'Flow F']);
  });

  it('continues after the last key even when rows were added before it since the previous page', () => {
    const tables = flowTables();
    const first = run('workflow', fetchPage("count='3' page='1'"), { tables, annotations: PAGING });
    tables.workflow?.push({ workflowid: guid('b1'), name: 'Flow AA', category: 5 });
    const cookie = decodePagingCookieAnnotation(String(first[COOKIE]))?.cookie ?? '';
    expect(names(run('workflow', fetchPage(`count='3' page='2' paging-cookie='${escapeForAttribute(cookie)}'`), { tables }))).toEqual([
      'Flow D',
      'Flow E',
      'Flow F',
    ]);
    // Page numbers alone shift.
    expect(names(run('workflow', fetchPage("count='3' page='2'"), { tables }))).toEqual(['Flow C', 'Flow D', 'Flow E']);
  });

  it('records NULL order values as lastnull/firstnull and pages through them', () => {
    const tables = flowTables();
    tables.workflow?.push({ workflowid: guid('c1'), name: null }, { workflowid: guid('c2'), name: null });
    const first = run('workflow', fetchPage("count='3' page='1'"), { tables, annotations: PAGING });
    expect(names(first)).toEqual([undefined, undefined, 'Flow A']);
    const page1 = run('workflow', fetchPage("count='2' page='1'"), { tables, annotations: PAGING });
    const cookie = decodePagingCookieAnnotation(String(page1[COOKIE]))?.cookie ?? '';
    expect(cookie).toBe(
      '<cookie page="1"><name lastnull="1" firstnull="1" /><workflowid last="{00000000-0000-0000-0000-0000000000C2}" first="{00000000-0000-0000-0000-0000000000C1}" /></cookie>',
    );
    expect(names(run('workflow', fetchPage(`count='2' page='2' paging-cookie='${escapeForAttribute(cookie)}'`), { tables }))).toEqual(['Flow A', 'Flow B']);
  });

  it('pages descending orders through the cookie', () => {
    const fetch = (attributes: string): string =>
      `<fetch ${attributes}><entity name='workflow'><attribute name='name'/><order attribute='name' descending='true'/></entity></fetch>`;
    const page1 = run('workflow', fetch("count='4' page='1'"), { tables: flowTables(), annotations: PAGING });
    expect(names(page1)).toEqual(['Flow G', 'Flow F', 'Flow E', 'Flow D']);
    const cookie = decodePagingCookieAnnotation(String(page1[COOKIE]))?.cookie ?? '';
    expect(names(run('workflow', fetch(`count='4' page='2' paging-cookie='${escapeForAttribute(cookie)}'`), { tables: flowTables() }))).toEqual([
      'Flow C',
      'Flow B',
      'Flow A',
    ]);
  });

  it('ignores a cookie that is not for the previous page and falls back to page numbers', () => {
    const cookie1 = '<cookie page="1"><name last="Flow C" first="Flow A" /><workflowid last="{00000000-0000-0000-0000-0000000000A5}" first="{00000000-0000-0000-0000-0000000000A7}" /></cookie>';
    expect(names(run('workflow', fetchPage(`count='3' page='3' paging-cookie='${escapeForAttribute(cookie1)}'`), { tables: flowTables() }))).toEqual(['Flow G']);
  });

  it('rejects a paging cookie that is not readable', () => {
    expect(runError('workflow', fetchPage("count='3' page='2' paging-cookie='not a cookie'"), { tables: flowTables() })).toEqual({
      status: 400,
      code: '0x80040203',
      message: 'Malformed XML in the Paging Cookie',
    });
    expect(runError('workflow', fetchPage(`count='3' page='2' paging-cookie='${escapeForAttribute('<cookie page="1"><name first="x" /></cookie>')}'`), { tables: flowTables() })).toEqual({
      status: 400,
      code: '0x80040203',
      message: 'Malformed XML Passed to in the Paging Cookie. We expect at most two attributes (first/firstNull and last/lastNull)',
    });
  });

  it('gives no cookie when the query is ordered by a link-entity column, paging by number instead', () => {
    const fetch = (attributes: string): string =>
      `<fetch ${attributes}><entity name='workflow'><attribute name='name'/><link-entity name='systemuser' from='systemuserid' to='ownerid' link-type='outer'><order attribute='fullname'/></link-entity></entity></fetch>`;
    const body = run('workflow', fetch("count='3' page='1'"), { tables: flowTables(), annotations: PAGING });
    expect(body[COOKIE]).toBeUndefined();
    expect(body[MORE]).toBe(true);
    expect(run('workflow', fetch("count='3' page='3'"), { tables: flowTables() }).value).toHaveLength(1);
  });
});

describe('simple paging (page numbers)', () => {
  it('walks three pages by page number', () => {
    const tables = flowTables();
    const page = (n: number): FetchXmlResponseBody => run('workflow', fetchPage(`count='3' page='${n}'`), { tables, annotations: PAGING });
    expect([1, 2, 3].map((n) => names(page(n)))).toEqual([['Flow A', 'Flow B', 'Flow C'], ['Flow D', 'Flow E', 'Flow F'], ['Flow G']]);
    expect([1, 2, 3].map((n) => page(n)[MORE])).toEqual([true, true, false]);
    expect(page(4).value).toEqual([]);
    expect(page(4)[MORE]).toBe(false);
    expect(page(4)[COOKIE]).toBeUndefined();
  });

  it('treats count alone as page 1', () => {
    expect(names(run('workflow', fetchPage("count='2'"), { tables: flowTables() }))).toEqual(['Flow A', 'Flow B']);
  });

  it('refuses to page past 50,000 records without a cookie', () => {
    expect(run('workflow', fetchPage("count='5000' page='10'"), { tables: flowTables() }).value).toEqual([]);
    expect(runError('workflow', fetchPage("count='5000' page='11'"), { tables: flowTables() })).toEqual({
      status: 400,
      code: '0x80040203',
      message:
        'Paging without a paging cookie is limited to 50000 records: page 11 with count 5000 goes beyond it. Send the paging-cookie returned with the previous page.',
    });
  });
});

describe('page size, top and counts', () => {
  const many = (n: number): Record<string, Row[]> => ({
    workflow: Array.from({ length: n }, (_, i) => ({ workflowid: guid((i + 1).toString(16)), name: `Flow ${String(i).padStart(5, '0')}` })),
  });

  it('returns at most 5000 rows a page, also when count asks for more', () => {
    const tables = many(5003);
    const body = run('workflow', `<fetch><entity name='workflow'><attribute name='name'/></entity></fetch>`, { tables, annotations: PAGING });
    expect(body.value).toHaveLength(5000);
    expect(body[MORE]).toBe(true);
    const big = run('workflow', fetchPage("count='6000' page='2'"), { tables, annotations: PAGING });
    expect(names(big)).toEqual(['Flow 05000', 'Flow 05001', 'Flow 05002']);
    expect(big[MORE]).toBe(false);
  });

  it('counts up to 5000 with returntotalrecordcount or $count', () => {
    const counts = ['Microsoft.Dynamics.CRM.totalrecordcount', 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'];
    const small = run('workflow', fetchPage("count='2' returntotalrecordcount='true'"), { tables: flowTables(), annotations: counts });
    expect(Object.keys(small)).toEqual([
      '@odata.context',
      '@odata.count',
      '@Microsoft.Dynamics.CRM.totalrecordcount',
      '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded',
      'value',
    ]);
    expect([small['@odata.count'], small['@Microsoft.Dynamics.CRM.totalrecordcount'], small['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']]).toEqual([7, 7, false]);
    const viaOData = run('workflow', fetchPage("count='2'"), { tables: flowTables(), countRequested: true });
    expect(viaOData['@odata.count']).toBe(7);
    const large = run('workflow', fetchPage("returntotalrecordcount='true'"), { tables: many(5001), annotations: counts });
    expect([large['@odata.count'], large['@Microsoft.Dynamics.CRM.totalrecordcount'], large['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']]).toEqual([
      5000,
      5000,
      true,
    ]);
    const uncounted = run('workflow', fetchPage("count='2'"), { tables: flowTables(), annotations: counts });
    expect(uncounted['@odata.count']).toBeUndefined();
    expect([uncounted['@Microsoft.Dynamics.CRM.totalrecordcount'], uncounted['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']]).toEqual([-1, false]);
  });

  it('limits rows with top, without a paging cookie', () => {
    const body = run('workflow', fetchPage("top='2'"), { tables: flowTables(), annotations: PAGING });
    expect(names(body)).toEqual(['Flow A', 'Flow B']);
    expect(body[COOKIE]).toBeUndefined();
    expect(body[MORE]).toBe(false);
  });

  it("leaves the paging annotations out on the last page with lastPage: 'omit'", () => {
    const body = run('workflow', fetchPage("count='5' page='2'"), { tables: flowTables(), annotations: PAGING, lastPage: 'omit' });
    expect(body).toEqual({
      '@odata.context': `${SERVICE_ROOT}/$metadata#workflows(name,workflowid)`,
      value: [
        { '@odata.etag': 'W/"105"', name: 'Flow F', workflowid: FLOW_IDS['Flow F'] },
        { '@odata.etag': 'W/"106"', name: 'Flow G', workflowid: FLOW_IDS['Flow G'] },
      ],
    });
    const notLast = run('workflow', fetchPage("count='5' page='1'"), { tables: flowTables(), annotations: PAGING, lastPage: 'omit' });
    expect(notLast[MORE]).toBe(true);
  });

  it('returns no paging annotations unless asked for', () => {
    expect(Object.keys(run('workflow', fetchPage("count='3' page='1'"), { tables: flowTables() }))).toEqual(['@odata.context', 'value']);
  });
});
