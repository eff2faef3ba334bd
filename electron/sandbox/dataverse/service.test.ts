import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dvError, startHarness, type Harness } from '../test-support/harness';

/** Conformance of the Dataverse Web API surface: authentication, routes, reads, query errors, ETags. */

let h: Harness;
const spn = { app: 'pipeline' } as const;
const rm = { user: 'releaseManager' } as const;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('authentication', () => {
  it('answers 401 with a Bearer challenge and no body when the token is missing', async () => {
    const res = await h.dv('dev', 'GET', 'WhoAmI');
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    expect(res.headers['www-authenticate']).toBe(
      `Bearer authorization_uri=${h.base}/login/common/oauth2/authorize, resource_id=${h.base}/orgs/contoso-dev/`,
    );
  });

  it('refuses a token issued for another org (audience), a tampered token and garbage', async () => {
    const testToken = await h.token(spn, `${h.base}/orgs/contoso-test`);
    const url = `${h.base}/orgs/contoso-dev/api/data/v9.2/WhoAmI`;
    const [header, payload, signature] = testToken.split('.');
    const tampered = `${header ?? ''}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), aud: `${h.base}/orgs/contoso-dev` })).toString('base64url')}.${signature ?? ''}`;
    for (const token of [testToken, tampered, 'not-a-jwt']) {
      const res = await h.raw('GET', url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    }
  });

  it('refuses an expired token, also one it accepted before (its signature check is cached)', async () => {
    const previous = h.sb.ctx.tokenLifetimeS;
    // Long enough that a loaded machine still uses it fresh; the wait then runs to just past its exp.
    h.sb.ctx.tokenLifetimeS = 3;
    try {
      const token = await h.token(spn, `${h.base}/orgs/contoso-dev`);
      const fresh = await h.raw('GET', `${h.base}/orgs/contoso-dev/api/data/v9.2/WhoAmI`, { headers: { authorization: `Bearer ${token}` } });
      expect(fresh.status).toBe(200);
      const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 + 1100 - Date.now())));
      const res = await h.raw('GET', `${h.base}/orgs/contoso-dev/api/data/v9.2/WhoAmI`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    } finally {
      h.sb.ctx.tokenLifetimeS = previous;
    }
  });

  it('tells a principal without a systemuser here that it is not a member of the organization', async () => {
    const res = await h.dv('dev', 'GET', 'WhoAmI', { as: { app: 'analytics' } });
    expect(dvError(res)).toEqual({ status: 403, code: '0x80072560', message: 'The user is not a member of the organization.' });
  });
});

describe('routes', () => {
  it('WhoAmI answers the caller, its business unit and the org', async () => {
    const res = await h.dv('test', 'GET', 'WhoAmI', { as: spn });
    const body = res.json();
    const env = h.env('test');
    const user = h.sb.ctx.store.rows(env, 'systemuser').find((u) => u['azureactivedirectoryobjectid'] === h.oid(spn));
    expect(res.status).toBe(200);
    expect(body).toEqual({
      '@odata.context': `${h.base}/orgs/contoso-test/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: user?.['businessunitid'],
      UserId: user?.['systemuserid'],
      OrganizationId: env.organizationId,
    });
    expect(res.headers['odata-version']).toBe('4.0');
    expect(res.headers['x-ms-dop-hint']).toBe('4');
    expect(res.headers['x-ms-service-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the service document and $metadata, and 404s unknown segments and versions', async () => {
    const doc = await h.dv('dev', 'GET', '', { as: spn });
    expect(doc.json()['@odata.context']).toBe(`${h.base}/orgs/contoso-dev/api/data/v9.2/$metadata`);
    expect(doc.json()['value']).toContainEqual({ name: 'connectionreferences', kind: 'EntitySet', url: 'connectionreferences' });
    const metadata = await h.dv('dev', 'GET', '$metadata', { as: spn });
    expect(metadata.headers['content-type']).toBe('application/xml');
    expect(metadata.text).toContain('<EntitySet Name="workflows" EntityType="Microsoft.Dynamics.CRM.workflow" />');
    expect(dvError(await h.dv('dev', 'GET', 'Workflows', { as: spn }))).toEqual({
      status: 404,
      code: '0x80060888',
      message: "Resource not found for the segment 'Workflows'.",
    });
    const v8 = await h.raw('GET', `${h.base}/orgs/contoso-dev/api/data/v8.2/WhoAmI`);
    expect(v8.status).toBe(404);
    const noOrg = await h.raw('GET', `${h.base}/orgs/nowhere/api/data/v9.2/WhoAmI`);
    expect(noOrg.status).toBe(404);
  });

  it('answers v9.0 and v9.1 like v9.2', async () => {
    const token = await h.token(spn, `${h.base}/orgs/contoso-dev`);
    for (const v of ['v9.0', 'v9.1']) {
      const res = await h.raw('GET', `${h.base}/orgs/contoso-dev/api/data/${v}/WhoAmI`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.json()['@odata.context']).toContain(`/api/data/${v}/$metadata#`);
    }
  });
});

describe('the reference recipes (§11)', () => {
  it('finds the solution, its flows (type 29) and its references by the per-environment component type', async () => {
    const codes: Record<string, number> = {};
    for (const stage of ['dev', 'test', 'uat', 'prod'] as const) {
      const res = await h.dv(stage, 'GET', "solutioncomponentdefinitions?$select=objecttypecode&$filter=primaryentityname eq 'connectionreference'", { as: rm });
      codes[stage] = Number((res.json()['value'] as { objecttypecode: number }[])[0]?.objecttypecode);
    }
    expect(new Set(Object.values(codes)).size).toBe(4);

    const sol = await h.dv('test', 'GET', "solutions?$select=solutionid,friendlyname,ismanaged&$filter=uniquename eq 'ContosoOperations'", { as: rm });
    const solution = (sol.json()['value'] as { solutionid: string; ismanaged: boolean }[])[0];
    expect(solution?.ismanaged).toBe(true);
    const comps = await h.dv('test', 'GET', `solutioncomponents?$select=objectid,componenttype&$filter=_solutionid_value eq ${solution?.solutionid ?? ''} and componenttype eq 29`, { as: rm });
    const flowIds = (comps.json()['value'] as { objectid: string }[]).map((c) => c.objectid);
    expect(flowIds.length).toBeGreaterThanOrEqual(12);

    const ids = flowIds.map((id) => `"${id}"`).join(',');
    const flows = await h.dv(
      'test',
      'GET',
      `workflows?$select=workflowid,name,statecode,statuscode,category,clientdata,_ownerid_value&$filter=category eq 5 and Microsoft.Dynamics.CRM.In(PropertyName='workflowid',PropertyValues=[${ids}])`,
      { as: rm },
    );
    const rows = flows.json()['value'] as { statecode: number; clientdata: string; _ownerid_value: string }[];
    expect(rows).toHaveLength(flowIds.length);
    expect(rows.every((r) => r.statecode === 0)).toBe(true);
    expect(JSON.parse(rows[0]?.clientdata ?? '{}')).toHaveProperty('properties.connectionReferences');

    const refComps = await h.dv('test', 'GET', `solutioncomponents?$select=objectid&$filter=_solutionid_value eq ${solution?.solutionid ?? ''} and componenttype eq ${codes['test'] ?? 0}`, { as: rm });
    expect((refComps.json()['value'] as unknown[]).length).toBeGreaterThanOrEqual(8);
  });

  it('filters classic workflows out by category, and lists them when asked', async () => {
    const modern = await h.dv('prod', 'GET', 'workflows?$select=name,category&$filter=category eq 5', { as: rm });
    const all = await h.dv('prod', 'GET', 'workflows?$select=name,category', { as: rm });
    const categories = (all.json()['value'] as { category: number }[]).map((r) => r.category);
    expect(categories).toContain(0);
    expect(categories).toContain(2);
    expect((modern.json()['value'] as { category: number }[]).every((r) => r.category === 5)).toBe(true);
  });

  it("runs the seed post's FetchXML: connected references of the solution, and its flows that are off", async () => {
    const refsXml = `<fetch><entity name='connectionreference'><attribute name='connectionreferenceid'/><attribute name='connectionid'/><filter><condition attribute='connectionid' operator='not-null'/></filter><link-entity name='solutioncomponent' from='objectid' to='connectionreferenceid'><link-entity name='solution' from='solutionid' to='solutionid'><filter><condition attribute='uniquename' operator='eq' value='ContosoOperations'/></filter></link-entity></link-entity></entity></fetch>`;
    const dev = await h.dv('dev', 'GET', `connectionreferences?fetchXml=${encodeURIComponent(refsXml)}`, { as: rm });
    expect(dev.status).toBe(200);
    expect((dev.json()['value'] as unknown[]).length).toBe(9);
    const test = await h.dv('test', 'GET', `connectionreferences?fetchXml=${encodeURIComponent(refsXml)}`, { as: rm });
    expect(test.json()['value']).toEqual([]);

    const flowsXml = `<fetch><entity name='workflow'><attribute name='category'/><attribute name='name'/><attribute name='statecode'/><filter><condition attribute='category' operator='eq' value='5'/><condition attribute='statecode' operator='eq' value='0'/></filter><link-entity name='solutioncomponent' from='objectid' to='workflowid'><link-entity name='solution' from='solutionid' to='solutionid'><filter><condition attribute='uniquename' operator='eq' value='ContosoOperations'/></filter></link-entity></link-entity></entity></fetch>`;
    const off = await h.dv('test', 'GET', `workflows?fetchXml=${encodeURIComponent(flowsXml)}`, { as: rm });
    expect((off.json()['value'] as unknown[]).length).toBe(16);
    const devOff = await h.dv('dev', 'GET', `workflows?fetchXml=${encodeURIComponent(flowsXml)}`, { as: rm });
    expect(devOff.json()['value']).toEqual([]);
  });

  it('reads the unwired references with the seed query (connectionid null)', async () => {
    const xml = `<fetch><entity name='connectionreference'><attribute name='connectorid'/><attribute name='connectionreferenceid'/><attribute name='statecode'/><attribute name='connectionid'/><filter><condition attribute='connectionid' operator='null'/></filter></entity></fetch>`;
    const res = await h.dv('uat', 'GET', `connectionreferences?fetchXml=${encodeURIComponent(xml)}`, { as: rm });
    expect((res.json()['value'] as unknown[]).length).toBe(9);
  });
});

describe('URL length', () => {
  it('takes a GET URL up to 32 KB (long In() lists) and answers a longer one 414 with an HTML body', async () => {
    const ids = (n: number): string => Array.from({ length: n }, (_, i) => `"00000000-0000-0000-0000-${String(i).padStart(12, '0')}"`).join(',');
    const filter = (n: number): string => `workflows?$select=workflowid&$filter=${encodeURIComponent(`Microsoft.Dynamics.CRM.In(PropertyName='workflowid',PropertyValues=[${ids(n)}])`)}`;
    const fits = await h.dv('uat', 'GET', filter(500), { as: rm });
    expect(filter(500).length).toBeGreaterThan(16 * 1024);
    expect(fits.status).toBe(200);
    const tooLong = await h.dv('uat', 'GET', filter(800), { as: rm });
    expect(tooLong.status).toBe(414);
    expect(tooLong.headers['content-type']).toContain('text/html');
  });
});

describe('paging and options', () => {
  it('pages with odata.maxpagesize and follows @odata.nextLink to the end', async () => {
    const seen: string[] = [];
    let url = `${h.base}/orgs/contoso-dev/api/data/v9.2/workflows?$select=name&$filter=category eq 5&$orderby=name`;
    const token = await h.token(rm, `${h.base}/orgs/contoso-dev`);
    let pages = 0;
    while (url) {
      const res = await h.raw('GET', url, { headers: { authorization: `Bearer ${token}`, prefer: 'odata.maxpagesize=5' } });
      expect(res.status).toBe(200);
      expect(res.headers['preference-applied']).toBe('odata.maxpagesize=5');
      const body = res.json() as { value: { name: string }[]; '@odata.nextLink'?: string };
      seen.push(...body.value.map((v) => v.name));
      const keys = Object.keys(body);
      if (body['@odata.nextLink']) expect(keys[keys.length - 1]).toBe('@odata.nextLink');
      url = body['@odata.nextLink'] ?? '';
      pages += 1;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(17);
    expect(seen).toEqual([...seen].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
  });

  it('rejects $skip and $search, and option names are case-sensitive', async () => {
    for (const query of ['workflows?$skip=1', 'workflows?$search=x', 'workflows?$SELECT=name']) {
      const res = await h.dv('dev', 'GET', query, { as: rm });
      expect(res.status).toBe(400);
      expect(dvError(res).message).toMatch(/^The query parameter \$\w+ is not supported$/);
    }
  });

  it('counts with $count=true and with /$count', async () => {
    const res = await h.dv('dev', 'GET', 'connectionreferences?$select=connectionreferenceid&$count=true', { as: rm });
    expect(res.json()['@odata.count']).toBe(9);
    const plain = await h.dv('dev', 'GET', 'connectionreferences/$count', { as: rm });
    expect(plain.headers['content-type']).toBe('text/plain');
    expect(plain.text).toBe('9');
  });

  it('expands single-valued lookups with nested $select', async () => {
    const res = await h.dv('test', 'GET', "workflows?$select=name&$expand=ownerid($select=fullname)&$filter=name eq 'Invoice approval'", { as: rm });
    const row = (res.json()['value'] as Record<string, unknown>[])[0];
    expect((row?.['ownerid'] as { fullname: string }).fullname).toBe('# Contoso Release Pipeline');
  });
});

describe('single rows, ETags and bad input', () => {
  it('returns a row with its ETag and answers 304 to If-None-Match with that ETag', async () => {
    const env = h.env('dev');
    const flow = h.sb.ctx.store.rows(env, 'workflow').find((w) => w['name'] === 'Invoice approval');
    const id = String(flow?.['workflowid']);
    const res = await h.dv('dev', 'GET', `workflows(${id})?$select=name,statecode`, { as: rm });
    expect(res.status).toBe(200);
    expect(res.json()['@odata.context']).toBe(`${h.base}/orgs/contoso-dev/api/data/v9.2/$metadata#workflows(name,statecode)/$entity`);
    const etag = String(res.json()['@odata.etag']);
    expect(res.headers['etag']).toBe(etag);
    const again = await h.dv('dev', 'GET', `workflows(${id})?$select=name`, { as: rm, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const braces = await h.dv('dev', 'GET', `workflows({${id.toUpperCase()}})?$select=name`, { as: rm });
    expect(braces.status).toBe(200);
  });

  it('refuses a stale If-Match with 412 and the concurrency code', async () => {
    const env = h.env('dev');
    const ref = h.sb.ctx.store.rows(env, 'connectionreference')[0];
    const res = await h.dv('dev', 'PATCH', `connectionreferences(${String(ref?.['connectionreferenceid'])})`, {
      as: rm,
      headers: { 'if-match': 'W/"1"' },
      body: { description: 'x' },
    });
    expect(dvError(res)).toEqual({ status: 412, code: '0x80060882', message: "The version of the existing record doesn't match the RowVersion property provided." });
  });

  it('answers 404 with the platform text for a missing row, and 400 for a malformed key', async () => {
    const missing = '00000000-0000-0000-0000-000000000001';
    expect(dvError(await h.dv('dev', 'GET', `workflows(${missing})`, { as: rm }))).toEqual({
      status: 404,
      code: '0x80040217',
      message: `Entity 'workflow' With Id = ${missing} Does Not Exist`,
    });
    expect(dvError(await h.dv('dev', 'PATCH', `workflows(${missing})`, { as: rm, headers: { 'if-match': '*' }, body: { statecode: 1 } })).status).toBe(404);
    expect(dvError(await h.dv('dev', 'GET', 'workflows(not-a-guid)', { as: rm }))).toEqual({ status: 400, code: '0x80060888', message: 'Bad Request - Error in query syntax.' });
  });

  it('gives bad bodies a 400 with a specific message, never a 500', async () => {
    const env = h.env('dev');
    const id = String(h.sb.ctx.store.rows(env, 'connectionreference')[0]?.['connectionreferenceid']);
    const cases: [unknown, RegExp][] = [
      ['{"connectionid":', /Invalid JSON\./],
      ['[1,2]', /must be a JSON object/],
      [{ nosuchcolumn: 1 }, /The property 'nosuchcolumn' does not exist on type 'Microsoft\.Dynamics\.CRM\.connectionreference'/],
      [{ statecode: 'on' }, /Cannot convert the literal 'on' to the expected type 'Edm\.Int32'/],
      [{ 'ownerid@odata.bind': 'systemusers(nope)' }, /is not valid/],
      [{ connectionreferencedisplayname: 'x'.repeat(201) }, /exceeded the maximum allowed length of '200'/],
    ];
    for (const [body, message] of cases) {
      const res = await h.dv('dev', 'PATCH', `connectionreferences(${id})`, { as: rm, headers: { 'if-match': '*' }, body });
      expect(res.status).toBe(400);
      expect(dvError(res).message).toMatch(message);
    }
  });

  it('creates with POST (204 + OData-EntityId, or 201 with return=representation) and deletes', async () => {
    const env = h.env('test');
    const definition = h.sb.ctx.store.rows(env, 'environmentvariabledefinition').find((d) => d['schemaname'] === 'cont_NotifyMailbox');
    const defId = String(definition?.['environmentvariabledefinitionid']);
    const created = await h.dv('uat', 'POST', 'environmentvariablevalues', {
      as: rm,
      body: { schemaname: 'cont_NotifyMailbox', value: 'ops-uat@contoso.onmicrosoft.com', 'EnvironmentVariableDefinitionId@odata.bind': `/environmentvariabledefinitions(${defId})` },
    });
    expect(created.status).toBe(204);
    const entityId = created.headers['odata-entityid'] ?? '';
    expect(entityId).toMatch(new RegExp(`^${h.base}/orgs/contoso-uat/api/data/v9.2/environmentvariablevalues\\([0-9a-f-]{36}\\)$`));
    const valueId = /\(([^)]+)\)$/.exec(entityId)?.[1] ?? '';
    const read = await h.dv('uat', 'GET', `environmentvariablevalues(${valueId})?$select=value,_environmentvariabledefinitionid_value`, { as: rm });
    expect(read.json()['_environmentvariabledefinitionid_value']).toBe(defId);
    const rep = await h.dv('uat', 'PATCH', `environmentvariablevalues(${valueId})?$select=value`, { as: rm, headers: { prefer: 'return=representation', 'if-match': '*' }, body: { value: 'changed' } });
    expect(rep.status).toBe(200);
    expect(rep.json()['value']).toBe('changed');
    expect((await h.dv('uat', 'DELETE', `environmentvariablevalues(${valueId})`, { as: rm })).status).toBe(204);
    expect((await h.dv('uat', 'GET', `environmentvariablevalues(${valueId})`, { as: rm })).status).toBe(404);
  });
});

describe('robustness', () => {
  it('never answers 500 to malformed requests', async () => {
    const token = await h.token(rm, `${h.base}/orgs/contoso-dev`);
    const base = `${h.base}/orgs/contoso-dev/api/data/v9.2`;
    const auth = { authorization: `Bearer ${token}` };
    const cases: [string, string, string?, Record<string, string>?][] = [
      ['GET', `${base}/workflows?$filter=(((`],
      ['GET', `${base}/workflows?$filter=name eq 'a' and`],
      ['GET', `${base}/workflows?$filter=statecode eq 'x'`],
      ['GET', `${base}/workflows?$filter=workflowid eq 123`],
      ['GET', `${base}/workflows?$orderby=nosuch desc`],
      ['GET', `${base}/workflows?$top=-1`],
      ['GET', `${base}/workflows?$top=abc`],
      ['GET', `${base}/workflows?$expand=nosuch`],
      ['GET', `${base}/workflows?$expand=ownerid($select=nosuch)`],
      ['GET', `${base}/workflows?$select=name,,`],
      ['GET', `${base}/workflows?$skiptoken=garbage`],
      ['GET', `${base}/workflows?fetchXml=<fetch`],
      ['GET', `${base}/workflows?fetchXml=${encodeURIComponent('<fetch><entity name="account"/></fetch>')}`],
      ['GET', `${base}/workflows(%7Bzz%7D)`],
      ['GET', `${base}/workflows()`],
      ['GET', `${base}/workflows(00000000-0000-0000-0000-000000000000)/nosuch`],
      ['GET', `${base}/systemusers(00000000-0000-0000-0000-000000000000)/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='x')`],
      ['PUT', `${base}/workflows`],
      ['DELETE', `${base}/workflows`],
      ['POST', `${base}/workflows`, '\u0000\u0001'],
      ['POST', `${base}/workflows`, '{"name": 5}'],
      ['POST', `${base}/solutioncomponents`, '{}'],
      ['POST', `${base}/$batch`, 'no multipart here', { 'content-type': 'multipart/mixed; boundary=x' }],
      ['POST', `${base}/$batch`, 'x', { 'content-type': 'text/plain' }],
      ['PATCH', `${base}/workflows(00000000-0000-0000-0000-000000000000)`, 'null'],
      ['GET', `${base}/%E0%A4%A`],
    ];
    for (const [method, url, body, headers] of cases) {
      const res = await h.raw(method, url, { headers: { ...auth, 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body } : {}) });
      expect(res.status, `${method} ${url}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${url}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
      expect(res.text).not.toMatch(/at \w+ \(|\.ts:\d+/);
    }
  });
});
