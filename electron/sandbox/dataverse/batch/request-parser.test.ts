import { describe, expect, it } from 'vitest';
import { type BatchRequestDocument, contentIdReferenceOf, parseBatchRequest } from './request-parser';

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** The docs' first sample (three creates and a GET, no change set), with LF line ends. */
const docBatch = `--batch_80dd1615-2a10-428a-bb6f-0e559792721f
Content-Type: application/http
Content-Transfer-Encoding: binary

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "Task 1 in batch",
  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"
}
--batch_80dd1615-2a10-428a-bb6f-0e559792721f
Content-Type: application/http
Content-Transfer-Encoding: binary

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "Task 2 in batch",
  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"
}
--batch_80dd1615-2a10-428a-bb6f-0e559792721f
Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject HTTP/1.1


--batch_80dd1615-2a10-428a-bb6f-0e559792721f--
`;

/** The docs' change-set sample (creates in a change set, then a GET outside it). */
const docChangeSet = `--batch_22975cad-7f57-410d-be15-6363209367ea
Content-Type: multipart/mixed; boundary="changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a"

--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{"subject":"Task 1 in batch"}
--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 2

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{"subject":"Task 2 in batch"}
--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a--

--batch_22975cad-7f57-410d-be15-6363209367ea
Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject HTTP/1.1


--batch_22975cad-7f57-410d-be15-6363209367ea--
`;

/** DynamicsWebApi's shape: unquoted boundary without a space, bare LF, full URLs, a blank line after bodies. */
const dwaBatch = `--dwa_batch_5d5e4e1a-6f0e-4f39-9d3c-1c2a3b4c5d6e
Content-Type: multipart/mixed;boundary=changeset_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d

--changeset_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 100001

PATCH https://contoso.crm.dynamics.com/api/data/v9.2/workflows(11111111-1111-1111-1111-111111111111) HTTP/1.1
Content-Type: application/json
If-Match: *

{"statecode":1,"statuscode":2}

--changeset_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d--

--dwa_batch_5d5e4e1a-6f0e-4f39-9d3c-1c2a3b4c5d6e
Content-Type: application/http
Content-Transfer-Encoding: binary

GET https://contoso.crm.dynamics.com/api/data/v9.2/workflows?$select=name,statecode&$filter=category eq 5 HTTP/1.1
Accept: application/json


--dwa_batch_5d5e4e1a-6f0e-4f39-9d3c-1c2a3b4c5d6e--
`;

function parsed(contentType: string, body: string): BatchRequestDocument {
  const result = parseBatchRequest(contentType, body);
  if (!result.ok) throw new Error(`unexpected parse failure: ${result.error.message}`);
  return result.value;
}

/** A plain view of the parse for comparisons (bodies as text). */
function plain(doc: BatchRequestDocument): unknown {
  const part = (p: { method: string; target: string; headers: Record<string, string>; body: Buffer; contentId: string | null }) => ({
    method: p.method,
    target: p.target,
    headers: p.headers,
    body: p.body.toString('utf8'),
    contentId: p.contentId,
  });
  return doc.items.map((item) => (item.kind === 'changeset' ? { changeset: item.parts.map(part) } : part(item)));
}

describe('parseBatchRequest: the docs sample without change sets', () => {
  const contentType = 'multipart/mixed; boundary="batch_80dd1615-2a10-428a-bb6f-0e559792721f"';

  it('reads every request with its headers and body', () => {
    const doc = parsed(contentType, docBatch);
    expect(doc.boundary).toBe('batch_80dd1615-2a10-428a-bb6f-0e559792721f');
    expect(plain(doc)).toEqual([
      {
        method: 'POST',
        target: '/api/data/v9.2/tasks',
        headers: { 'content-type': 'application/json; type=entry' },
        body: '{\n  "subject": "Task 1 in batch",\n  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"\n}',
        contentId: null,
      },
      {
        method: 'POST',
        target: '/api/data/v9.2/tasks',
        headers: { 'content-type': 'application/json; type=entry' },
        body: '{\n  "subject": "Task 2 in batch",\n  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"\n}',
        contentId: null,
      },
      {
        method: 'GET',
        target: '/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject',
        headers: {},
        body: '',
        contentId: null,
      },
    ]);
  });

  it('reads the CRLF form the same, with CRLF inside bodies', () => {
    const lf = parsed(contentType, docBatch);
    const withCrlf = parsed(contentType, crlf(docBatch));
    const normalise = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/\\r\\n/g, '\\n')) as unknown;
    expect(normalise(plain(withCrlf))).toEqual(plain(lf));
    const first = withCrlf.items[0];
    expect(first?.kind === 'request' && first.body.toString('utf8').startsWith('{\r\n  "subject"')).toBe(true);
  });

  it('takes the boundary unquoted, without a space, or after other parameters', () => {
    const expected = plain(parsed(contentType, docBatch));
    for (const ct of [
      'multipart/mixed; boundary=batch_80dd1615-2a10-428a-bb6f-0e559792721f',
      'multipart/mixed;boundary=batch_80dd1615-2a10-428a-bb6f-0e559792721f',
      'Multipart/Mixed; charset=utf-8; Boundary="batch_80dd1615-2a10-428a-bb6f-0e559792721f"',
    ]) {
      expect(plain(parsed(ct, docBatch))).toEqual(expected);
    }
  });

  it('ignores a preamble and an epilogue, and blanks after a delimiter', () => {
    const withExtras = `This is a preamble.\r\n${crlf(docBatch).replace(
      '--batch_80dd1615-2a10-428a-bb6f-0e559792721f\r\nContent-Type',
      '--batch_80dd1615-2a10-428a-bb6f-0e559792721f  \t\r\nContent-Type',
    )}and an epilogue\r\n`;
    expect(plain(parsed(contentType, withExtras))).toEqual(plain(parsed(contentType, crlf(docBatch))));
  });
});

describe('parseBatchRequest: change sets', () => {
  it('reads the docs change-set sample', () => {
    const doc = parsed('multipart/mixed; boundary="batch_22975cad-7f57-410d-be15-6363209367ea"', crlf(docChangeSet));
    expect(plain(doc)).toEqual([
      {
        changeset: [
          {
            method: 'POST',
            target: '/api/data/v9.2/tasks',
            headers: { 'content-type': 'application/json; type=entry' },
            body: '{"subject":"Task 1 in batch"}',
            contentId: '1',
          },
          {
            method: 'POST',
            target: '/api/data/v9.2/tasks',
            headers: { 'content-type': 'application/json; type=entry' },
            body: '{"subject":"Task 2 in batch"}',
            contentId: '2',
          },
        ],
      },
      {
        method: 'GET',
        target: '/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject',
        headers: {},
        body: '',
        contentId: null,
      },
    ]);
  });

  it("reads DynamicsWebApi's LF shape, keeping spaces inside the URL", () => {
    const doc = parsed('multipart/mixed;boundary=dwa_batch_5d5e4e1a-6f0e-4f39-9d3c-1c2a3b4c5d6e', dwaBatch);
    expect(plain(doc)).toEqual([
      {
        changeset: [
          {
            method: 'PATCH',
            target: 'https://contoso.crm.dynamics.com/api/data/v9.2/workflows(11111111-1111-1111-1111-111111111111)',
            headers: { 'content-type': 'application/json', 'if-match': '*' },
            body: '{"statecode":1,"statuscode":2}\n',
            contentId: '100001',
          },
        ],
      },
      {
        method: 'GET',
        target: "https://contoso.crm.dynamics.com/api/data/v9.2/workflows?$select=name,statecode&$filter=category eq 5",
        headers: { accept: 'application/json' },
        body: '',
        contentId: null,
      },
    ]);
  });

  it('keeps body bytes exactly (UTF-8 text, no re-encoding)', () => {
    const body = crlf(`--b
Content-Type: application/http
Content-Transfer-Encoding: binary

POST workflows HTTP/1.1
Content-Type: application/json

{"name":"Café – flow ✓"}
--b--
`);
    const doc = parsed('multipart/mixed; boundary=b', body);
    const part = doc.items[0];
    expect(part?.kind).toBe('request');
    if (part?.kind === 'request') expect(part.body.equals(Buffer.from('{"name":"Café – flow ✓"}', 'utf8'))).toBe(true);
  });

  it('reads a request line with a non-ASCII URL as UTF-8', () => {
    const doc = parsed('multipart/mixed; boundary=b', `--b
Content-Type: application/http
Content-Transfer-Encoding: binary

GET workflows?$filter=name eq 'Café' HTTP/1.1

--b--
`);
    expect(doc.items[0]?.kind === 'request' && doc.items[0].target).toBe("workflows?$filter=name eq 'Café'");
  });
});

describe('contentIdReferenceOf', () => {
  it('finds $n at the start of a URL or value, and not system resources', () => {
    expect(contentIdReferenceOf('$1')).toBe('1');
    expect(contentIdReferenceOf('$1/primarycontactid/$ref')).toBe('1');
    expect(contentIdReferenceOf('$100001?$select=name')).toBe('100001');
    expect(contentIdReferenceOf('$metadata#accounts')).toBeNull();
    expect(contentIdReferenceOf('accounts($1)')).toBeNull();
    expect(contentIdReferenceOf('/accounts(00000000-0000-0000-0000-000000000001)')).toBeNull();
  });
});
