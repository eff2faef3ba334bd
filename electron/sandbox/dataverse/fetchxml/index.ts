/** FetchXML for the sandbox's Dataverse Web API: `GET <set>?fetchXml=<url-encoded>`. */
export { executeFetchXml, includeAnnotationsFilter, FetchXmlAnnotation, SIMPLE_PAGING_LIMIT } from './engine';
export type { FetchXmlRequest, FetchXmlResponseBody } from './engine';
export type { FetchXmlDataSource } from './evaluate';
export { FetchXmlError, FetchXmlErrorCode, isFetchXmlError } from './errors';
export { parseFetchXml, MAX_LINK_ENTITIES, MAX_PAGE_SIZE } from './parse';
export type { ParseOptions } from './parse';
export type { FetchQuery } from './query';
export { decodePagingCookieAnnotation, parsePagingCookie, serializePagingCookie } from './cookie';
export type { PagingCookie, CookieEntry } from './cookie';
