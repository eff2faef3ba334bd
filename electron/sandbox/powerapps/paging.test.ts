import { describe, expect, it } from 'vitest';
import type { SbRequest } from '../http';
import { decodeSkipToken, encodeSkipToken, paginate } from './paging';

const request = (pathAndQuery: string): SbRequest => ({
  method: 'GET',
  url: new URL(pathAndQuery, 'https://127.0.0.1:9'),
  path: '',
  headers: {},
  body: Buffer.alloc(0),
  remoteAddress: '127.0.0.1',
  requestId: 'r',
});

describe('paginate', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];

  it('cuts pages and links the next one, keeping the other query options', () => {
    const first = paginate('https://127.0.0.1:9', request("/powerapps/x?api-version=1&$filter=environment%20eq%20'e'"), items, 2);
    expect(first).toEqual({ ok: true, items: ['a', 'b'], nextLink: `https://127.0.0.1:9/powerapps/x?api-version=1&$filter=environment%20eq%20%27e%27&$skiptoken=${encodeSkipToken(2)}` });
    if (!first.ok || !first.nextLink) return;
    const second = paginate('https://127.0.0.1:9', request(first.nextLink.slice('https://127.0.0.1:9'.length)), items, 2);
    expect(second.ok && second.items).toEqual(['c', 'd']);
    const last = paginate('https://127.0.0.1:9', request(`/p?$skiptoken=${encodeSkipToken(4)}`), items, 2);
    expect(last).toEqual({ ok: true, items: ['e'], nextLink: null });
  });

  it('has no nextLink when everything fits, and refuses tokens it did not make', () => {
    expect(paginate('https://h', request('/p'), items, 5)).toEqual({ ok: true, items, nextLink: null });
    expect(paginate('https://h', request('/p?$skiptoken=zzz'), items, 2)).toEqual({ ok: false, token: 'zzz' });
    expect(decodeSkipToken(Buffer.from('{"skip":-1}').toString('base64url'))).toBeNull();
    expect(decodeSkipToken(encodeSkipToken(7))).toBe(7);
  });
});
