import { describe, expect, it } from 'vitest';
import { FlowApiError } from './errors';
import { decodeSkipToken, pageSize, paginate } from './paging';

describe('paging', () => {
  const items = Array.from({ length: 7 }, (_, i) => i);
  const base = 'https://127.0.0.1:1/flow/providers/Microsoft.ProcessSimple/environments/e/flows';

  it('sizes pages by $top, else the default, within bounds', () => {
    expect(pageSize(null, 50)).toBe(50);
    expect(pageSize('5', 50)).toBe(5);
    expect(pageSize('0', 50)).toBe(50);
    expect(pageSize('x', 50)).toBe(50);
    expect(pageSize('100000', 50)).toBe(1000);
  });

  it('links to the next page until the last, keeping the other parameters', () => {
    const first = paginate(items, new URL(`${base}?api-version=2016-11-01&$top=3`), 50);
    expect(first.value).toEqual([0, 1, 2]);
    const second = paginate(items, new URL(first.nextLink ?? ''), 50);
    expect(second.value).toEqual([3, 4, 5]);
    expect(second.nextLink?.match(/\$skiptoken=/g)).toHaveLength(1);
    const last = paginate(items, new URL(second.nextLink ?? ''), 50);
    expect(last).toEqual({ value: [6] });
    expect(paginate(items, new URL(`${base}?api-version=2016-11-01`), 50)).toEqual({ value: items });
  });

  it('refuses a skip token it did not issue', () => {
    expect(decodeSkipToken(null)).toBe(0);
    expect(() => decodeSkipToken('bogus')).toThrow(FlowApiError);
    expect(() => decodeSkipToken(Buffer.from('{"o":-1}').toString('base64url'))).toThrow(FlowApiError);
  });
});
