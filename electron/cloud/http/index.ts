/** The cloud layer's HTTP core and its parts (design §5). */
export { createHttpCore, abortableSleep, type HttpCoreHandle, type HttpCoreOptions, type RetryEvent } from './http-core';
export { AdaptiveLimiter, limiterKey, type HostLimitSnapshot, type LimiterOptions, type LimiterSnapshot, type Permit, type PermitOutcome } from './limiter';
export {
  CancelledError,
  PlatformError,
  isCancelled,
  redactUrl,
  type PlatformErrorContext,
  type PlatformErrorDetail,
  type PlatformErrorInfo,
  type PlatformErrorKind,
} from './platform-error';
export { parseJsonBody, parsePlatformError } from './parse-platform-error';
export { parseFlowClientError, type FlowClientError } from './flow-wrapper';
export { isRepeatable, backoffMs } from './retry-policy';
export { parseRetryAfterMs } from './retry-after';
export {
  BatchFormatError,
  MAX_BATCH_REQUESTS,
  buildBatch,
  parseBatchResponse,
  sendBatch,
  type BatchChangeset,
  type BatchItem,
  type BatchPart,
  type BatchPartResponse,
  type BuiltBatch,
  type SendBatchOptions,
} from './batch';
