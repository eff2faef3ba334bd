import { describe, expect, it } from 'vitest';
import { flattenBatchResponse, parseBatchResponse } from './response-parser';
import { type BatchResultItem, writeBatchResponse } from './response-writer';

const ORG = 'https://contoso.crm.dynamics.com/api/data/v9.2';

/** The docs' change-set response sample (LF, as printed). */
const docChangeSetResponse = `--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f
Content-Type: multipart/mixed; boundary=changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15

--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: ${ORG}/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)
OData-EntityId: ${ORG}/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)


--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 2

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: ${ORG}/tasks(e83ffc82-e292-ed11-aad1-000d3a9933c9)
OData-EntityId: ${ORG}/tasks(e83ffc82-e292-ed11-aad1-000d3a9933c9)


--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15--
--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 200 OK
Content-Type: application/json; odata.metadata=minimal; odata.streaming=true
OData-Version: 4.0

{
  "@odata.context": "${ORG}/$metadata#tasks(subject)",
  "value": []
}
--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f--
`;

/** The docs' stop-on-error response body. */
const docErrorResponse = `--batchresponse_156da4b8-cd2c-4862-a911-4aaab97c001a
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 400 Bad Request
REQ_ID: 5ecd1cb3-1730-4ffc-909c-d44c22270026
Content-Type: application/json; odata.metadata=minimal
OData-Version: 4.0

{"error":{"code":"0x80044331","message":"A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."}}
--batchresponse_156da4b8-cd2c-4862-a911-4aaab97c001a--
`;

describe('parseBatchResponse', () => {
  it("reads the docs' change-set response", () => {
    const parsed = parseBatchResponse(
      'multipart/mixed; boundary=batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f',
      docChangeSetResponse,
    );
    expect(parsed).toEqual({
      ok: true,
      value: [
        {
          kind: 'changeset',
          parts: [
            {
              kind: 'response',
              status: 204,
              statusText: 'No Content',
              headers: {
                'odata-version': '4.0',
                location: `${ORG}/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)`,
                'odata-entityid': `${ORG}/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)`,
              },
              body: '',
              contentId: '1',
            },
            {
              kind: 'response',
              status: 204,
              statusText: 'No Content',
              headers: {
                'odata-version': '4.0',
                location: `${ORG}/tasks(e83ffc82-e292-ed11-aad1-000d3a9933c9)`,
                'odata-entityid': `${ORG}/tasks(e83ffc82-e292-ed11-aad1-000d3a9933c9)`,
              },
              body: '',
              contentId: '2',
            },
          ],
        },
        {
          kind: 'response',
          status: 200,
          statusText: 'OK',
          headers: {
            'content-type': 'application/json; odata.metadata=minimal; odata.streaming=true',
            'odata-version': '4.0',
          },
          body: `{\n  "@odata.context": "${ORG}/$metadata#tasks(subject)",\n  "value": []\n}`,
          contentId: null,
        },
      ],
    });
  });

  it("reads the docs' error response, finding the boundary in the body when the content type has none", () => {
    const parsed = parseBatchResponse(undefined, docErrorResponse.replace(/\n/g, '\r\n'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(flattenBatchResponse(parsed.value)).toEqual([
      {
        kind: 'response',
        status: 400,
        statusText: 'Bad Request',
        headers: {
          req_id: '5ecd1cb3-1730-4ffc-909c-d44c22270026',
          'content-type': 'application/json; odata.metadata=minimal',
          'odata-version': '4.0',
        },
        body: `{"error":{"code":"0x80044331","message":"A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."}}`,
        contentId: null,
      },
    ]);
  });

  it('reports a bad status line, a non-integer status and a missing end as errors', () => {
    const wrap = (statusLine: string): string =>
      `--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n${statusLine}\r\n\r\n--b--\r\n`;
    expect(parseBatchResponse('multipart/mixed; boundary=b', wrap('garbage'))).toEqual({
      ok: false,
      error: {
        status: 400,
        code: '0x80060888',
        message:
          "The response line 'garbage' is invalid. The response line at the start of each operation must be of the format 'HttpVersion StatusCode StatusCodeString'.",
      },
    });
    expect(parseBatchResponse('multipart/mixed; boundary=b', wrap('HTTP/1.1 OK fine'))).toMatchObject({
      ok: false,
      error: { message: " The HTTP status code 'OK' is invalid. An HTTP status code must be an integer value." },
    });
    expect(parseBatchResponse('multipart/mixed; boundary=b', wrap('HTTP/1.1 204 No Content').replace('--b--\r\n', ''))).toMatchObject({
      ok: false,
      error: { message: 'Encountered an unexpected end of input while reading the batch payload.' },
    });
  });
});

describe('writeBatchResponse', () => {
  const guids = (): (() => string) => {
    let n = 0;
    return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  };

  const items: BatchResultItem[] = [
    {
      kind: 'changeset',
      parts: [
        {
          method: 'POST',
          contentId: '1',
          requestId: 'r1',
          response: { status: 204, headers: { 'OData-Version': '4.0', 'OData-EntityId': `${ORG}/accounts(1)`, 'x-ms-ratelimit-burst-remaining-xrm-requests': '5999' } },
        },
        {
          method: 'PATCH',
          contentId: '2',
          requestId: 'r2',
          response: {
            status: 200,
            headers: { 'content-type': 'application/json; charset=utf-8', 'preference-applied': 'return=representation', etag: 'W/"12"' },
            body: '{"name":"Ä"}',
          },
        },
      ],
    },
    {
      kind: 'response',
      part: {
        method: 'GET',
        contentId: null,
        requestId: 'r3',
        response: { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"error":{"code":"0x80040217","message":"Not there"}}' },
      },
    },
    {
      kind: 'response',
      part: { method: 'GET', contentId: null, requestId: 'r4', response: { status: 200, headers: { 'content-type': 'text/plain' }, body: '10' } },
    },
  ];

  it('writes parts with the platform headers only, in order, CRLF', () => {
    const response = writeBatchResponse(200, items, guids());
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({
      'content-type': 'multipart/mixed; boundary=batchresponse_00000000-0000-4000-8000-000000000001',
      'odata-version': '4.0',
    });
    expect(Buffer.from(response.body ?? '').toString('utf8')).toBe(
      [
        '--batchresponse_00000000-0000-4000-8000-000000000001',
        'Content-Type: multipart/mixed; boundary=changesetresponse_00000000-0000-4000-8000-000000000002',
        '',
        '--changesetresponse_00000000-0000-4000-8000-000000000002',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 1',
        '',
        'HTTP/1.1 204 No Content',
        'OData-Version: 4.0',
        `Location: ${ORG}/accounts(1)`,
        `OData-EntityId: ${ORG}/accounts(1)`,
        '',
        '',
        '--changesetresponse_00000000-0000-4000-8000-000000000002',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 2',
        '',
        'HTTP/1.1 200 OK',
        'Content-Type: application/json; odata.metadata=minimal',
        'OData-Version: 4.0',
        'ETag: W/"12"',
        'Preference-Applied: return=representation',
        '',
        '{"name":"Ä"}',
        '--changesetresponse_00000000-0000-4000-8000-000000000002--',
        '--batchresponse_00000000-0000-4000-8000-000000000001',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        'HTTP/1.1 404 Not Found',
        'REQ_ID: r3',
        'Content-Type: application/json; odata.metadata=minimal',
        'OData-Version: 4.0',
        '',
        '{"error":{"code":"0x80040217","message":"Not there"}}',
        '--batchresponse_00000000-0000-4000-8000-000000000001',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        'HTTP/1.1 200 OK',
        'Content-Type: text/plain',
        'OData-Version: 4.0',
        '',
        '10',
        '--batchresponse_00000000-0000-4000-8000-000000000001--',
        '',
      ].join('\r\n'),
    );
  });

  it('round-trips through parseBatchResponse', () => {
    const response = writeBatchResponse(400, items, guids());
    const parsed = parseBatchResponse(String(response.headers['content-type']), response.body ?? '');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.map((i) => i.kind)).toEqual(['changeset', 'response', 'response']);
    expect(flattenBatchResponse(parsed.value).map((p) => [p.contentId, p.status, p.statusText, p.body])).toEqual([
      ['1', 204, 'No Content', ''],
      ['2', 200, 'OK', '{"name":"Ä"}'],
      [null, 404, 'Not Found', '{"error":{"code":"0x80040217","message":"Not there"}}'],
      [null, 200, 'OK', '10'],
    ]);
    expect(flattenBatchResponse(parsed.value)[2]?.headers['req_id']).toBe('r3');
  });
});
