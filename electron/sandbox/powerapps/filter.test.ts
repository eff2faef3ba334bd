import { describe, expect, it } from 'vitest';
import { environmentFilter } from './filter';

describe('environmentFilter', () => {
  const of = (query: string) => environmentFilter(new URLSearchParams(query));

  it('reads the environment from plain and URL-encoded filters', () => {
    expect(of("$filter=environment eq 'Default-1'")).toEqual({ ok: true, environment: 'Default-1' });
    expect(of('%24filter=environment%20eq%20%27abc%27')).toEqual({ ok: true, environment: 'abc' });
    expect(of("$filter=environment+eq+'abc'")).toEqual({ ok: true, environment: 'abc' });
    expect(of("$filter=Environment EQ 'abc' and IsCustomApi eq 'True'")).toEqual({ ok: true, environment: 'abc' });
  });

  it('answers no environment without a filter and refuses other filters', () => {
    expect(of('api-version=2016-11-01')).toEqual({ ok: true, environment: null });
    expect(of("$filter=name eq 'x'")).toEqual({ ok: false, filter: "name eq 'x'" });
    expect(of("$filter=myenvironment eq 'x'")).toEqual({ ok: false, filter: "myenvironment eq 'x'" });
  });
});
