/** Unit checks of the building blocks: GUIDs, LIKE, SQL GUID order, cookies and the annotation filter. */
import { describe, expect, it } from 'vitest';
import { decodePagingCookieAnnotation, encodeCookieComponent, pagingCookieAnnotation, parsePagingCookie, serializePagingCookie } from './cookie';
import { includeAnnotationsFilter } from './engine';
import { canonicalGuid, likeToRegExp, matchesLike, sqlGuidKey } from './values';

describe('canonicalGuid', () => {
  it('accepts braces, upper case and the 32-digit form', () => {
    const expected = '49b0be2e-d01c-ed11-b83e-000d3a572421';
    expect(canonicalGuid('{49B0BE2E-D01C-ED11-B83E-000D3A572421}')).toBe(expected);
    expect(canonicalGuid('49b0be2ed01ced11b83e000d3a572421')).toBe(expected);
    expect(canonicalGuid(' 49b0be2e-d01c-ed11-b83e-000d3a572421 ')).toBe(expected);
    expect(canonicalGuid('49b0be2e-d01c-ed11-b83e')).toBeUndefined();
  });

  it('orders GUIDs by their last group first', () => {
    expect(sqlGuidKey('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee')).toBe('eeeeeeeeeeeeddddccccbbbbaaaaaaaa');
  });
});

describe('LIKE', () => {
  it('matches % _ and classes, ignoring case and accents', () => {
    expect(matchesLike('Résumé.pdf', likeToRegExp('resume%'))).toBe(true);
    expect(matchesLike('a.b', likeToRegExp('a_b'))).toBe(true);
    expect(matchesLike('axb', likeToRegExp('a.b'))).toBe(false);
    expect(matchesLike('cat', likeToRegExp('[^b]at'))).toBe(true);
    expect(matchesLike('bat', likeToRegExp('[^b]at'))).toBe(false);
    expect(matchesLike('a(b)', likeToRegExp('a(b)'))).toBe(true);
    expect(matchesLike('line1\nline2', likeToRegExp('line1%line2'))).toBe(true);
  });
});

describe('paging cookies', () => {
  it('encodes like the service: lowercase hex, only letters, digits and -_. left alone', () => {
    expect(encodeCookieComponent('<a b="{C}" (x)/>')).toBe('%3ca%20b%3d%22%7bC%7d%22%20%28x%29%2f%3e');
    expect(encodeCookieComponent('é')).toBe('%c3%a9');
  });

  it('round-trips through the annotation', () => {
    const cookie = { page: 4, entries: [{ name: 'name', last: 'R&D "x"', first: null }] };
    expect(serializePagingCookie(cookie)).toBe('<cookie page="4"><name last="R&amp;D &quot;x&quot;" firstnull="1" /></cookie>');
    const annotation = pagingCookieAnnotation(cookie);
    expect(annotation.startsWith('<cookie pagenumber="5" pagingcookie="%253ccookie%2520page%253d%25224%2522%253e')).toBe(true);
    const decoded = decodePagingCookieAnnotation(annotation);
    expect(decoded?.pageNumber).toBe(5);
    expect(parsePagingCookie(decoded?.cookie ?? '')).toEqual(cookie);
  });

  it('reads the cookie of the documentation', () => {
    expect(
      parsePagingCookie(
        '<cookie page="1"><fullname last="Susanna Stubberod (sample)" first="Yvonne McKay (sample)" /><contactid last="{70BF4D48-34CB-ED11-B596-0022481D68CD}" first="{49B0BE2E-D01C-ED11-B83E-000D3A572421}" /></cookie>',
      ),
    ).toEqual({
      page: 1,
      entries: [
        { name: 'fullname', last: 'Susanna Stubberod (sample)', first: 'Yvonne McKay (sample)' },
        { name: 'contactid', last: '{70BF4D48-34CB-ED11-B596-0022481D68CD}', first: '{49B0BE2E-D01C-ED11-B83E-000D3A572421}' },
      ],
    });
  });

  it('names what is missing in a cookie element', () => {
    expect(() => parsePagingCookie('<cookie page="1"><name first="a" lastx="b" /></cookie>')).toThrow(
      'Malformed XML Passed to in the Paging Cookie. Value for attribute last was not specified, and it was not null either.',
    );
    expect(() => parsePagingCookie('<cookie><name last="a" first="b" /></cookie>')).toThrow('Malformed XML in the Paging Cookie');
  });
});

describe('includeAnnotationsFilter', () => {
  it('understands *, namespace wildcards, lists and exclusions', () => {
    const all = includeAnnotationsFilter('"*"');
    expect(all('OData.Community.Display.V1.FormattedValue')).toBe(true);
    const paging = includeAnnotationsFilter('"Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords"');
    expect(paging('Microsoft.Dynamics.CRM.morerecords')).toBe(true);
    expect(paging('OData.Community.Display.V1.FormattedValue')).toBe(false);
    const crm = includeAnnotationsFilter('Microsoft.Dynamics.CRM.*,-Microsoft.Dynamics.CRM.morerecords');
    expect(crm('Microsoft.Dynamics.CRM.lookuplogicalname')).toBe(true);
    expect(crm('Microsoft.Dynamics.CRM.morerecords')).toBe(false);
    expect(crm('OData.Community.Display.V1.FormattedValue')).toBe(false);
  });
});
