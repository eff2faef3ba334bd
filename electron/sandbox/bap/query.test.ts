import { describe, expect, it } from 'vitest';
import { applySelect, expandOption, selectOption } from './query';

describe('BAP query options', () => {
  it('normalises $expand items and ignores nothing it does not know', () => {
    const params = new URLSearchParams('$expand=properties.capacity,properties/addons,permissions($filter=a,b),properties/billingPolicy');
    expect([...expandOption(params)]).toEqual(['properties.capacity', 'properties.addons', 'permissions', 'properties.billingpolicy']);
    expect([...expandOption(new URLSearchParams('expand=Permissions'))]).toEqual(['permissions']);
  });

  it('projects $select paths case-insensitively, keeping id and name', () => {
    const env = { id: 'i', name: 'n', type: 't', properties: { displayName: 'D', linkedEnvironmentMetadata: { instanceApiUrl: 'u', version: 'v' } } };
    expect(applySelect(env, selectOption(new URLSearchParams('$select=properties.linkedEnvironmentMetadata.instanceApiUrl')))).toEqual({
      id: 'i',
      name: 'n',
      properties: { linkedEnvironmentMetadata: { instanceApiUrl: 'u' } },
    });
    expect(applySelect(env, selectOption(new URLSearchParams('select=name,properties/displayName,properties.nothing')))).toEqual({ id: 'i', name: 'n', properties: { displayName: 'D' } });
    expect(applySelect(env, null)).toBe(env);
  });
});
