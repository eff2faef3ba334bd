/**
 * The sandbox's OData query engine for the Dataverse Web API: pure functions from a request URL, a
 * Prefer header and the caller's rows to the platform's JSON shapes, or an ODataError.
 */
export { ODataError, QUERY_ERROR_CODE } from './errors';
export { parsePrefer, annotationFilter, appliedQueryPreferences, MAX_PAGE_SIZE, type Preferences, type AnnotationFilter } from './prefer';
export { parseEntitySetSegment, parseEntityKey, type EntitySetSegment } from './key';
export { parseFilter, parseOrderBy, type RowPredicate, type OrderByItem, type ParameterAliases } from './expression';
export {
  parseQueryOptions,
  readQueryString,
  type RawQueryOptions,
  type QueryOptions,
  type SelectExpand,
  type ExpandItem,
  type SingleValuedExpand,
  type CollectionValuedExpand,
} from './options';
export { serializeRow, formatDisplayDateTime, type RowSource, type SerializeContext } from './serialize';
export {
  queryCollection,
  retrieveEntity,
  countCollection,
  serviceRootOf,
  COUNT_LIMIT,
  type QueryRequest,
  type EntityRequest,
  type QueryResult,
} from './query';
