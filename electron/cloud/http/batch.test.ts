import { describe, expect, it } from 'vitest';
// The sandbox's own $batch parser and writer serve as an independent reading of the format (test only).
import { parseBatchRequest } from '../../sandbox/dataverse/batch/request-parser';
import { writeBatchResponse } from '../../sandbox/dataverse/batch/response-writer';
import { BatchFormatError, boundaryOf, buildBatch, parseBatchResponse } from './batch';

let n = 0;
const ids = (): string => `id${++n}`;

describe('buildBatch', () => {
  it('builds parts and change sets the platform’s parser reads back', () => {
    const built = buildBatch(
      [
        { method: 'GET', url: 'WhoAmI' },
        {
          changeset: [
            { method: 'POST', url: 'connectionreferences', body: { connectionreferencelogicalname: 'x' } },
            { method: 'PATCH', url: '$1', body: '{"connectionreferencedisplayname":"y"}', headers: { 'If-Match': '*' } },
          ],
        },
        { method: 'GET', url: '/api/data/v9.2/workflows?$select=name&$top=1', headers: { Prefer: 'odata.maxpagesize=1' } },
      ],
      ids,
    );
    expect(built.contentType).toMatch(/^multipart\/mixed; boundary=batch_id\d+$/);
    expect(built).toMatchObject({ count: 4, readOnly: false });
    expect(built.body).toContain('\r\n');
    expect(built.body.replace(/\r\n/g, '')).not.toContain('\n');

    const parsed = parseBatchRequest(built.contentType, built.body);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const [get, changeset, last] = parsed.value.items;
    expect(get).toMatchObject({ kind: 'request', method: 'GET', target: 'WhoAmI', contentId: null });
    expect(changeset?.kind).toBe('changeset');
    if (changeset?.kind !== 'changeset') return;
    expect(changeset.parts.map((p) => [p.method, p.target, p.contentId])).toEqual([
      ['POST', 'connectionreferences', '1'],
      ['PATCH', '$1', '2'],
    ]);
    expect(JSON.parse(changeset.parts[0]?.body.toString('utf8') ?? '')).toEqual({ connectionreferencelogicalname: 'x' });
    expect(changeset.parts[0]?.headers['content-type']).toBe('application/json; type=entry');
    expect(changeset.parts[1]?.headers['if-match']).toBe('*');
    expect(last).toMatchObject({ method: 'GET', target: '/api/data/v9.2/workflows?$select=name&$top=1', headers: { prefer: 'odata.maxpagesize=1' } });
  });

  it('knows a batch of reads is read-only', () => {
    expect(buildBatch([{ method: 'GET', url: 'WhoAmI' }, { method: 'GET', url: 'workflows' }], ids).readOnly).toBe(true);
  });

  it('refuses what the platform would refuse', () => {
    expect(() => buildBatch([], ids)).toThrow(/at least one request/);
    expect(() => buildBatch([{ changeset: [{ method: 'GET', url: 'WhoAmI' }] }], ids)).toThrow(/cannot contain a GET/);
    expect(() => buildBatch([{ changeset: [{ method: 'POST', url: 'a', contentId: '1' }, { method: 'POST', url: 'b', contentId: '1' }] }], ids)).toThrow(/used twice/);
    expect(() => buildBatch(Array.from({ length: 1001 }, () => ({ method: 'GET' as const, url: 'WhoAmI' })), ids)).toThrow(/at most 1000/);
    expect(() => buildBatch([{ method: 'GET', url: 'WhoAmI\r\nX-Evil: 1' }], ids)).toThrow(/one line/);
    expect(() => buildBatch([{ method: 'GET', url: 'WhoAmI', headers: { 'X-A': 'b\r\nX-Evil: 1' } }], ids)).toThrow(/one line/);
  });
});

describe('parseBatchResponse', () => {
  it('reads what Dataverse writes: parts, change sets, Content-IDs, bodies and bodiless parts', () => {
    const written = writeBatchResponse(
      200,
      [
        { kind: 'response', part: { method: 'GET', contentId: null, requestId: 'r1', response: { status: 200, headers: { 'content-type': 'application/json; odata.metadata=minimal' }, body: '{"UserId":"u"}' } } },
        {
          kind: 'changeset',
          parts: [
            { method: 'POST', contentId: '1', requestId: 'r2', response: { status: 204, headers: { 'odata-entityid': 'https://x/api/data/v9.2/accounts(1)' } } },
            { method: 'PATCH', contentId: '2', requestId: 'r3', response: { status: 204, headers: {} } },
          ],
        },
        { kind: 'response', part: { method: 'GET', contentId: null, requestId: 'r4', response: { status: 404, headers: { 'content-type': 'application/json' }, body: '{"error":{"code":"0x80040217","message":"missing"}}' } } },
      ],
      ids,
    );
    const parts = parseBatchResponse(written.headers['content-type'] as string, Buffer.from(written.body ?? '').toString('utf8'));
    expect(parts.map((p) => [p.status, p.contentId, p.changeset])).toEqual([
      [200, null, null],
      [204, '1', 1],
      [204, '2', 1],
      [404, null, null],
    ]);
    expect(JSON.parse(parts[0]?.text ?? '')).toEqual({ UserId: 'u' });
    expect(parts[0]?.statusText).toBe('OK');
    expect(parts[1]?.headers['odata-entityid']).toBe('https://x/api/data/v9.2/accounts(1)');
    expect(parts[2]?.text).toBe('');
    expect(parts[3]?.headers['req_id']).toBe('r4');
    expect(JSON.parse(parts[3]?.text ?? '')).toMatchObject({ error: { code: '0x80040217' } });
  });

  it('accepts bare LF line ends and a quoted boundary', () => {
    const body = ['--batchresponse_q', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', 'HTTP/1.1 200 OK', 'Content-Type: application/json', '', '{"a":1}', '--batchresponse_q--', ''].join('\n');
    const parts = parseBatchResponse('multipart/mixed; boundary="batchresponse_q"', body);
    expect(parts).toEqual([{ status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, text: '{"a":1}', contentId: null, changeset: null }]);
  });

  it('refuses cut-off and foreign answers with BatchFormatError', () => {
    const cut = ['--b', 'Content-Type: application/http', '', 'HTTP/1.1 200 OK', '', '{"a":'].join('\r\n');
    expect(() => parseBatchResponse('multipart/mixed; boundary=b', cut)).toThrow(BatchFormatError);
    expect(() => parseBatchResponse('application/json', '{}')).toThrow(/multipart\/mixed answer with a boundary/);
    expect(() => parseBatchResponse('multipart/mixed; boundary=b', '<html></html>')).toThrow(/does not contain its boundary/);
    const noStatus = ['--b', 'Content-Type: application/http', '', 'garbage', '--b--'].join('\r\n');
    expect(() => parseBatchResponse('multipart/mixed; boundary=b', noStatus)).toThrow(/HTTP status line/);
  });

  it('reads boundaries in their forms', () => {
    expect(boundaryOf('multipart/mixed;boundary=dwa_batch_1')).toBe('dwa_batch_1');
    expect(boundaryOf('multipart/mixed; charset=utf-8; boundary="a b"')).toBe('a b');
  });
});
