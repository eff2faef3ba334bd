import { describe, expect, it } from 'vitest';
import { parseFlowClientError } from './flow-wrapper';
import { parseJsonBody, parsePlatformError } from './parse-platform-error';
import { PlatformError, redactUrl } from './platform-error';

const JSON_HEADERS = { 'content-type': 'application/json; odata.metadata=minimal' };
const body = (value: unknown): string => JSON.stringify(value);
const wrapper = (status: string, inner: unknown): string =>
  `Flow client error returned with status code "${status}" and details "${JSON.stringify(inner)}".`;

describe('parsePlatformError: Dataverse', () => {
  it('reads the envelope of a missing row', () => {
    const info = parsePlatformError(
      404,
      { ...JSON_HEADERS, 'x-ms-service-request-id': 'srv-1' },
      body({ error: { code: '0x80040217', message: "Entity 'workflow' With Id = 6f1c2b9e-0000-0000-0000-000000000001 Does Not Exist" } }),
    );
    expect(info).toMatchObject({
      kind: 'not-found',
      status: 404,
      code: '0x80040217',
      dataverseCode: '0x80040217',
      flowCode: null,
      summary: 'The record does not exist.',
      platformMessage: "Entity 'workflow' With Id = 6f1c2b9e-0000-0000-0000-000000000001 Does Not Exist",
      serverRequestId: 'srv-1',
    });
  });

  it('unpacks the Flow wrapper exactly as the reference prints it', () => {
    const message =
      'Flow client error returned with status code "BadRequest" and details "{"error":{"code":"XrmConnectionReferenceMissingConnection","message":"Connection Id missing for connection reference logical name \'cosmo_sharedteams_54267\'."}}".';
    const info = parsePlatformError(400, JSON_HEADERS, body({ error: { code: '0x80060467', message } }));
    expect(info).toMatchObject({
      kind: 'bad-request',
      dataverseCode: '0x80060467',
      flowCode: 'XrmConnectionReferenceMissingConnection',
      flowStatus: 'BadRequest',
      platformMessage: "Connection Id missing for connection reference logical name 'cosmo_sharedteams_54267'.",
      summary: 'The flow uses a connection reference that has no connection in this environment.',
      details: [],
    });
  });

  it('reads the reference body with a nested MissingUserDetails error and innererror', () => {
    const text = String.raw`{"error":{"code":"0x80060467",
  "message":"Flow client error returned with status code \"BadRequest\" and details \"{\"error\":{\"code\":\"BapListServicePlansFailed\",\"message\":\"{\\\"error\\\":{\\\"code\\\":\\\"MissingUserDetails\\\",\\\"message\\\":\\\"The user details for tenant id '<guid>' and principal id '<guid>' doesn't exist.\\\"}}\"}}\".",
  "innererror":{"message":"<same>","type":"System.ServiceModel.FaultException` + '`' + String.raw`1[[Microsoft.Xrm.Sdk.OrganizationServiceFault, …]]"}}}`;
    const info = parsePlatformError(400, JSON_HEADERS, text);
    expect(info.flowCode).toBe('BapListServicePlansFailed');
    expect(info.details).toEqual([{ code: 'MissingUserDetails', message: "The user details for tenant id '<guid>' and principal id '<guid>' doesn't exist." }]);
    expect(info.summary).toMatch(/could not look up this identity/);
  });

  it('lists every MultipleErrorsOccurred detail', () => {
    const inner = {
      error: {
        code: 'MultipleErrorsOccurred',
        message: "Multiple errors occurred: 'BadRequest,Forbidden'. Please see details.",
        details: [
          { code: 'XrmConnectionReferenceMissingConnection', message: "Connection Id missing for connection reference logical name 'a'." },
          { code: 'ConnectionAuthorizationFailed', message: "The caller object id is '1'. Connection '/providers/Microsoft.PowerApps/apis/shared_office365/connections/c' …" },
        ],
      },
    };
    const info = parsePlatformError(400, JSON_HEADERS, body({ error: { code: '0x80060467', message: wrapper('BadRequest', inner) } }));
    expect(info.flowCode).toBe('MultipleErrorsOccurred');
    expect(info.details.map((d) => d.code)).toEqual(['XrmConnectionReferenceMissingConnection', 'ConnectionAuthorizationFailed']);
    const error = new PlatformError(info, { method: 'PATCH', url: 'https://org.crm.dynamics.com/api/data/v9.2/workflows(1)', correlationId: 'c-1' });
    expect(error.message.split('\n')).toEqual([
      'The flow could not be turned on, for several reasons.',
      "Multiple errors occurred: 'BadRequest,Forbidden'. Please see details.",
      "- XrmConnectionReferenceMissingConnection: Connection Id missing for connection reference logical name 'a'.",
      "- ConnectionAuthorizationFailed: The caller object id is '1'. Connection '/providers/Microsoft.PowerApps/apis/shared_office365/connections/c' …",
      'Request: PATCH https://org.crm.dynamics.com/api/data/v9.2/workflows(1) (correlation id c-1)',
    ]);
    expect(error.reason).toBe('MultipleErrorsOccurred');
  });

  it('calls a wrapped Forbidden forbidden even when the outer status is 400', () => {
    const inner = { error: { code: 'ConnectionAuthorizationFailed', message: "The caller object id is 'x'. …" } };
    const info = parsePlatformError(400, JSON_HEADERS, body({ error: { code: '0x80060467', message: wrapper('Forbidden', inner) } }));
    expect(info).toMatchObject({ kind: 'forbidden', flowCode: 'ConnectionAuthorizationFailed', flowStatus: 'Forbidden' });
  });

  it('finds the wrapper inside the Dataverse connector text and the maker prefix', () => {
    const outer = wrapper('BadRequest', { error: { code: 'ChildFlowNeverPublished', message: "The workflow with id 'c' cannot be used as a child workflow because it has never been published." } });
    for (const message of [`Request to XRM API failed with error: 'Message: ${outer} Code: 0x80060467 InnerError: '.`, `Turn on failed. ${outer}`]) {
      const info = parsePlatformError(400, JSON_HEADERS, body({ error: { code: 'InvalidRequest', message } }));
      expect(info.flowCode).toBe('ChildFlowNeverPublished');
      expect(info.platformMessage).toMatch(/never been published/);
    }
  });

  it('reads details escaped once more, and scavenges details that are not JSON', () => {
    const escaped = 'Flow client error returned with status code "BadRequest" and details "{\\"error\\":{\\"code\\":\\"ChildFlowUnsupportedForInvokerConnections\\",\\"message\\":\\"only embedded\\"}}".';
    expect(parseFlowClientError(escaped)).toEqual({ status: 'BadRequest', code: 'ChildFlowUnsupportedForInvokerConnections', message: 'only embedded', details: [] });
    const broken = 'Flow client error returned with status code "BadRequest" and details "{"error":{"code":"XrmConnectionReferenceMissingConnection","message":"it says "quoted" words'; // cut off
    expect(parseFlowClientError(broken)).toMatchObject({ status: 'BadRequest', code: 'XrmConnectionReferenceMissingConnection' });
    expect(parseFlowClientError('Something else entirely.')).toBeNull();
  });

  it('takes an empty code as no code and reads 412 as a concurrency conflict', () => {
    expect(parsePlatformError(400, JSON_HEADERS, body({ error: { code: '', message: 'Bad thing.' } }))).toMatchObject({ code: null, kind: 'bad-request', platformMessage: 'Bad thing.' });
    const info = parsePlatformError(412, JSON_HEADERS, body({ error: { code: '0x80060882', message: "The version of the existing record doesn't match the RowVersion property provided." } }));
    expect(info).toMatchObject({ kind: 'concurrency', summary: 'The record changed since it was read (its version no longer matches).' });
  });

  it('reads service protection 429s with Retry-After', () => {
    const info = parsePlatformError(429, { ...JSON_HEADERS, 'retry-after': '12' }, body({ error: { code: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 52.' } }));
    expect(info).toMatchObject({ kind: 'throttled', retryAfterS: 12, summary: 'Dataverse service protection: too many concurrent requests. Retry after 12 s.' });
  });

  it('reads a Retry-After HTTP-date against the answer’s own Date header', () => {
    const headers = { ...JSON_HEADERS, date: 'Wed, 21 Oct 2015 07:28:00 GMT', 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' };
    expect(parsePlatformError(429, headers, '', 0).retryAfterS).toBe(30);
  });
});

describe('parsePlatformError: gateways and Entra', () => {
  it('reads the Flow API envelope', () => {
    const info = parsePlatformError(403, JSON_HEADERS, body({ error: { code: 'ConnectionAuthorizationFailed', message: "The caller with object id 'o' does not have permission for connection 'f' under Api 'shared_logicflows'." } }));
    expect(info).toMatchObject({ kind: 'forbidden', code: 'ConnectionAuthorizationFailed', dataverseCode: null, flowCode: null });
    expect(info.summary).toMatch(/may not use one of its connections/);
  });

  it('reads MultipleErrorsOccurred details from the Flow API directly', () => {
    const info = parsePlatformError(400, JSON_HEADERS, body({ error: { code: 'MultipleErrorsOccurred', message: 'Multiple errors occurred.', details: [{ code: 'A', message: 'a' }, { code: 'B', message: 'b' }] } }));
    expect(info.details).toEqual([{ code: 'A', message: 'a' }, { code: 'B', message: 'b' }]);
  });

  it('reads the gateways’ throttling answer', () => {
    const info = parsePlatformError(429, { ...JSON_HEADERS, 'retry-after': '3' }, body({ error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 3 seconds.' } }));
    expect(info).toMatchObject({ kind: 'throttled', retryAfterS: 3, summary: 'The service is throttling requests. Retry after 3 s.' });
  });

  it('reads AADSTS errors', () => {
    const text = body({
      error: 'invalid_client',
      error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'x'.\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: 2024-01-01 00:00:00Z",
      error_codes: [7000215],
      trace_id: 't',
      correlation_id: 'c',
    });
    const info = parsePlatformError(401, JSON_HEADERS, text);
    expect(info).toMatchObject({ kind: 'auth', code: 'invalid_client', aadsts: 7000215, summary: 'The client secret is wrong (use the secret value, not its id).' });
    expect(info.platformMessage).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
    expect(info.platformMessage).not.toMatch(/Trace ID/);
    const grant = parsePlatformError(400, JSON_HEADERS, body({ error: 'invalid_grant', error_description: 'AADSTS50173: The provided grant has expired.' }));
    expect(grant).toMatchObject({ kind: 'auth', aadsts: 50173 });
  });

  it('reads a gateway 401 and an unknown JSON shape', () => {
    expect(parsePlatformError(401, JSON_HEADERS, body({ error: { code: 'ExpiredAuthenticationToken', message: 'The access token expired.' } }))).toMatchObject({ kind: 'auth', summary: 'The sign-in token has expired.' });
    expect(parsePlatformError(500, JSON_HEADERS, body({ oops: [1, 2] }))).toMatchObject({ kind: 'server', platformMessage: '{"oops":[1,2]}' });
  });
});

describe('parsePlatformError: answers that are not JSON', () => {
  it('describes an HTML proxy page as an invalid response, naming the status', () => {
    const info = parsePlatformError(502, { 'content-type': 'text/html' }, '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>');
    expect(info).toMatchObject({ kind: 'invalid-response', status: 502, summary: 'The service answered with an HTML page (HTTP 502 Bad Gateway) instead of JSON.', platformMessage: '502 Bad Gateway' });
  });

  it('recognises HTML without a content type, and keeps the meaning of a 404', () => {
    const page = '<!DOCTYPE html><html><body><h2>Service Unavailable</h2></body></html>';
    expect(parsePlatformError(503, {}, page)).toMatchObject({ kind: 'invalid-response', platformMessage: 'Service Unavailable' });
    expect(parsePlatformError(404, { 'content-type': 'text/html' }, '<html><title>Not here</title></html>')).toMatchObject({ kind: 'not-found' });
  });

  it('describes truncated JSON, plain text and empty bodies', () => {
    expect(parsePlatformError(500, JSON_HEADERS, '{"error":{"code":"0x8004')).toMatchObject({
      kind: 'invalid-response',
      summary: 'The service answered with JSON that is cut off or malformed (HTTP 500 Internal Server Error).',
      platformMessage: '{"error":{"code":"0x8004',
    });
    expect(parsePlatformError(400, { 'content-type': 'text/plain' }, 'Bad Request')).toMatchObject({
      kind: 'invalid-response',
      summary: 'The service answered with text/plain instead of JSON (HTTP 400 Bad Request).',
    });
    expect(parsePlatformError(500, {}, '')).toMatchObject({ kind: 'server', summary: 'The service failed to answer (HTTP 500 Internal Server Error); this is usually temporary. The answer had no body.' });
    expect(parsePlatformError(401, {}, '  ')).toMatchObject({ kind: 'auth' });
  });

  it('clips huge bodies', () => {
    const huge = parsePlatformError(400, JSON_HEADERS, body({ error: { code: '0x80040203', message: 'x'.repeat(2_000_000) } }));
    expect(huge.platformMessage?.length).toBeLessThanOrEqual(4001);
    const html = parsePlatformError(502, { 'content-type': 'text/html' }, `<html><title>${'t'.repeat(100_000)}</title>${'<p>x</p>'.repeat(100_000)}</html>`);
    expect(html.platformMessage?.length).toBeLessThanOrEqual(201);
    const junk = parsePlatformError(500, { 'content-type': 'text/plain' }, 'y'.repeat(1_000_000));
    expect(junk.platformMessage?.length).toBeLessThanOrEqual(301);
  });
});

describe('parseJsonBody', () => {
  it('accepts JSON with a JSON type or none', () => {
    expect(parseJsonBody(200, JSON_HEADERS, '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonBody(200, {}, '[1]')).toEqual({ ok: true, value: [1] });
  });

  it('refuses empty, HTML, truncated and wrongly typed bodies with invalid-response', () => {
    const cases: Array<[number, Record<string, string>, string, RegExp]> = [
      [204, {}, '', /HTTP 204 No Content with no body where JSON was expected/],
      [200, { 'content-type': 'text/html' }, '<html><title>Sign in</title></html>', /HTML page \(HTTP 200 OK\)/],
      [200, JSON_HEADERS, '{"value":[{"a":', /cut off or malformed/],
      [200, { 'content-type': 'text/plain' }, '{"a":1}', /text\/plain instead of JSON/],
    ];
    for (const [status, headers, text, pattern] of cases) {
      const result = parseJsonBody(status, headers, text);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.info.kind).toBe('invalid-response');
        expect(result.info.summary).toMatch(pattern);
      }
    }
  });
});

describe('parseJsonBody: an error envelope in a 2xx answer', () => {
  it('refuses it with the platform’s own code and words', () => {
    const dataverse = parseJsonBody(200, JSON_HEADERS, '{"error":{"code":"0x80040220","message":"Principal user is missing prvReadSolution privilege."}}');
    expect(dataverse).toMatchObject({ ok: false, info: { kind: 'invalid-response', dataverseCode: '0x80040220', summary: 'The identity lacks a security privilege this needs.', platformMessage: 'Principal user is missing prvReadSolution privilege.' } });
    const bap = parseJsonBody(200, JSON_HEADERS, '{"error":{"code":"InternalServerError","message":"Encountered internal server error."}}');
    expect(bap).toMatchObject({ ok: false, info: { code: 'InternalServerError', summary: 'The service answered HTTP 200 OK with an error instead of the data asked for.', platformMessage: 'Encountered internal server error.' } });
  });

  it('does not mistake data for an error', () => {
    for (const text of ['{"value":[],"error":{"code":"x","message":"y"}}', '{"status":"Failed","error":{"code":"x","message":"y"}}', '{"error":null}', '{"error":"a column"}', '{"name":"x","properties":{"error":{"code":"c"}}}', '[{"error":{"code":"c"}}]']) {
      expect(parseJsonBody(200, JSON_HEADERS, text).ok, text).toBe(true);
    }
  });
});

describe('redactUrl', () => {
  it('drops user info and fragments and hides secret-looking query values', () => {
    expect(redactUrl('https://u:p@host/x?api-version=2016-11-01&sig=abc&$skiptoken=zz&code=1#frag')).toBe('https://host/x?api-version=2016-11-01&sig=***&$skiptoken=***&code=***');
    expect(redactUrl('https://host/api/data/v9.2/workflows?$select=name')).toBe('https://host/api/data/v9.2/workflows?$select=name');
  });
});
