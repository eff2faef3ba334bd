import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../../../shared/engine/plan';
import { localInfo, PlatformError, type PlatformErrorInfo } from '../../cloud/http/platform-error';
import { parsePlatformError } from '../../cloud/http/parse-platform-error';
import { explainError } from './explain';
import { createNamer } from './labels';
import { flowStep, makePlan, ME, OWNER, wireStep } from './test-support/plans';

/** The plain-language error table: each platform answer → the line a release manager reads. */

const SPN = 'aaaaaaaa-0000-0000-0000-000000000002';
const parent = flowStep('test', 'parent-id', 'activate');
const child = flowStep('test', 'child-id', 'activate');
const impersonating: PlanStep = { ...parent, identity: { mode: 'impersonate', role: 'spn', actorObjectId: SPN, targetObjectId: OWNER } };
const plan = makePlan([child, parent]);
const names = (id: string): string | undefined => ({ [ME]: 'Adele Vance', [OWNER]: 'Lee Gu', [SPN]: 'Release Pipeline' })[id];
const namer = createNamer(plan, names);

const error = (info: Partial<PlatformErrorInfo> & { kind: PlatformErrorInfo['kind'] }, attempts = 1): PlatformError =>
  new PlatformError(localInfo(info.kind, info.summary ?? 's', info), { method: 'PATCH', url: 'https://org.example/api/data/v9.2/workflows(1)?sig=secret', correlationId: 'c-1', attempts });

/** A Flow error inside Dataverse's wrapper, parsed the way the HTTP layer parses it. */
const wrapped = (status: number, flowStatus: string, inner: object): PlatformError => {
  const body = JSON.stringify({ error: { code: '0x80060467', message: `Flow client error returned with status code "${flowStatus}" and details "${JSON.stringify({ error: inner })}".` } });
  return new PlatformError(parsePlatformError(status, { 'content-type': 'application/json' }, body), { method: 'PATCH', url: 'https://org.example/api', correlationId: 'c-2' });
};

describe('explainError', () => {
  it.each<[string, PlatformError, PlanStep, string]>([
    [
      'XrmConnectionReferenceMissingConnection',
      wrapped(400, 'BadRequest', { code: 'XrmConnectionReferenceMissingConnection', message: "Connection Id missing for connection reference logical name 'cr_mail'." }),
      parent,
      'Connection reference cr_mail has no connection in Test: wire it first.',
    ],
    [
      'ConnectionAuthorizationFailed',
      wrapped(403, 'Forbidden', {
        code: 'ConnectionAuthorizationFailed',
        message: `The caller object id is '${ME}'. Connection '/providers/Microsoft.PowerApps/apis/shared_office365/connections/shared-office365-9f2' to 'shared_office365' cannot be used to activate this flow, either because this is not a valid connection or because it is not a connection you have access permission for.`,
      }),
      parent,
      'Adele Vance may not use connection shared-office365-9f2: share it with them or act as its owner.',
    ],
    [
      'ChildFlowNeverPublished',
      wrapped(400, 'BadRequest', { code: 'ChildFlowNeverPublished', message: "The workflow with id 'child-id' cannot be used as a child workflow because it has never been published." }),
      parent,
      'Child flow Flow child-id has never been turned on in Test: turn it on first.',
    ],
    [
      'MultipleErrorsOccurred',
      wrapped(400, 'BadRequest', {
        code: 'MultipleErrorsOccurred',
        message: "Multiple errors occurred: 'BadRequest,Forbidden'. Please see details.",
        details: [
          { code: 'XrmConnectionReferenceMissingConnection', message: "Connection Id missing for connection reference logical name 'cr_teams'." },
          { code: 'ConnectionAuthorizationFailed', message: `The caller object id is '${ME}'. Connection '/providers/Microsoft.PowerApps/apis/shared_sql/connections/sql-1' to 'shared_sql' cannot be used.` },
          { code: 'SomethingNew', message: 'A rule nobody told us about.' },
        ],
      }),
      parent,
      [
        'Turn on Flow parent-id in Test was refused for 3 reasons:',
        '- Connection reference cr_teams has no connection in Test: wire it first.',
        '- Adele Vance may not use connection sql-1: share it with them or act as its owner.',
        '- SomethingNew: A rule nobody told us about.',
      ].join('\n'),
    ],
    [
      'Delegate privilege (0x8004A110)',
      new PlatformError(
        parsePlatformError(403, { 'content-type': 'application/json' }, JSON.stringify({ error: { code: '0x8004A110', message: 'User does not have the privilege to act on behalf another user.' } })),
        { method: 'PATCH', url: 'https://org.example/api', correlationId: 'c-3' },
      ),
      impersonating,
      'Release Pipeline lacks the Delegate privilege in Test, so it cannot act as Lee Gu: give it the Delegate role, or sign in as the owner.',
    ],
    [
      'BapListServicePlansFailed (legacy service principal refusal)',
      wrapped(400, 'BadRequest', { code: 'BapListServicePlansFailed', message: '{"error":{"code":"MissingUserDetails","message":"The user details are missing."}}' }),
      { ...parent, identity: { mode: 'self', role: 'spn', objectId: SPN } },
      'The Flow service does not know Release Pipeline (older platform versions refuse service principals here): act as a user or as the connection owner.',
    ],
    [
      'throttled after the HTTP layer’s retries',
      error({ kind: 'throttled', status: 429, retryAfterS: 12 }, 6),
      parent,
      'Test kept throttling requests (service protection limits) after 6 attempts; the service asks to wait 12 s: try again later, or lower the concurrency.',
    ],
    ['auth', error({ kind: 'auth', status: 401 }), parent, 'Test did not accept the sign-in of Adele Vance: sign in again (or check the app registration).'],
    [
      'auth with an AADSTS code',
      error({ kind: 'auth', status: 400, aadsts: 7000222, summary: 'The client secret has expired.' }),
      parent,
      'Signing in to Test failed: The client secret has expired.',
    ],
    ['network', error({ kind: 'network' }), parent, 'Test could not be reached (network): check the network or proxy and try again; a re-run reads before it writes, so it is safe.'],
    ['timeout', error({ kind: 'timeout' }), parent, 'Test did not answer in time: try again; the change may or may not have been made, and a re-run reads first and tells.'],
    ['server', error({ kind: 'server', status: 503 }), parent, 'Test failed to answer (HTTP 503) even after retries; this is usually temporary: try again.'],
    [
      'missing privilege (0x80040220)',
      error({ kind: 'forbidden', status: 403, code: '0x80040220', dataverseCode: '0x80040220' }),
      wireStep('test', 'cr_mail', null, 'c1'),
      'Adele Vance lacks a security privilege in Test needed to update connection references: give it a role that may (e.g. System Customizer or Environment Maker).',
    ],
    [
      'not a user of the environment (0x80072560)',
      error({ kind: 'forbidden', status: 403, code: '0x80072560', dataverseCode: '0x80072560' }),
      { ...parent, identity: { mode: 'self', role: 'spn', objectId: SPN } },
      'Release Pipeline is not a user of Test: add it as an application user with a security role.',
    ],
  ])('%s', (_name, thrown, step, expected) => {
    expect(explainError(thrown, step, namer).message).toBe(expected);
  });

  it('keeps the platform’s own words, codes and request id beside the plain line', () => {
    const explained = explainError(
      wrapped(400, 'BadRequest', { code: 'XrmConnectionReferenceMissingConnection', message: "Connection Id missing for connection reference logical name 'cr_mail'." }),
      parent,
      namer,
    );
    expect(explained).toMatchObject({
      kind: 'bad-request',
      code: 'XrmConnectionReferenceMissingConnection',
      status: 400,
      platformMessage: "Connection Id missing for connection reference logical name 'cr_mail'.",
      correlationId: 'c-2',
      httpAttempts: 1,
    });
  });

  it('falls back to role words when no name is known, and explains anything else as unexpected', () => {
    const bare = createNamer(plan);
    expect(explainError(error({ kind: 'auth', status: 401 }), parent, bare).message).toBe(`Test did not accept the sign-in of the signed-in account (${ME}): sign in again (or check the app registration).`);
    expect(explainError(new TypeError('x is undefined'), parent, bare)).toMatchObject({ kind: 'local', message: 'Turn on Flow parent-id in Test failed unexpectedly: x is undefined' });
  });

  it('redacts secrets that reach a message', () => {
    const leaked = error({ kind: 'bad-request', status: 400, platformMessage: 'bad client_secret=abcdef123456 in body', summary: 'The service refused the request.' });
    expect(explainError(leaked, parent, namer).platformMessage).not.toContain('abcdef123456');
  });
});
