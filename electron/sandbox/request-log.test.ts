import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGGED_BODY_CHARS, loggedBody, type RequestLogEntry } from './request-log';
import { startHarness, type Harness } from './test-support/harness';

/** The request log keeps what a write sent, so a chaos run can tell which value reached which record. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const entries = async (): Promise<RequestLogEntry[]> => (await h.control('GET', 'log')).json()['entries'] as RequestLogEntry[];

describe('the request log', () => {
  it('keeps the body of a write, not of reads or sign-in', async () => {
    await h.control('DELETE', 'log');
    const flow = h.sb.ctx.store.rows(h.env('test'), 'workflow').find((w) => w['category'] === 5);
    const id = String(flow?.['workflowid']);
    const read = await h.dv('test', 'GET', `workflows(${id})?$select=statecode`, { as: { app: 'pipeline' } });
    expect(read.status).toBe(200);
    const write = await h.dv('test', 'PATCH', `workflows(${id})`, { as: { app: 'pipeline' }, headers: { 'if-match': '*' }, body: { statecode: 0, statuscode: 1 } });
    expect(write.status).toBe(204);

    const log = await entries();
    const patch = log.find((e) => e.method === 'PATCH');
    expect(patch?.path).toContain(`workflows(${id})`);
    expect(JSON.parse(patch?.body ?? 'null')).toEqual({ statecode: 0, statuscode: 1 });
    expect(log.filter((e) => e.method === 'GET').every((e) => e.body === undefined)).toBe(true);
    // The token request (client secret in its body) was made for the calls above and is logged bare.
    const signIn = log.filter((e) => e.service === 'login');
    expect(signIn.length).toBeGreaterThan(0);
    expect(signIn.every((e) => e.body === undefined)).toBe(true);
  });

  it('cuts a long body and keeps none for an empty one', () => {
    expect(loggedBody('POST', 'dataverse', Buffer.from('x'.repeat(LOGGED_BODY_CHARS + 10)))).toHaveLength(LOGGED_BODY_CHARS);
    expect(loggedBody('DELETE', 'dataverse', Buffer.alloc(0))).toBeUndefined();
    expect(loggedBody('POST', 'login', Buffer.from('client_secret=s'))).toBeUndefined();
  });
});
