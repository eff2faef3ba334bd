import { describe, expect, it } from 'vitest';
import { annotationFilter, appliedQueryPreferences, parsePrefer } from './prefer';

describe('parsePrefer', () => {
  it('reads comma-joined preferences in one header (DynamicsWebApi style)', () => {
    expect(parsePrefer('return=representation,odata.include-annotations="*",odata.maxpagesize=5000')).toEqual({
      returnRepresentation: true,
      includeAnnotations: '*',
      maxPageSize: 5000,
      continueOnError: false,
      trackChanges: false,
    });
  });

  it('reads several Prefer headers as joined by the server', () => {
    expect(parsePrefer('odata.maxpagesize=2, odata.include-annotations="OData.Community.Display.V1.FormattedValue", odata.continue-on-error')).toEqual({
      returnRepresentation: false,
      includeAnnotations: 'OData.Community.Display.V1.FormattedValue',
      maxPageSize: 2,
      continueOnError: true,
      trackChanges: false,
    });
  });

  it('keeps a quoted annotation list whole', () => {
    expect(parsePrefer('odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname",odata.maxpagesize=10')).toMatchObject({
      includeAnnotations: 'OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname',
      maxPageSize: 10,
    });
  });

  it('gathers an unquoted annotation list up to the next preference', () => {
    expect(parsePrefer('odata.include-annotations=OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.*,odata.maxpagesize=10')).toMatchObject({
      includeAnnotations: 'OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.*',
      maxPageSize: 10,
    });
  });

  it('preference names are case-insensitive; bad page sizes are ignored', () => {
    expect(parsePrefer('Return=Representation, Odata.MaxPageSize=abc')).toMatchObject({ returnRepresentation: true, maxPageSize: null });
    expect(parsePrefer('odata.maxpagesize=0').maxPageSize).toBeNull();
    expect(parsePrefer('return=minimal').returnRepresentation).toBe(false);
  });

  it('handles an absent header', () => {
    expect(parsePrefer(undefined)).toEqual({ returnRepresentation: false, includeAnnotations: null, maxPageSize: null, continueOnError: false, trackChanges: false });
    expect(parsePrefer('')).toMatchObject({ includeAnnotations: null });
  });
});

describe('annotationFilter', () => {
  const FV = 'OData.Community.Display.V1.FormattedValue';
  const LLN = 'Microsoft.Dynamics.CRM.lookuplogicalname';

  it('* matches everything', () => {
    const f = annotationFilter('*');
    expect([f(FV), f(LLN)]).toEqual([true, true]);
  });

  it('exact terms and namespace wildcards', () => {
    expect([annotationFilter(FV)(FV), annotationFilter(FV)(LLN)]).toEqual([true, false]);
    expect([annotationFilter('Microsoft.Dynamics.CRM.*')(FV), annotationFilter('Microsoft.Dynamics.CRM.*')(LLN)]).toEqual([false, true]);
  });

  it('exclusions win', () => {
    const f = annotationFilter(`*,-${LLN}`);
    expect([f(FV), f(LLN)]).toEqual([true, false]);
  });

  it('no preference, no annotations', () => {
    expect(annotationFilter(null)(FV)).toBe(false);
  });
});

describe('appliedQueryPreferences', () => {
  it('echoes the annotation preference quoted and caps the page size', () => {
    expect(appliedQueryPreferences(parsePrefer('odata.include-annotations=*,odata.maxpagesize=9000,return=representation'))).toEqual([
      'odata.include-annotations="*"',
      'odata.maxpagesize=5000',
    ]);
  });
});
