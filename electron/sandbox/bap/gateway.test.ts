import { describe, expect, it } from 'vitest';
import { dotNetUtc, matchRoute } from './gateway';

describe('gateway helpers', () => {
  it('prints times as the gateway does', () => {
    expect(dotNetUtc(new Date('2023-09-14T18:03:16Z'))).toBe('9/14/2023 6:03:16 PM');
    expect(dotNetUtc(new Date('2023-01-02T00:05:09Z'))).toBe('1/2/2023 12:05:09 AM');
    expect(dotNetUtc(new Date('2023-01-02T12:00:00Z'))).toBe('1/2/2023 12:00:00 PM');
  });

  it('matches routes with case-insensitive literals and captures', () => {
    expect(matchRoute('providers/Microsoft.PowerApps/apis/:api', ['PROVIDERS', 'microsoft.powerapps', 'apis', 'shared_SQL'])).toEqual({ api: 'shared_SQL' });
    expect(matchRoute('providers/Microsoft.PowerApps/apis/:api', ['providers', 'Microsoft.PowerApps', 'apis'])).toBeNull();
    expect(matchRoute('a/b', ['a', 'c'])).toBeNull();
  });
});
