import { describe, expect, it } from 'vitest';
import type { SbRequest, SbResponse } from '../../http';
import { type BatchEngineOptions, handleBatch, prefersContinueOnError, resolveInnerUrl } from './engine';
import { type BatchResponsePart, flattenBatchResponse, parseBatchResponse } from './response-parser';
import type { BatchResponseItem } from './response-parser';

// The engine's contract is the execute/transaction callbacks, so a tiny in-memory table service stands
// in for the real Dataverse service here.

const ROOT = 'https://127.0.0.1:8443/orgs/contoso-dev/api/data/v9.2/';
const ORIGIN_ROOT = 'https://127.0.0.1:8443/orgs/contoso-dev/api/data/v9.2';

type Row = Record<string, unknown>;
type Tables = Map<string, Map<string, Row>>;

interface Fake {
  options: BatchEngineOptions;
  tables(): Tables;
  calls: SbRequest[];
  commits: number;
  rollbacks: number;
  /** Makes `execute` throw for requests whose path contains this text. */
  throwOn: string | null;
}

function guidSource(prefix = '0000'): () => string {
  let n = 0;
  return () => `${prefix}0000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

function dataverseError(status: number, code: string, message: string): SbResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'odata-version': '4.0', 'x-ms-service-request-id': 'srv' },
    body: JSON.stringify({ error: { code, message } }),
  };
}

function fakeDataverse(seed: Record<string, Row[]> = {}): Fake {
  let tables: Tables = new Map();
  for (const set of ['tasks', 'accounts', 'contacts', 'leads', 'workflows']) {
    tables.set(set, new Map((seed[set] ?? []).map((row) => [String(row['id']), row])));
  }
  const newRowId = guidSource('aaaa');
  const fake: Fake = {
    tables: () => tables,
    calls: [],
    commits: 0,
    rollbacks: 0,
    throwOn: null,
    options: {
      serviceRoot: ROOT,
      newGuid: guidSource(),
      transaction: () => {
        const saved = structuredClone(tables);
        return {
          commit: () => {
            fake.commits += 1;
          },
          rollback: () => {
            tables = saved;
            fake.rollbacks += 1;
          },
        };
      },
      execute: (req) => {
        fake.calls.push(req);
        if (fake.throwOn !== null && req.path.includes(fake.throwOn)) return Promise.reject(new Error('boom'));
        return Promise.resolve(serve(req));
      },
    },
  };

  const entityUrl = (set: string, id: string): string => `${ORIGIN_ROOT}/${set}(${id})`;
  const bindTarget = (value: string): Row | undefined => {
    const m = /([a-z]+)\(([0-9a-f-]+)\)$/.exec(value);
    return m ? tables.get(m[1] ?? '')?.get(m[2] ?? '') : undefined;
  };

  function serve(req: SbRequest): SbResponse {
    const m = /^\/api\/data\/v9\.2\/([a-z]+)(?:\(([0-9a-f-]+)\))?(?:\/([a-z]+))?(\/\$ref)?$/.exec(req.path);
    const set = m?.[1] ?? '';
    const table = tables.get(set);
    if (!m || !table) {
      return dataverseError(404, '0x80060888', `Resource not found for the segment '${req.path.split('/').pop() ?? ''}'.`);
    }
    const id = m[2];
    const body = req.body.length > 0 ? (JSON.parse(req.body.toString('utf8')) as Row) : {};
    for (const [key, value] of Object.entries(body)) {
      if (key.endsWith('@odata.bind') && typeof value === 'string' && bindTarget(value) === undefined) {
        return dataverseError(400, '0x80040217', `Bound record '${value}' does not exist.`);
      }
    }
    if (req.method === 'GET') {
      if (id !== undefined) {
        const row = table.get(id);
        if (!row) return dataverseError(404, '0x80040217', `Entity '${set}' With Id = ${id} Does Not Exist`);
        return { status: 200, headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' }, body: JSON.stringify(row) };
      }
      const select = req.url.searchParams.get('$select')?.split(',');
      const value = [...table.values()].map((row) =>
        select ? Object.fromEntries(Object.entries(row).filter(([k]) => select.includes(k) || k === 'id')) : row,
      );
      return {
        status: 200,
        headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' },
        body: JSON.stringify({ '@odata.context': `${ORIGIN_ROOT}/$metadata#${set}`, value }),
      };
    }
    if (req.method === 'POST' && id === undefined) {
      if (typeof body['subject'] === 'string' && body['subject'].length > 20) {
        return dataverseError(
          400,
          '0x80044331',
          "A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '20'.",
        );
      }
      const newId = newRowId();
      table.set(newId, { id: newId, ...body });
      return { status: 204, headers: { 'odata-version': '4.0', 'odata-entityid': entityUrl(set, newId) } };
    }
    if (id === undefined) return dataverseError(405, '0x80060888', 'Method not allowed on a collection.');
    const row = table.get(id);
    if (!row) return dataverseError(404, '0x80040217', `Entity '${set}' With Id = ${id} Does Not Exist`);
    if (req.method === 'PATCH') {
      Object.assign(row, body);
      return { status: 204, headers: { 'odata-version': '4.0', 'odata-entityid': entityUrl(set, id) } };
    }
    if (req.method === 'PUT' && m[3] !== undefined) {
      row[m[4] === undefined ? m[3] : `${m[3]}@ref`] = m[4] === undefined ? body['value'] : body['@odata.id'];
      return { status: 204, headers: { 'odata-version': '4.0' } };
    }
    if (req.method === 'DELETE') {
      table.delete(id);
      return { status: 204, headers: { 'odata-version': '4.0' } };
    }
    return dataverseError(405, '0x80060888', 'Method not allowed.');
  }

  return fake;
}

function outerRequest(body: string, headers: Record<string, string> = {}): SbRequest {
  return {
    method: 'POST',
    url: new URL(`${ROOT}$batch`),
    path: '/api/data/v9.2/$batch',
    headers: {
      authorization: 'Bearer outer-token',
      callerobjectid: '99999999-9999-4999-8999-999999999999',
      accept: 'application/json',
      'odata-version': '4.0',
      'content-type': 'multipart/mixed; boundary="batch_t"',
      ...headers,
    },
    body: Buffer.from(body.replace(/\r?\n/g, '\r\n'), 'utf8'),
    remoteAddress: '127.0.0.1',
    requestId: 'outer-request-id',
  };
}

interface PartSpec {
  method: string;
  target: string;
  body?: unknown;
  contentId?: string;
  headers?: Record<string, string>;
}

function part(spec: PartSpec): string {
  const mime = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (spec.contentId !== undefined) mime.push(`Content-ID: ${spec.contentId}`);
  const inner = Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  if (spec.body !== undefined) inner.push('Content-Type: application/json');
  const body = spec.body === undefined ? '' : JSON.stringify(spec.body);
  return [...mime, '', `${spec.method} ${spec.target} HTTP/1.1`, ...inner, '', body].join('\n');
}

function changeSet(boundary: string, parts: PartSpec[]): string {
  return [`Content-Type: multipart/mixed; boundary=${boundary}`, '', ...parts.map((p) => `--${boundary}\n${part(p)}`), `--${boundary}--`].join('\n');
}

function batchBody(items: Array<PartSpec | string>): string {
  return `${items.map((item) => `--batch_t\n${typeof item === 'string' ? item : part(item)}`).join('\n')}\n--batch_t--\n`;
}

async function run(fake: Fake, body: string, headers: Record<string, string> = {}): Promise<{ response: SbResponse; items: BatchResponseItem[] }> {
  const response = await handleBatch(outerRequest(body, headers), fake.options);
  const contentType = response.headers['content-type'];
  if (typeof contentType !== 'string' || !contentType.startsWith('multipart/mixed')) return { response, items: [] };
  const parsed = parseBatchResponse(contentType, response.body ?? '');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return { response, items: parsed.value };
}

function json(part: BatchResponsePart | undefined): unknown {
  return JSON.parse(part?.body ?? 'null') as unknown;
}

function bodyText(response: SbResponse): string {
  return Buffer.from(response.body ?? '').toString('utf8');
}

const tooLong = 'Subject is too long xxxxxxxxxxxxxxxxxxxxxxxx';

describe('handleBatch: requests outside change sets', () => {
  it('runs a batch of GETs in order, each through execute as its own request', async () => {
    const fake = fakeDataverse({
      workflows: [
        { id: '11111111-1111-1111-1111-111111111111', name: 'Flow A', statecode: 0 },
        { id: '22222222-2222-2222-2222-222222222222', name: 'Flow B', statecode: 1 },
      ],
    });
    const { response, items } = await run(
      fake,
      batchBody([
        { method: 'GET', target: '/api/data/v9.2/workflows?$select=name' },
        { method: 'GET', target: 'workflows(22222222-2222-2222-2222-222222222222)', headers: { CallerObjectId: 'part-caller', Prefer: 'odata.include-annotations="*"' } },
        { method: 'GET', target: `${ROOT}workflows(11111111-1111-1111-1111-111111111111)` },
      ]),
      { prefer: 'odata.continue-on-error', 'if-none-match': 'null' },
    );

    expect(response.status).toBe(200);
    expect(response.headers['odata-version']).toBe('4.0');
    expect(response.headers['content-type']).toMatch(/^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/);
    const parts = flattenBatchResponse(items);
    expect(parts.map((p) => p.status)).toEqual([200, 200, 200]);
    expect(parts.map((p) => p.headers['content-type'])).toEqual(
      Array(3).fill('application/json; odata.metadata=minimal; odata.streaming=true'),
    );
    expect(json(parts[0])).toEqual({
      '@odata.context': `${ORIGIN_ROOT}/$metadata#workflows`,
      value: [
        { id: '11111111-1111-1111-1111-111111111111', name: 'Flow A' },
        { id: '22222222-2222-2222-2222-222222222222', name: 'Flow B' },
      ],
    });
    expect(json(parts[1])).toEqual({ id: '22222222-2222-2222-2222-222222222222', name: 'Flow B', statecode: 1 });

    // Inner requests: URL resolved against the service root (org prefix kept), path below the prefix,
    // outer auth/impersonation inherited unless the part overrides, Prefer/If-None-Match not inherited.
    expect(fake.calls.map((c) => [c.method, c.url.href, c.path])).toEqual([
      ['GET', `${ROOT}workflows?$select=name`, '/api/data/v9.2/workflows'],
      ['GET', `${ROOT}workflows(22222222-2222-2222-2222-222222222222)`, '/api/data/v9.2/workflows(22222222-2222-2222-2222-222222222222)'],
      ['GET', `${ROOT}workflows(11111111-1111-1111-1111-111111111111)`, '/api/data/v9.2/workflows(11111111-1111-1111-1111-111111111111)'],
    ]);
    expect(fake.calls[0]?.headers).toEqual({
      authorization: 'Bearer outer-token',
      callerobjectid: '99999999-9999-4999-8999-999999999999',
      accept: 'application/json',
      'odata-version': '4.0',
    });
    expect(fake.calls[1]?.headers).toMatchObject({
      authorization: 'Bearer outer-token',
      callerobjectid: 'part-caller',
      prefer: 'odata.include-annotations="*"',
    });
    expect(fake.calls.every((c) => c.remoteAddress === '127.0.0.1' && c.body.length === 0)).toBe(true);
    const ids = fake.calls.map((c) => c.requestId);
    expect(new Set([...ids, 'outer-request-id']).size).toBe(4);
  });

  it('writes the exact platform shape (CRLF, headers, blank lines)', async () => {
    const fake = fakeDataverse({ workflows: [{ id: '11111111-1111-1111-1111-111111111111', name: 'A' }] });
    fake.options.newGuid = guidSource();
    const { response } = await run(
      fake,
      batchBody([
        { method: 'POST', target: '/api/data/v9.2/tasks', body: { subject: 'Task 1' } },
        { method: 'GET', target: 'workflows(11111111-1111-1111-1111-111111111111)' },
      ]),
    );
    // Guid 1 and 2 went to the inner requests; 3 is the response boundary.
    expect(response.headers['content-type']).toBe('multipart/mixed; boundary=batchresponse_00000000-0000-4000-8000-000000000003');
    expect(bodyText(response)).toBe(
      [
        '--batchresponse_00000000-0000-4000-8000-000000000003',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        'HTTP/1.1 204 No Content',
        'OData-Version: 4.0',
        `Location: ${ORIGIN_ROOT}/tasks(aaaa0000-0000-4000-8000-000000000001)`,
        `OData-EntityId: ${ORIGIN_ROOT}/tasks(aaaa0000-0000-4000-8000-000000000001)`,
        '',
        '',
        '--batchresponse_00000000-0000-4000-8000-000000000003',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        'HTTP/1.1 200 OK',
        'Content-Type: application/json; odata.metadata=minimal; odata.streaming=true',
        'OData-Version: 4.0',
        '',
        '{"id":"11111111-1111-1111-1111-111111111111","name":"A"}',
        '--batchresponse_00000000-0000-4000-8000-000000000003--',
        '',
      ].join('\r\n'),
    );
  });

  it('stops at the first failure without continue-on-error: 400, the responses so far ending with the failed one', async () => {
    const fake = fakeDataverse();
    const { response, items } = await run(
      fake,
      batchBody([
        { method: 'POST', target: 'tasks', body: { subject: 'Task 1' } },
        { method: 'POST', target: 'tasks', body: { subject: tooLong } },
        { method: 'POST', target: 'tasks', body: { subject: 'Task 3' } },
      ]),
    );
    expect(response.status).toBe(400);
    expect(fake.calls).toHaveLength(2);
    expect(fake.tables().get('tasks')?.size).toBe(1);
    const parts = flattenBatchResponse(items);
    expect(parts.map((p) => [p.status, p.statusText])).toEqual([
      [204, 'No Content'],
      [400, 'Bad Request'],
    ]);
    const failed = parts[1];
    expect(failed?.headers).toEqual({
      req_id: fake.calls[1]?.requestId,
      'content-type': 'application/json; odata.metadata=minimal',
      'odata-version': '4.0',
    });
    expect(json(failed)).toEqual({
      error: {
        code: '0x80044331',
        message: "A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '20'.",
      },
    });
  });

  it('with Prefer: odata.continue-on-error runs everything and answers 200 with per-part statuses', async () => {
    const fake = fakeDataverse();
    const { response, items } = await run(
      fake,
      batchBody([
        { method: 'POST', target: 'tasks', body: { subject: tooLong } },
        { method: 'POST', target: 'tasks', body: { subject: 'Task 2' } },
        { method: 'GET', target: 'nosuchset' },
        { method: 'POST', target: 'tasks', body: { subject: 'Task 3' } },
      ]),
      { prefer: 'return=representation,odata.continue-on-error' },
    );
    expect(response.status).toBe(200);
    expect(fake.calls).toHaveLength(4);
    expect(flattenBatchResponse(items).map((p) => p.status)).toEqual([400, 204, 404, 204]);
    expect(json(flattenBatchResponse(items)[2])).toEqual({
      error: { code: '0x80060888', message: "Resource not found for the segment 'nosuchset'." },
    });
    expect(fake.tables().get('tasks')?.size).toBe(2);
  });
});

describe('handleBatch: change sets', () => {
  it('commits a change set of POST + PATCH $1 and echoes Content-IDs', async () => {
    const fake = fakeDataverse();
    const { response, items } = await run(
      fake,
      batchBody([
        changeSet('changeset_c1', [
          { method: 'POST', target: '/api/data/v9.2/accounts', body: { name: 'Contoso' }, contentId: '1' },
          { method: 'PATCH', target: '$1', body: { name: 'Contoso Ltd' }, contentId: '2', headers: { 'If-Match': '*' } },
        ]),
      ]),
    );
    expect(response.status).toBe(200);
    expect(fake.commits).toBe(1);
    expect(fake.rollbacks).toBe(0);
    const accountUrl = `${ORIGIN_ROOT}/accounts(aaaa0000-0000-4000-8000-000000000001)`;
    expect(fake.calls[1]?.url.href).toBe(accountUrl);
    expect(fake.calls[1]?.path).toBe('/api/data/v9.2/accounts(aaaa0000-0000-4000-8000-000000000001)');
    expect(fake.calls[1]?.headers['if-match']).toBe('*');
    expect([...(fake.tables().get('accounts')?.values() ?? [])]).toEqual([
      { id: 'aaaa0000-0000-4000-8000-000000000001', name: 'Contoso Ltd' },
    ]);
    expect(items).toHaveLength(1);
    const set = items[0];
    expect(set?.kind).toBe('changeset');
    const parts = flattenBatchResponse(items);
    expect(parts.map((p) => [p.contentId, p.status, p.headers['location'], p.headers['odata-entityid']])).toEqual([
      ['1', 204, accountUrl, accountUrl],
      ['2', 204, accountUrl, accountUrl],
    ]);
    expect(bodyText(response)).toMatch(
      /\r\nContent-Type: multipart\/mixed; boundary=changesetresponse_[0-9a-f-]{36}\r\n\r\n--changesetresponse_/,
    );
    expect(bodyText(response)).toMatch(/--changesetresponse_[0-9a-f-]{36}--\r\n--batchresponse_[0-9a-f-]{36}--\r\n$/);
  });

  it('rolls back a change set whose second part fails; its response is just the failed part', async () => {
    const fake = fakeDataverse();
    const { response, items } = await run(
      fake,
      batchBody([
        changeSet('changeset_c1', [
          { method: 'POST', target: 'tasks', body: { subject: 'Task 1' }, contentId: '1' },
          { method: 'POST', target: 'tasks', body: { subject: tooLong }, contentId: '2' },
          { method: 'POST', target: 'tasks', body: { subject: 'Task 3' }, contentId: '3' },
        ]),
        { method: 'GET', target: 'tasks' },
      ]),
    );
    expect(response.status).toBe(400);
    expect(fake.calls).toHaveLength(2);
    expect(fake.rollbacks).toBe(1);
    expect(fake.commits).toBe(0);
    expect(fake.tables().get('tasks')?.size).toBe(0);
    expect(items).toHaveLength(1);
    const set = items[0];
    expect(set?.kind === 'changeset' && set.parts.map((p) => [p.contentId, p.status])).toEqual([['2', 400]]);
    expect(set?.kind === 'changeset' && set.parts[0]?.headers['req_id']).toBe(fake.calls[1]?.requestId);
  });

  it('with continue-on-error, a failed change set is rolled back and later parts still run', async () => {
    const fake = fakeDataverse();
    const { response, items } = await run(
      fake,
      batchBody([
        changeSet('cs_a', [
          { method: 'POST', target: 'tasks', body: { subject: 'A1' }, contentId: '1' },
          { method: 'POST', target: 'tasks', body: { subject: tooLong }, contentId: '2' },
        ]),
        changeSet('cs_b', [
          { method: 'POST', target: 'tasks', body: { subject: 'B1' }, contentId: '1' },
          { method: 'POST', target: 'tasks', body: { subject: 'B2' }, contentId: '2' },
        ]),
        { method: 'GET', target: 'tasks?$select=subject' },
      ]),
      { prefer: 'odata.continue-on-error' },
    );
    expect(response.status).toBe(200);
    expect(fake.rollbacks).toBe(1);
    expect(fake.commits).toBe(1);
    expect(items.map((i) => (i.kind === 'changeset' ? i.parts.map((p) => `${p.contentId}:${p.status}`) : [`${i.status}`]))).toEqual([
      ['2:400'],
      ['1:204', '2:204'],
      ['200'],
    ]);
    const last = items[2];
    expect(last?.kind === 'response' && (JSON.parse(last.body) as { value: Row[] }).value.map((r) => r['subject'])).toEqual(['B1', 'B2']);
  });

  it('resolves $n inside @odata.bind and @odata.id values and $n/… URLs (docs samples)', async () => {
    const fake = fakeDataverse();
    const { response } = await run(
      fake,
      batchBody([
        changeSet('changeset_dd81ccab', [
          { method: 'POST', target: `${ROOT}leads`, body: { firstname: 'first name' }, contentId: '1' },
          { method: 'POST', target: `${ROOT}contacts`, body: { firstname: 'first name' }, contentId: '2' },
          {
            method: 'POST',
            target: `${ROOT}accounts`,
            body: { name: 'IcM Account', 'originatingleadid@odata.bind': '$1', 'primarycontactid@odata.bind': '$2' },
            contentId: '3',
          },
          { method: 'PUT', target: '$3/primarycontactid/$ref', body: { '@odata.id': '$2' }, contentId: '4' },
          { method: 'PUT', target: '$2/lastname', body: { value: 'BBBBB' }, contentId: '5' },
        ]),
      ]),
    );
    expect(response.status).toBe(200);
    const lead = `${ORIGIN_ROOT}/leads(aaaa0000-0000-4000-8000-000000000001)`;
    const contact = `${ORIGIN_ROOT}/contacts(aaaa0000-0000-4000-8000-000000000002)`;
    const account = `${ORIGIN_ROOT}/accounts(aaaa0000-0000-4000-8000-000000000003)`;
    expect(JSON.parse(fake.calls[2]?.body.toString('utf8') ?? '')).toEqual({
      name: 'IcM Account',
      'originatingleadid@odata.bind': lead,
      'primarycontactid@odata.bind': contact,
    });
    expect(fake.calls[3]?.url.href).toBe(`${account}/primarycontactid/$ref`);
    expect(fake.calls[3]?.path).toBe('/api/data/v9.2/accounts(aaaa0000-0000-4000-8000-000000000003)/primarycontactid/$ref');
    expect(JSON.parse(fake.calls[3]?.body.toString('utf8') ?? '')).toEqual({ '@odata.id': contact });
    expect(fake.calls[4]?.url.href).toBe(`${contact}/lastname`);
    expect(fake.tables().get('contacts')?.get('aaaa0000-0000-4000-8000-000000000002')).toEqual({
      id: 'aaaa0000-0000-4000-8000-000000000002',
      firstname: 'first name',
      lastname: 'BBBBB',
    });
  });

  it('answers a part whose referenced part produced no entity URL with the Content-ID error, and rolls back', async () => {
    const fake = fakeDataverse({ tasks: [{ id: '33333333-3333-3333-3333-333333333333', subject: 'x' }] });
    const { response, items } = await run(
      fake,
      batchBody([
        changeSet('cs', [
          { method: 'DELETE', target: 'tasks(33333333-3333-3333-3333-333333333333)', contentId: '1' },
          { method: 'PATCH', target: '$1', body: { subject: 'y' }, contentId: '2' },
        ]),
      ]),
    );
    expect(response.status).toBe(400);
    expect(fake.calls).toHaveLength(1);
    expect(fake.rollbacks).toBe(1);
    expect(fake.tables().get('tasks')?.size).toBe(1);
    const parts = flattenBatchResponse(items);
    expect(parts.map((p) => [p.contentId, p.status])).toEqual([['2', 400]]);
    expect(json(parts[0])).toEqual({
      error: { code: '0x80060888', message: "Content-ID Reference: '$1' does not exist in the batch context." },
    });
  });

  it('turns an inner request that throws into a 500 part and rolls its change set back', async () => {
    const fake = fakeDataverse();
    fake.throwOn = 'contacts';
    const { response, items } = await run(
      fake,
      batchBody([
        changeSet('cs', [
          { method: 'POST', target: 'accounts', body: { name: 'A' }, contentId: '1' },
          { method: 'POST', target: 'contacts', body: { firstname: 'B' }, contentId: '2' },
        ]),
      ]),
    );
    expect(response.status).toBe(400);
    expect(fake.tables().get('accounts')?.size).toBe(0);
    const parts = flattenBatchResponse(items);
    expect(parts.map((p) => [p.status, p.statusText])).toEqual([[500, 'Internal Server Error']]);
    expect(json(parts[0])).toEqual({ error: { code: '0x80040216', message: 'An unexpected error occurred.' } });
  });
});

describe('handleBatch: whole-batch errors (400 envelope, nothing runs)', () => {
  const envelope = (message: string, code = '0x80060888'): unknown => ({ error: { code, message } });
  const cases: Array<{ name: string; body: string; contentType?: string; status?: number; message: string }> = [
    {
      name: 'a Content-ID referenced before it is declared (docs sample)',
      body: batchBody([
        changeSet('changeset_BBB456', [
          { method: 'POST', target: 'tasks', body: { subject: 'call', 'regardingobjectid_account_task@odata.bind': '$1' }, contentId: '2' },
          { method: 'POST', target: 'accounts', body: { name: 'QQQQ' }, contentId: '1' },
        ]),
      ]),
      message: "Content-ID Reference: '$1' does not exist in the batch context.",
    },
    {
      name: 'a $n URL outside a change set',
      body: batchBody([{ method: 'PATCH', target: '$1', body: { name: 'x' } }]),
      message: "Content-ID Reference: '$1' does not exist in the batch context.",
    },
    {
      name: 'a $n URL naming a Content-ID of another change set',
      body: batchBody([
        changeSet('cs1', [{ method: 'POST', target: 'accounts', body: { name: 'a' }, contentId: '1' }]),
        changeSet('cs2', [{ method: 'PATCH', target: '$1', body: { name: 'b' }, contentId: '2' }]),
      ]),
      message: "Content-ID Reference: '$1' does not exist in the batch context.",
    },
    {
      name: 'GET inside a change set',
      body: batchBody([
        changeSet('cs', [
          { method: 'POST', target: 'accounts', body: { name: 'a' }, contentId: '1' },
          { method: 'GET', target: 'accounts', contentId: '2' },
        ]),
      ]),
      message:
        "An invalid HTTP method 'GET' was detected for a request in a change set. Requests in change sets only support the HTTP methods 'POST', 'PUT', 'DELETE', and 'PATCH'.",
    },
    {
      name: 'a nested batch',
      body: batchBody([{ method: 'POST', target: '/api/data/v9.2/$batch' }]),
      message: 'A batch request cannot contain another batch request.',
    },
    {
      name: 'a change set inside a change set',
      body: batchBody([changeSet('cs', []).replace('--cs--', `--cs\n${changeSet('inner', [{ method: 'POST', target: 'accounts', body: {} }])}\n--cs--`)]),
      message: 'Nested change sets in a batch payload are not supported.',
    },
    {
      name: 'a duplicate Content-ID in a change set',
      body: batchBody([
        changeSet('cs', [
          { method: 'POST', target: 'accounts', body: { name: 'a' }, contentId: '1' },
          { method: 'POST', target: 'accounts', body: { name: 'b' }, contentId: '1' },
        ]),
      ]),
      message:
        "The content ID '1' was found more than once in the same change set or same batch request. Content IDs have to be unique across all operations of a change set for OData V4.0 and have to be unique across all operations in the whole batch request for OData V4.01.",
    },
    {
      name: 'no boundary parameter',
      body: batchBody([{ method: 'GET', target: 'accounts' }]),
      contentType: 'multipart/mixed',
      message:
        "The content type 'multipart/mixed' specifies a batch payload; however, the payload either does not include a batch boundary or includes more than one boundary. In OData, batch payload content types must specify exactly one batch boundary in the 'boundary' parameter of the content type.",
    },
    {
      name: 'two boundary parameters',
      body: batchBody([{ method: 'GET', target: 'accounts' }]),
      contentType: 'multipart/mixed; boundary=batch_t; boundary=other',
      message:
        "The content type 'multipart/mixed; boundary=batch_t; boundary=other' specifies a batch payload; however, the payload either does not include a batch boundary or includes more than one boundary. In OData, batch payload content types must specify exactly one batch boundary in the 'boundary' parameter of the content type.",
    },
    {
      name: 'a change set without a boundary',
      body: batchBody([changeSet('cs', [{ method: 'POST', target: 'accounts', body: {} }]).replace('; boundary=cs', '')]),
      message:
        "The content type 'multipart/mixed' specifies a batch payload; however, the payload either does not include a batch boundary or includes more than one boundary. In OData, batch payload content types must specify exactly one batch boundary in the 'boundary' parameter of the content type.",
    },
    {
      name: 'a missing closing delimiter',
      body: batchBody([{ method: 'GET', target: 'accounts' }]).replace('--batch_t--\n', ''),
      message: 'Encountered an unexpected end of input while reading the batch payload.',
    },
    {
      name: 'a change set missing its closing delimiter',
      body: batchBody([changeSet('cs', [{ method: 'POST', target: 'accounts', body: {} }]).replace('--cs--', '')]),
      message: 'Encountered an unexpected end of input while reading the batch payload.',
    },
    {
      name: 'an empty body',
      body: '',
      message: 'Encountered an unexpected end of input while reading the batch payload.',
    },
    {
      name: 'a body that does not use the boundary',
      body: batchBody([{ method: 'GET', target: 'accounts' }]).replaceAll('batch_t', 'batch_other'),
      message: 'Encountered an unexpected end of input while reading the batch payload.',
    },
    {
      name: 'a part without a request line',
      body: '--batch_t\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\n--batch_t--\n',
      message:
        "The request line '' is invalid. The request line at the start of each operation must be of the format 'HttpMethod RequestUrl HttpVersion'.",
    },
    {
      name: 'a request line without a version',
      body: '--batch_t\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\nGET /api/data/v9.2/accounts\n\n--batch_t--\n',
      message:
        "The request line 'GET /api/data/v9.2/accounts' is invalid. The request line at the start of each operation must be of the format 'HttpMethod RequestUrl HttpVersion'.",
    },
    {
      name: 'a request line with HTTP/1.0',
      body: batchBody([{ method: 'GET', target: 'accounts' }]).replace('HTTP/1.1', 'HTTP/1.0'),
      message: "The HTTP version 'HTTP/1.0' used in a batch operation request or response is not valid. The value must be 'HTTP/1.1'.",
    },
    {
      name: 'a lower-case method',
      body: batchBody([{ method: 'get', target: 'accounts' }]),
      message:
        "The string 'get' cannot be converted into a supported HTTP method. The only supported HTTP methods are GET, DELETE, PUT, POST and PATCH.",
    },
    {
      name: 'a target that is not a URL',
      body: batchBody([{ method: 'GET', target: 'http://[::1' }]),
      message:
        "The request line 'GET http://[::1 HTTP/1.1' is invalid. The request line at the start of each operation must be of the format 'HttpMethod RequestUrl HttpVersion'.",
    },
    {
      name: 'a part without Content-Type',
      body: '--batch_t\nContent-Transfer-Encoding: binary\n\nGET accounts HTTP/1.1\n\n--batch_t--\n',
      message: "The 'Content-Type' header is missing. The 'Content-Type' header must be specified for each MIME part of a batch message.",
    },
    {
      name: 'a part of another content type',
      body: '--batch_t\nContent-Type: text/plain\n\nhello\n--batch_t--\n',
      message:
        "The 'Content-Type' header value 'text/plain' is invalid. When this is the start of the change set, the value must be 'multipart/mixed'; otherwise it must be 'application/http'.",
    },
    {
      name: 'a part without Content-Transfer-Encoding',
      body: '--batch_t\nContent-Type: application/http\n\nGET accounts HTTP/1.1\n\n--batch_t--\n',
      message:
        "A missing or invalid 'Content-Transfer-Encoding' header was found. The 'Content-Transfer-Encoding' header must be specified for each batch operation, and its value must be 'binary'.",
    },
    {
      name: 'a header line without a colon',
      body: '--batch_t\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\nGET accounts HTTP/1.1\nAccept application/json\n\n--batch_t--\n',
      message: "The message header 'Accept application/json' is invalid. The header value must be of the format '<header name>: <header value>'.",
    },
    {
      name: 'a header given twice in a part',
      body: '--batch_t\nContent-Type: application/http\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\nGET accounts HTTP/1.1\n\n--batch_t--\n',
      message: "The header 'Content-Type' was specified multiple times. Each header must appear only once in a batch part.",
    },
    {
      name: 'a missing Content-Type on the outer request',
      body: batchBody([{ method: 'GET', target: 'accounts' }]),
      contentType: '',
      status: 415,
      message: 'A missing or empty content type header was found when trying to read a message. The content type header is required.',
    },
    {
      name: 'a JSON outer request',
      body: '{"requests":[]}',
      contentType: 'application/json',
      status: 415,
      message:
        "A supported MIME type could not be found that matches the content type of the response. None of the supported type(s) 'multipart/mixed' matches the content type 'application/json'.",
    },
  ];

  it.each(cases)('$name', async ({ body, contentType, status, message }) => {
    const fake = fakeDataverse();
    const response = await handleBatch(
      outerRequest(body, contentType === undefined ? {} : { 'content-type': contentType }),
      fake.options,
    );
    expect(response.status).toBe(status ?? 400);
    expect(response.headers).toEqual({ 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' });
    expect(JSON.parse(bodyText(response))).toEqual(envelope(message));
    expect(fake.calls).toHaveLength(0);
  });
});

describe('handleBatch: the 1000-request limit', () => {
  const gets = (n: number): PartSpec[] => Array.from({ length: n }, () => ({ method: 'GET', target: 'accounts' }));
  const posts = (n: number): PartSpec[] =>
    Array.from({ length: n }, (_, i) => ({ method: 'POST', target: 'accounts', body: { name: `a${i}` }, contentId: String(i + 1) }));

  it('runs 1000 requests', async () => {
    const fake = fakeDataverse();
    const { response, items } = await run(fake, batchBody(gets(1000)));
    expect(response.status).toBe(200);
    expect(items).toHaveLength(1000);
  });

  it('refuses 1001 requests before running any', async () => {
    const fake = fakeDataverse();
    const response = await handleBatch(outerRequest(batchBody(gets(1001))), fake.options);
    expect(response.status).toBe(400);
    expect(JSON.parse(bodyText(response))).toEqual({
      error: {
        code: '0x80060888',
        message: "The current batch message contains too many parts. A maximum number of '1000' query operations and change sets are allowed in a batch message.",
      },
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses a change set of 1001 operations', async () => {
    const fake = fakeDataverse();
    const response = await handleBatch(outerRequest(batchBody([changeSet('cs', posts(1001))])), fake.options);
    expect(response.status).toBe(400);
    expect(JSON.parse(bodyText(response))).toEqual({
      error: {
        code: '0x80060888',
        message: "The current change set contains too many operations. A maximum number of '1000' operations are allowed in a change set.",
      },
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('counts requests inside change sets toward the batch limit', async () => {
    const fake = fakeDataverse();
    const response = await handleBatch(
      outerRequest(batchBody([changeSet('cs1', posts(600)), changeSet('cs2', posts(401))])),
      fake.options,
    );
    expect(response.status).toBe(400);
    expect(JSON.parse(bodyText(response))).toMatchObject({
      error: { message: "The current batch message contains too many parts. A maximum number of '1000' query operations and change sets are allowed in a batch message." },
    });
  });
});

describe('prefersContinueOnError', () => {
  it('reads the preference among others, with or without a value', () => {
    expect(prefersContinueOnError(undefined)).toBe(false);
    expect(prefersContinueOnError('return=representation')).toBe(false);
    expect(prefersContinueOnError('odata.continue-on-error')).toBe(true);
    expect(prefersContinueOnError('return=representation, odata.include-annotations="a,b", odata.continue-on-error')).toBe(true);
    expect(prefersContinueOnError('continue-on-error=true')).toBe(true);
    expect(prefersContinueOnError('odata.continue-on-error=false')).toBe(false);
  });
});

describe('resolveInnerUrl', () => {
  it('resolves every target form below the org prefix', () => {
    const r = (target: string): [string, string] | null => {
      const resolved = resolveInnerUrl(target, ROOT);
      return resolved === null ? null : [resolved.url.href, resolved.path];
    };
    expect(r('workflows')).toEqual([`${ROOT}workflows`, '/api/data/v9.2/workflows']);
    expect(r('/api/data/v9.2/workflows?$top=1')).toEqual([`${ROOT}workflows?$top=1`, '/api/data/v9.2/workflows']);
    expect(r('/orgs/contoso-dev/api/data/v9.2/workflows')).toEqual([`${ROOT}workflows`, '/api/data/v9.2/workflows']);
    expect(r(`${ROOT}WhoAmI`)).toEqual([`${ROOT}WhoAmI`, '/api/data/v9.2/WhoAmI']);
    expect(resolveInnerUrl('/api/data/v9.2/accounts', 'https://contoso.crm.dynamics.com/api/data/v9.2/')?.url.href).toBe(
      'https://contoso.crm.dynamics.com/api/data/v9.2/accounts',
    );
    expect(r('mailto:x@example.com')).toBeNull();
  });
});
