import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { REDACTED, clearRegisteredSecrets, redact, redactText, registerSecret } from './redact';

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64url({ aud: 'https://service.powerapps.com/', oid: 'abc', exp: 1 })}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;

afterEach(() => clearRegisteredSecrets());

describe('redactText', () => {
  it('masks JWTs wherever they appear, and leaves the surrounding text', () => {
    const out = redactText(`got ${jwt} for Dataverse; next`);
    expect(out).toBe('got [REDACTED JWT] for Dataverse; next');
    // Unsigned JWTs (empty signature) and JWEs (five parts) too.
    const unsigned = `${b64url({ alg: 'none' })}.${b64url({ sub: 'x' })}.`;
    expect(redactText(`t=${unsigned} end`)).not.toContain(b64url({ sub: 'x' }));
    const jwe = `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.AAAAAAAA.BBBBBBBB.CCCCCCCC.DDDDDDDD`;
    expect(redactText(jwe)).toBe('[REDACTED JWT]');
    // A direct-key JWE (`alg: dir`, the sandbox's refresh tokens) has an empty key part.
    const direct = `${b64url({ alg: 'dir', enc: 'A256GCM' })}..AAAAAAAA.BBBBBBBB.CCCCCCCC`;
    expect(redactText(`see ${direct}`)).toBe('see [REDACTED JWT]');
  });

  it('masks Bearer and Basic credentials and bare Authorization header values', () => {
    expect(redactText('Authorization: Bearer abc.def-ghi_jkl')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText('authorization: Basic dXNlcjpwYXNz')).toBe(`authorization: Basic ${REDACTED}`);
    expect(redactText('{"Authorization":"opaque-value-123"}')).toBe(`{"Authorization":"${REDACTED}"}`);
    expect(redactText('send bearer 0123456789 now')).toBe(`send bearer ${REDACTED} now`);
    // The word alone, or the OAuth error code that contains it, is not a credential.
    expect(redactText('error=authorization_pending: the authorization is pending')).toBe('error=authorization_pending: the authorization is pending');
  });

  it('masks values of sensitive keys in form bodies and query strings, keeping other parameters', () => {
    const form = 'client_id=1111&client_secret=s3cr3t~value&grant_type=refresh_token&refresh_token=0.AAA-bbb&scope=x%2F.default';
    const out = redactText(form);
    expect(out).toBe(`client_id=1111&client_secret=${REDACTED}&grant_type=refresh_token&refresh_token=${REDACTED}&scope=x%2F.default`);
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('0.AAA-bbb');
    expect(redactText('https://h/cb?code=OAQABAAIAAA&state=xyz&client_info=eyJ1aWQi')).toBe(`https://h/cb?code=${REDACTED}&state=xyz&client_info=${REDACTED}`);
    expect(redactText('code_verifier=abcdefgh&client_assertion=zzz&client_assertion_type=urn:jwt')).toBe(
      `code_verifier=${REDACTED}&client_assertion=${REDACTED}&client_assertion_type=${REDACTED}`,
    );
    expect(redactText('device_code=DAQABAAEAAAD&user_code=ABCD1234')).toBe(`device_code=${REDACTED}&user_code=ABCD1234`);
  });

  it('masks values of sensitive keys in JSON text, including escaped JSON', () => {
    const body = JSON.stringify({ token_type: 'Bearer', access_token: 'at-value', expires_in: 3599, refresh_token: 'rt-value', id: 7 });
    const out = redactText(body);
    expect(out).not.toContain('at-value');
    expect(out).not.toContain('rt-value');
    expect(out).toContain('"expires_in":3599');
    expect(out).toContain('"id":7');
    const nested = JSON.stringify({ log: body });
    expect(redactText(nested)).not.toMatch(/at-value|rt-value/);
  });

  it('masks `name: value` pairs of sensitive names in header dumps', () => {
    expect(redactText('x-sandbox-key: k-123\ncontent-type: application/json')).toBe(`x-sandbox-key: ${REDACTED}\ncontent-type: application/json`);
    expect(redactText('{ password: hunter22, user: adele }')).toBe(`{ password: ${REDACTED}, user: adele }`);
  });

  it('masks PEM private keys of every flavour, even truncated ones, but not certificates', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----';
    const out = redactText(`key:\n${pkcs8}\nrsa:\n${pkcs1}\n${cert}`);
    expect(out).toBe(`key:\n[REDACTED PRIVATE KEY]\n\nrsa:\n[REDACTED PRIVATE KEY]\n\n${cert}`);
    const body = (pem: string) => pem.split('\n')[2] ?? 'missing';
    expect(out).not.toContain(body(pkcs8));
    expect(out).not.toContain(body(pkcs1));
    expect(redactText(cert)).toBe(cert);
    expect(redactText('-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAb')).toBe('[REDACTED PRIVATE KEY]');
  });

  it('masks registered literal secrets, also URL- and JSON-encoded, longest first', () => {
    registerSecret('Qx8~abc/def+g"h');
    registerSecret('Qx8~abc');
    const text = `raw Qx8~abc/def+g"h enc ${encodeURIComponent('Qx8~abc/def+g"h')} json ${JSON.stringify('Qx8~abc/def+g"h')} short Qx8~abc`;
    const out = redactText(text);
    expect(out).not.toContain('Qx8~abc');
    expect(out).not.toContain(encodeURIComponent('Qx8~abc'));
    expect(out).toBe(`raw ${REDACTED} enc ${REDACTED} json "${REDACTED}" short ${REDACTED}`);
  });

  it('ignores trivially short secrets and leaves ordinary text untouched', () => {
    registerSecret('ab');
    const plain = 'Tenant contoso.onmicrosoft.com, client 11111111-2222-3333-4444-555555555555, ab cd, https://127.0.0.1:8443/login/x (HTTP 400)';
    expect(redactText(plain)).toBe(plain);
  });
});

describe('redact (structured values)', () => {
  it('replaces values under sensitive keys whole, whatever their type, and keeps the rest', () => {
    const out = redact({
      accountId: 'a1',
      clientSecret: 'shh',
      nested: { refreshToken: { value: 'x' }, headers: { Authorization: `Bearer ${jwt}`, 'x-api-key': 'k' }, count: 3 },
      list: [{ password: 'p' }, `id_token ${jwt}`],
      emptySecret: '',
    });
    expect(out).toEqual({
      accountId: 'a1',
      clientSecret: REDACTED,
      nested: { refreshToken: REDACTED, headers: { Authorization: `Bearer ${REDACTED}`, 'x-api-key': REDACTED }, count: 3 },
      list: [{ password: REDACTED }, 'id_token [REDACTED JWT]'],
      emptySecret: '',
    });
  });

  it('flattens errors (message, own fields, stack, cause) and redacts them', () => {
    registerSecret('my-client-secret-1');
    const cause = new Error('body: client_secret=my-client-secret-1');
    const error = Object.assign(new Error(`failed with ${jwt}`, { cause }), { errorCode: 'invalid_client', assertion: 'abc' });
    const out = redact(error) as Record<string, unknown>;
    expect(out['name']).toBe('Error');
    expect(out['message']).toBe('failed with [REDACTED JWT]');
    expect(out['errorCode']).toBe('invalid_client');
    expect(out['assertion']).toBe(REDACTED);
    expect(JSON.stringify(out)).not.toContain('my-client-secret-1');
    expect(JSON.stringify(out)).not.toContain(jwt);
    expect((out['cause'] as Record<string, unknown>)['message']).toBe(`body: client_secret=${REDACTED}`);
  });

  it('survives cycles, buffers, dates, maps, URLs and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { i: 'too deep' } } } } } } } } };
    const out = redact({ cyclic, buf: Buffer.from('secret bytes'), at: new Date(0), map: new Map([['token', 'x']]), url: new URL(`https://h/?access_token=${jwt}`), deep, fn: () => 1 });
    expect(out).toMatchObject({
      cyclic: { name: 'c', self: '[Circular]' },
      buf: '[binary 12 bytes]',
      at: '1970-01-01T00:00:00.000Z',
      map: { token: REDACTED },
      url: `https://h/?access_token=${REDACTED}`,
      fn: '[function]',
    });
    expect(JSON.stringify(out)).toContain('[Object]');
  });

  it('passes primitives through', () => {
    expect(redact(42)).toBe(42);
    expect(redact(null)).toBe(null);
    expect(redact(undefined)).toBe(undefined);
    expect(redact(true)).toBe(true);
  });
});
