import { describe, expect, it } from 'vitest';
import { chunkByLength, URL_BUDGET } from './chunk';
import { assertWithinApi } from './endpoint';
import { guid, odataIn, odataString } from './odata-literals';
import { maxPageSizePreference, odataQueryString } from './odata-query';
import type { HttpCore } from '../contracts';
import { PlatformError } from '../http/platform-error';

describe('OData query building', () => {
  it('encodes option values and keeps option names literal', () => {
    expect(
      odataQueryString({ select: ['name', 'statecode'], filter: `name eq ${odataString("O'Brien & Co")}`, orderBy: ['name asc'], expand: 'ownerid($select=fullname)', top: 5, count: true }),
    ).toBe("$select=name%2Cstatecode&$filter=name%20eq%20'O''Brien%20%26%20Co'&$orderby=name%20asc&$expand=ownerid(%24select%3Dfullname)&$top=5&$count=true");
    expect(() => odataQueryString({ select: ['name,x'] })).toThrow(/not a valid Dataverse name/);
    expect(() => odataQueryString({ top: 0 })).toThrow(/positive integer/);
    expect(maxPageSizePreference(5000)).toBe('odata.maxpagesize=5000');
    expect(() => maxPageSizePreference(5001)).toThrow(/between 1 and 5000/);
  });

  it('checks GUIDs and builds In() with quoted values', () => {
    expect(guid('{AAAAAAAA-0000-0000-0000-000000000001}')).toBe('aaaaaaaa-0000-0000-0000-000000000001');
    expect(() => guid("1 or 1 eq 1", 'solution id')).toThrow(/solution id '1 or 1 eq 1' is not a GUID/);
    expect(odataIn('systemuserid', ['a', 'b'])).toBe(`Microsoft.Dynamics.CRM.In(PropertyName='systemuserid',PropertyValues=["a","b"])`);
  });

  it('chunks values so each request stays within the URL budget', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const cost = (id: string) => encodeURIComponent(`"${id}",`).length;
    const chunks = chunkByLength(ids, cost, URL_BUDGET - 1024);
    expect(chunks.flat()).toEqual(ids);
    expect(chunks.length).toBe(3);
    const longest = Math.max(...chunks.map((c) => encodeURIComponent(odataIn('systemuserid', c)).length));
    expect(longest).toBeLessThanOrEqual(URL_BUDGET - 1024 + 100);
    expect(chunkByLength([], () => 1, 10)).toEqual([]);
    expect(chunkByLength(['long', 'a'], (v) => v.length, 3)).toEqual([['long'], ['a']]);
  });

  it('follows next links only below the environment’s API root', () => {
    const endpoint = { http: {} as HttpCore, resource: 'https://org.crm.dynamics.com', apiRoot: 'https://org.crm.dynamics.com/api/data/v9.2' };
    const page = { url: `${endpoint.apiRoot}/workflows`, response: { status: 200, correlationId: 'c-1' } };
    expect(assertWithinApi(endpoint, 'https://org.crm.dynamics.com/api/data/v9.2/workflows?$skiptoken=x', page)).toContain('$skiptoken');
    expect(() => assertWithinApi(endpoint, 'https://evil.example/api/data/v9.2/workflows', page)).toThrow(/outside/);
    expect(() => assertWithinApi(endpoint, 'https://org.crm.dynamics.com/other', page)).toThrow(/outside/);
    // Refused as the service's answer, naming the request that carried the link: never a plain Error.
    const refused = (() => {
      try {
        return assertWithinApi(endpoint, 'not a url', page);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(PlatformError);
    expect(refused).toMatchObject({ kind: 'invalid-response', correlationId: 'c-1', url: page.url });
  });
});
