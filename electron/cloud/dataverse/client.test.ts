import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../http/platform-error';
import { sandboxProfile } from '../profiles';
import { createDataverseClient, type DataverseClient } from './client';
import { odataString } from './odata-literals';
import { readCloudFlows } from './readers/cloud-flows';
import { readConnectionReferences } from './readers/connection-references';
import { readSolution } from './readers/solutions';
import { readSystemUsersByObjectIds } from './readers/system-users';
import { startCloudTestbed, type CloudTestbed } from './testkit';

const pipeline = { app: 'pipeline' } as const;

let tb: CloudTestbed;
beforeAll(async () => {
  tb = await startCloudTestbed();
});
afterAll(async () => {
  await tb.close();
});

async function references(dv: DataverseClient) {
  const solution = await readSolution(dv, 'ContosoOperations');
  if (!solution) throw new Error('no solution');
  return readConnectionReferences(dv, { solutionId: solution.id });
}

async function rowOf(dv: DataverseClient, set: string, key: string, id: string, select: string[]) {
  const [row] = await dv.query(set, { select, filter: `${key} eq ${id}` }).all();
  if (!row) throw new Error(`no ${set} ${id}`);
  return row;
}

async function expectPlatformError(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('Dataverse client', () => {
  it('validates the instance URL against the profile', () => {
    expect(() => createDataverseClient({ http: tb.http(pipeline), profile: tb.profile, instanceUrl: 'https://contoso.crm.dynamics.com/' })).toThrow(/not a Dataverse host/);
    const other = sandboxProfile(tb.h.base, tb.h.sb.caCertPem);
    const dv = createDataverseClient({ http: tb.http(pipeline), profile: other, instanceUrl: `${tb.h.base}/orgs/contoso-test` });
    expect(dv.instanceUrl).toBe(`${tb.h.base}/orgs/contoso-test/`);
    expect(dv.apiRoot).toBe(`${tb.h.base}/orgs/contoso-test/api/data/v9.2`);
  });

  it('WhoAmI reports the caller and the x-ms-dop-hint', async () => {
    const dv = tb.dataverse('test', pipeline);
    const me = await dv.whoAmI();
    expect(me.dopHint).toBe(4);
    const [spn] = await readSystemUsersByObjectIds(dv, [tb.h.oid(pipeline)]);
    expect(me.userId).toBe(spn?.id);
    expect(me.organizationId).toBe(tb.h.env('test').organizationId);
  });

  it('reads the Delegate privilege: the pipeline SPN has it in Test, not in Prod', async () => {
    for (const [stage, expected] of [
      ['test', true],
      ['prod', false],
    ] as const) {
      const dv = tb.dataverse(stage, pipeline);
      const me = await dv.whoAmI();
      expect(await dv.hasDelegatePrivilege(me.userId)).toBe(expected);
    }
  });

  it('follows @odata.nextLink verbatim with the same page size', async () => {
    const dv = tb.dataverse('dev', pipeline);
    await tb.clearLog();
    const query = dv.query('workflows', { select: ['workflowid', 'name'], filter: 'category eq 5', orderBy: 'name asc', maxPageSize: 5 });
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of query) {
      sizes.push(page.rows.length);
      ids.push(...page.rows.map((r) => String(r['workflowid'])));
    }
    const everything = await dv.query('workflows', { select: ['workflowid'], filter: 'category eq 5' }).all();
    expect(ids).toHaveLength(everything.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sizes.length).toBe(Math.ceil(everything.length / 5));
    expect(sizes.slice(0, -1).every((n) => n === 5)).toBe(true);
    const requests = (await tb.log()).filter((e) => e.path.includes('/workflows?'));
    expect(requests.slice(1, sizes.length).every((e) => e.path.includes('skiptoken'))).toBe(true);
  });

  it('pages FetchXML over 4 pages with paging cookies', async () => {
    const dv = tb.dataverse('test', pipeline);
    const solution = await readSolution(dv, 'ContosoOperations');
    if (!solution) throw new Error('no solution');
    await tb.clearLog();
    const paged = await readCloudFlows(dv, { solutionId: solution.id, pageSize: 5 });
    const fetches = (await tb.log()).filter((e) => e.path.includes('/workflows?fetchXml='));
    expect(fetches).toHaveLength(4);
    const xml = fetches.map((e) => decodeURIComponent(e.path.slice(e.path.indexOf('fetchXml=') + 9)));
    expect(xml[0]).toContain('page="1"');
    expect(xml[0]).not.toContain('paging-cookie');
    for (const [i, x] of xml.slice(1).entries()) {
      expect(x).toContain(`page="${i + 2}"`);
      expect(x).toMatch(/paging-cookie="&lt;cookie page=&quot;\d&quot;&gt;&lt;workflowid last=/);
    }
    const whole = await readCloudFlows(dv, { solutionId: solution.id });
    expect(paged.map((f) => f.id)).toEqual(whole.map((f) => f.id));
    expect(paged).toHaveLength(16);
  });

  it('update with a stale ETag is a concurrency error; If-Match * never creates', async () => {
    const dv = tb.dataverse('dev', pipeline);
    const [ref] = await references(dv);
    if (!ref) throw new Error('no reference');
    await dv.update('connectionreferences', ref.id, { description: 'first' }, { ifMatch: ref.etag });
    const stale = await expectPlatformError(dv.update('connectionreferences', ref.id, { description: 'second' }, { ifMatch: ref.etag }));
    expect(stale.kind).toBe('concurrency');
    expect(stale.status).toBe(412);
    expect(stale.code).toBe('0x80060882');
    expect((await rowOf(dv, 'connectionreferences', 'connectionreferenceid', ref.id, ['description']))['description']).toBe('first');

    const missing = '00000000-0000-4000-8000-000000000001';
    const notFound = await expectPlatformError(dv.update('connectionreferences', missing, { description: 'x' }, { ifMatch: '*' }));
    expect(notFound.status).toBe(404);
    expect(await dv.query('connectionreferences', { filter: `connectionreferenceid eq ${missing}` }).all()).toEqual([]);
    await expect(dv.update('connectionreferences', ref.id, {}, { ifMatch: 'stale' })).rejects.toThrow(/If-Match must be/);
  });

  it('an impersonated update records modifiedonbehalfby; without Delegate it is refused', async () => {
    const dv = tb.dataverse('test', pipeline);
    const owner = tb.h.oid({ user: 'serviceAccount' });
    const env = tb.h.env('test');
    const connection = tb.h.sb.ctx.store.state.connections.find(
      (c) => c.environmentId === env.id && c.apiName === 'shared_office365' && c.createdBy === owner && c.status.kind === 'Connected',
    );
    if (!connection) throw new Error('no connection');
    const ref = (await references(dv)).find((r) => r.connector === 'shared_office365');
    if (!ref) throw new Error('no reference');
    await dv.update('connectionreferences', ref.id, { connectionid: connection.name }, { ifMatch: ref.etag, impersonate: { callerObjectId: owner } });

    const row = await rowOf(dv, 'connectionreferences', 'connectionreferenceid', ref.id, ['connectionid', '_modifiedby_value', '_modifiedonbehalfby_value']);
    const me = await dv.whoAmI();
    const [ownerUser] = await readSystemUsersByObjectIds(dv, [owner]);
    expect(row['connectionid']).toBe(connection.name);
    expect(row['_modifiedonbehalfby_value']).toBe(me.userId);
    expect(row['_modifiedby_value']).toBe(ownerUser?.id);
    const log = await tb.log();
    expect(log.some((e) => e.method === 'PATCH' && e.onBehalfOf === owner && e.caller === tb.h.oid(pipeline))).toBe(true);

    const prod = tb.dataverse('prod', pipeline);
    const [prodRef] = await references(prod);
    if (!prodRef) throw new Error('no reference');
    const refused = await expectPlatformError(
      prod.update('connectionreferences', prodRef.id, { description: 'x' }, { ifMatch: '*', impersonate: { callerObjectId: tb.h.oid({ user: 'prodOwner' }) } }),
    );
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('0x8004A110');
  });

  it('creates a row and returns its id', async () => {
    const dv = tb.dataverse('dev', pipeline);
    const id = await dv.create('connectionreferences', {
      connectionreferencelogicalname: 'cont_sharedsql_new01',
      connectionreferencedisplayname: 'New SQL reference',
      connectorid: '/providers/Microsoft.PowerApps/apis/shared_sql',
    });
    const row = await rowOf(dv, 'connectionreferences', 'connectionreferenceid', id, ['connectionreferencelogicalname']);
    expect(row['connectionreferencelogicalname']).toBe('cont_sharedsql_new01');
  });

  it('$batch: a change set whose second part fails applies nothing', async () => {
    const dv = tb.dataverse('uat', pipeline);
    const [a, b] = await references(dv);
    if (!a || !b) throw new Error('no references');
    const missing = '00000000-0000-4000-8000-000000000002';
    const results = await dv.batch([
      {
        changeset: [
          { method: 'PATCH', url: `connectionreferences(${a.id})`, headers: { 'if-match': '*' }, body: { description: 'in change set' } },
          { method: 'PATCH', url: `connectionreferences(${missing})`, headers: { 'if-match': '*' }, body: { description: 'nope' } },
        ],
      },
      { method: 'PATCH', url: `connectionreferences(${b.id})`, headers: { 'if-match': '*' }, body: { description: 'after' } },
    ]);
    expect(results.some((r) => r.status === 404)).toBe(true);
    expect(results.every((r) => r.status >= 400)).toBe(true);
    const rowA = await rowOf(dv, 'connectionreferences', 'connectionreferenceid', a.id, ['description']);
    const rowB = await rowOf(dv, 'connectionreferences', 'connectionreferenceid', b.id, ['description']);
    expect(rowA['description'] ?? null).toBeNull();
    expect(rowB['description'] ?? null).toBeNull();
  });

  it('$batch with continue-on-error runs every part and reports each', async () => {
    const dv = tb.dataverse('uat', pipeline);
    const [, , c] = await references(dv);
    if (!c) throw new Error('no reference');
    const missing = '00000000-0000-4000-8000-000000000003';
    const results = await dv.batch(
      [
        { method: 'PATCH', url: `connectionreferences(${missing})`, headers: { 'if-match': '*' }, body: { description: 'nope' } },
        { changeset: [{ method: 'PATCH', url: `connectionreferences(${c.id})`, headers: { 'if-match': '*' }, body: { description: 'kept going' } }] },
        { method: 'GET', url: `solutions?$select=uniquename&$filter=uniquename eq ${odataString('ContosoOperations')}` },
      ],
      { continueOnError: true },
    );
    expect(results.map((r) => r.status)).toEqual([404, 204, 200]);
    expect((JSON.parse(results[2]?.text ?? '{}') as { value: unknown[] }).value).toHaveLength(1);
    expect((await rowOf(dv, 'connectionreferences', 'connectionreferenceid', c.id, ['description']))['description']).toBe('kept going');
  });
});
