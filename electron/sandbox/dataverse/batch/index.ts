/** The sandbox Dataverse `$batch` engine: request parser, executor, response writer and response parser. */
export {
  type BatchEngineOptions,
  type BatchTransaction,
  NOT_INHERITED_HEADERS,
  batchErrorResponse,
  handleBatch,
  prefersContinueOnError,
  resolveInnerUrl,
} from './engine';
export { type BatchFault, type Parsed, parseMediaType } from './multipart';
export {
  type BatchRequestChangeSet,
  type BatchRequestDocument,
  type BatchRequestItem,
  type BatchRequestPart,
  type ParseBatchRequestOptions,
  contentIdReferenceOf,
  parseBatchRequest,
} from './request-parser';
export {
  type BatchResponseChangeSet,
  type BatchResponseItem,
  type BatchResponsePart,
  flattenBatchResponse,
  parseBatchResponse,
} from './response-parser';
export {
  type BatchPartResult,
  type BatchResultItem,
  PART_RESPONSE_HEADERS,
  reasonPhrase,
  writeBatchResponse,
} from './response-writer';
export { MAX_BATCH_REQUESTS, ODATA_ERROR_CODE, UNEXPECTED_ERROR_CODE, batchTexts } from './texts';
