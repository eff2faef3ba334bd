import { describe, expect, it } from 'vitest';
import { decodePagingCookie, MORE_RECORDS, nextFetchPage, PAGING_COOKIE } from './fetchxml-paging';

const inner = '<cookie page="1"><workflowid last="{D5026A4D-0000-0000-0000-000000000001}" first="{49B0BE2E-0000-0000-0000-000000000002}" /></cookie>';
/** .NET-style encoding as the service applies it (twice). */
const dotnet = (s: string) =>
  encodeURIComponent(s)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)
    .replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
const annotation = `<cookie pagenumber="2" pagingcookie="${dotnet(dotnet(inner))}" istracking="False" />`;

describe('FetchXML paging state', () => {
  it('decodes the twice-encoded inner cookie', () => {
    expect(decodePagingCookie(annotation)).toEqual({ pageNumber: 2, cookie: inner });
    expect(decodePagingCookie('<cookie />')).toBeNull();
  });

  it('continues with page + 1 and the cookie while morerecords is true', () => {
    expect(nextFetchPage({ [`@${PAGING_COOKIE}`]: annotation, [`@${MORE_RECORDS}`]: true, value: [] }, 1)).toEqual({
      page: 2,
      pagingCookie: decodePagingCookie(annotation)?.cookie,
    });
  });

  it('stops on the last page in both forms the service uses', () => {
    // morerecords false, still with a cookie (responses captured from the service)
    expect(nextFetchPage({ [`@${PAGING_COOKIE}`]: annotation, [`@${MORE_RECORDS}`]: false, value: [] }, 1)).toBeNull();
    // the paging annotations left out altogether (the 2024 documentation)
    expect(nextFetchPage({ value: [] }, 3)).toBeNull();
  });

  it('asks by page number alone when there is no usable cookie', () => {
    expect(nextFetchPage({ [`@${MORE_RECORDS}`]: true, value: [] }, 2)).toEqual({ page: 3 });
    // a cookie for another page than the next one is not used
    expect(nextFetchPage({ [`@${PAGING_COOKIE}`]: annotation, [`@${MORE_RECORDS}`]: true, value: [] }, 4)).toEqual({ page: 5 });
  });
});
