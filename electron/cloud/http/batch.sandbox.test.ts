import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { sendBatch } from './batch';
import { createHttpCore, type HttpCoreHandle } from './http-core';
import { parsePlatformError } from './parse-platform-error';
import { control, requestLog, sandboxTokens } from './test-support/sandbox-tokens';

/** `$batch` built and read by the client-side module, answered by the sandbox's Dataverse. */

let sb: RunningSandbox;
let core: HttpCoreHandle;
let resource = '';
let apiRoot = '';
let refs: string[] = [];

beforeAll(async () => {
  sb = await startSandbox({ port: 0, scenario: 'contoso', seed: 1 });
  core = createHttpCore({ tokens: sandboxTokens(sb), caPem: sb.caCertPem, retryBaseMs: 20, retryCapMs: 100 });
  resource = `${sb.baseUrl}/orgs/contoso-dev`;
  apiRoot = `${resource}/api/data/v9.2`;
  const res = await core.send({ method: 'GET', url: `${apiRoot}/connectionreferences?$select=connectionreferenceid&$top=2`, resource });
  refs = res.json<{ value: Array<{ connectionreferenceid: string }> }>().value.map((r) => r.connectionreferenceid);
});

afterAll(async () => {
  await core.close();
  await sb.close();
});

beforeEach(async () => {
  await control(sb, 'DELETE', 'faults');
  await control(sb, 'DELETE', 'log');
});

const rename = (id: string | undefined, name: string) => ({
  method: 'PATCH' as const,
  url: `connectionreferences(${id ?? ''})`,
  headers: { 'If-Match': '*' },
  body: { connectionreferencedisplayname: name },
});

describe('$batch round trip against the sandbox', () => {
  it('sends reads and a change set and reads every answer in order', async () => {
    expect(refs).toHaveLength(2);
    const parts = await sendBatch(core, {
      apiRoot,
      resource,
      items: [
        { method: 'GET', url: 'WhoAmI' },
        { changeset: [rename(refs[0], 'Batch one'), rename(refs[1], 'Batch two')] },
        { method: 'GET', url: `connectionreferences(${refs[0] ?? ''})?$select=connectionreferencedisplayname` },
      ],
    });
    expect(parts.map((p) => [p.status, p.contentId, p.changeset])).toEqual([
      [200, null, null],
      [204, '1', 1],
      [204, '2', 1],
      [200, null, null],
    ]);
    expect(JSON.parse(parts[0]?.text ?? '{}')).toHaveProperty('UserId');
    expect(JSON.parse(parts[3]?.text ?? '{}')).toMatchObject({ connectionreferencedisplayname: 'Batch one' });
  });

  it('stops at the first failure, or runs on with continue-on-error; failed parts read as platform errors', async () => {
    const missing = { method: 'GET' as const, url: 'workflows(00000000-0000-0000-0000-0000000000aa)' };
    const stopped = await sendBatch(core, { apiRoot, resource, items: [missing, { method: 'GET', url: 'WhoAmI' }] });
    expect(stopped.map((p) => p.status)).toEqual([404]);
    const info = parsePlatformError(stopped[0]?.status ?? 0, stopped[0]?.headers ?? {}, stopped[0]?.text ?? '');
    expect(info).toMatchObject({ kind: 'not-found', dataverseCode: '0x80040217' });
    expect(info.serverRequestId).not.toBeNull();

    const all = await sendBatch(core, { apiRoot, resource, items: [missing, { method: 'GET', url: 'WhoAmI' }], continueOnError: true });
    expect(all.map((p) => p.status)).toEqual([404, 200]);
  });

  it('resends a batch of reads after a 503, but not a batch with writes', async () => {
    await control(sb, 'POST', 'faults', { targeted: [{ path: '\\$batch', count: 1, status: 503 }] });
    const reads = await sendBatch(core, { apiRoot, resource, items: [{ method: 'GET', url: 'WhoAmI' }] });
    expect(reads.map((p) => p.status)).toEqual([200]);

    await control(sb, 'POST', 'faults', { targeted: [{ path: '\\$batch', count: 1, status: 503 }] });
    await expect(sendBatch(core, { apiRoot, resource, items: [{ changeset: [rename(refs[0], 'Not twice')] }] })).rejects.toMatchObject({ status: 503, attempts: 1 });
    expect((await requestLog(sb)).map((e) => e.status)).toEqual([503, 200, 503]);
  });
});
