/**
 * Error codes and texts of the `$batch` engine. Dataverse reads `$batch` bodies with the OData .NET
 * library (ODataLib), so batch-format errors carry ODataLib's resource texts (Microsoft.OData.Core
 * `Microsoft.OData.Core.txt`) wrapped in Dataverse's envelope; the names below are those resource keys.
 * Texts marked INVENTED have no platform source; the Content-ID text is Dataverse's own (S13).
 */

/**
 * The code Dataverse puts on errors raised by its OData layer (unknown segment, query syntax, media
 * type): community captures show `0x80060888` for those, so batch-format errors carry it too.
 */
export const ODATA_ERROR_CODE = '0x80060888';

/** Dataverse's generic "UnexpectedError" (-2147220970), used when an inner request throws. */
export const UNEXPECTED_ERROR_CODE = '0x80040216';

/** Dataverse's per-batch limit on requests (S13), also ODataLib's MaxPartsPerBatch / MaxOperationsPerChangeset there. */
export const MAX_BATCH_REQUESTS = 1000;

export const batchTexts = {
  /** ODataMessageReader_NoneOrEmptyContentTypeHeader */
  missingContentType: (): string =>
    'A missing or empty content type header was found when trying to read a message. The content type header is required.',
  /** MediaTypeUtils_CannotDetermineFormatFromContentType, with the one type `$batch` reads. */
  notMultipart: (contentType: string): string =>
    `A supported MIME type could not be found that matches the content type of the response. None of the supported type(s) 'multipart/mixed' matches the content type '${contentType}'.`,
  /** MediaTypeUtils_BoundaryMustBeSpecifiedForBatchPayloads */
  boundaryMissing: (contentType: string): string =>
    `The content type '${contentType}' specifies a batch payload; however, the payload either does not include a batch boundary or includes more than one boundary. In OData, batch payload content types must specify exactly one batch boundary in the 'boundary' parameter of the content type.`,
  /** ODataBatchReaderStream_UnexpectedEndOfInput */
  unexpectedEnd: (): string => 'Encountered an unexpected end of input while reading the batch payload.',
  /** ODataBatchReaderStream_MissingContentTypeHeader */
  missingPartContentType: (): string =>
    "The 'Content-Type' header is missing. The 'Content-Type' header must be specified for each MIME part of a batch message.",
  /** ODataBatchReaderStream_InvalidContentTypeSpecified */
  invalidPartContentType: (value: string): string =>
    `The 'Content-Type' header value '${value}' is invalid. When this is the start of the change set, the value must be 'multipart/mixed'; otherwise it must be 'application/http'.`,
  /** ODataBatchReaderStream_MissingOrInvalidContentEncodingHeader */
  invalidTransferEncoding: (): string =>
    "A missing or invalid 'Content-Transfer-Encoding' header was found. The 'Content-Transfer-Encoding' header must be specified for each batch operation, and its value must be 'binary'.",
  /** ODataBatchReaderStream_NestedChangesetsAreNotSupported */
  nestedChangeSet: (): string => 'Nested change sets in a batch payload are not supported.',
  /** ODataBatchReaderStream_InvalidHeaderSpecified */
  invalidHeader: (line: string): string =>
    `The message header '${line}' is invalid. The header value must be of the format '<header name>: <header value>'.`,
  /** ODataBatchReaderStream_DuplicateHeaderFound */
  duplicateHeader: (name: string): string =>
    `The header '${name}' was specified multiple times. Each header must appear only once in a batch part.`,
  /** ODataBatchReaderStream_InvalidRequestLine */
  invalidRequestLine: (line: string): string =>
    `The request line '${line}' is invalid. The request line at the start of each operation must be of the format 'HttpMethod RequestUrl HttpVersion'.`,
  /** ODataBatchReaderStream_InvalidResponseLine */
  invalidResponseLine: (line: string): string =>
    `The response line '${line}' is invalid. The response line at the start of each operation must be of the format 'HttpVersion StatusCode StatusCodeString'.`,
  /** ODataBatchReaderStream_NonIntegerHttpStatusCode (ODataLib's text has the leading space too) */
  nonIntegerStatus: (value: string): string =>
    ` The HTTP status code '${value}' is invalid. An HTTP status code must be an integer value.`,
  /** ODataBatchReaderStream_InvalidHttpVersionSpecified */
  invalidHttpVersion: (version: string): string =>
    `The HTTP version '${version}' used in a batch operation request or response is not valid. The value must be 'HTTP/1.1'.`,
  /** HttpUtils_InvalidHttpMethodString */
  invalidMethod: (method: string): string =>
    `The string '${method}' cannot be converted into a supported HTTP method. The only supported HTTP methods are GET, DELETE, PUT, POST and PATCH.`,
  /** ODataBatch_InvalidHttpMethodForChangeSetRequest */
  methodInChangeSet: (method: string): string =>
    `An invalid HTTP method '${method}' was detected for a request in a change set. Requests in change sets only support the HTTP methods 'POST', 'PUT', 'DELETE', and 'PATCH'.`,
  /** ODataBatchReader_DuplicateContentIDsNotAllowed */
  duplicateContentId: (id: string): string =>
    `The content ID '${id}' was found more than once in the same change set or same batch request. Content IDs have to be unique across all operations of a change set for OData V4.0 and have to be unique across all operations in the whole batch request for OData V4.01.`,
  /** ODataBatchReader_MaxBatchSizeExceeded (also used when change sets together exceed the limit) */
  tooManyParts: (max: number): string =>
    `The current batch message contains too many parts. A maximum number of '${max}' query operations and change sets are allowed in a batch message.`,
  /** ODataBatchReader_MaxChangeSetSizeExceeded */
  tooManyChangeSetOperations: (max: number): string =>
    `The current change set contains too many operations. A maximum number of '${max}' operations are allowed in a change set.`,
  /** Dataverse's text (execute-batch-operations-using-web-api.md). */
  contentIdReference: (reference: string): string =>
    `Content-ID Reference: '${reference}' does not exist in the batch context.`,
  /** INVENTED: the docs say only that batches "can't contain other batch requests". */
  nestedBatch: (): string => 'A batch request cannot contain another batch request.',
  /** Dataverse's catalogue text for UnexpectedError (0x80040216). */
  unexpected: (): string => 'An unexpected error occurred.',
} as const;
