import { describe, expect, it } from 'vitest';
import { redactText } from './redact';
import { findSecrets } from './secret-finder';

const jwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL3gifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
const jwe = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXZpdml2aXZpdg.Y2lwaGVydGV4dGNpcGhlcg.dGFndGFndGFn';

describe('findSecrets', () => {
  it('finds tokens, private keys, bearer credentials and known secrets in any encoding', () => {
    const secret = 'Zq8~x/y+Secret.Value';
    const text = [
      `{"accessToken":"${jwt}"}`,
      `refresh ${jwe}`,
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE…',
      'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123',
      `client_secret=${encodeURIComponent(secret)}`,
      JSON.stringify({ s: secret }),
    ].join('\n');
    expect(findSecrets(text, [secret]).map((f) => f.kind)).toEqual(['jwt', 'jwt', 'private-key', 'bearer', 'known-secret', 'known-secret']);
  });

  it('keeps its report free of the secret itself', () => {
    const [finding] = findSecrets(`x ${jwt}`);
    expect(finding?.hint).toBe('eyJhbG…');
    expect(finding?.at).toBe(2);
  });

  it('finds nothing in ordinary traffic, GUIDs, short literals, or what redact() already masked', () => {
    const text = [
      '{"ok":true,"value":{"id":"5f2b1c3e-8d4a-4e2f-9c1b-7a6d5e4f3c2b","displayName":"Contoso Ops – Office 365"}}',
      redactText(`Authorization: Bearer ${jwt}`),
      redactText(`token ${jwe}`),
      'version 1.4.3.0, etag W/"12345678"',
    ].join('\n');
    expect(findSecrets(text, ['abc'])).toEqual([]);
  });
});
