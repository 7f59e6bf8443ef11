export { SightlineSpanProcessor } from "./sightline-span-processor.js";
export { registerSightline, DEFAULT_ATTRIBUTE_COUNT_LIMIT } from "./register-sightline.js";
export type { RegisterSightlineOptions, SightlineRegistration } from "./register-sightline.js";
export type { SightlineSpanProcessorOptions, ExportMode, Compression } from "./options.js";
export { resolveConfig } from "./config.js";
export type { ResolvedConfig, ConfigResolution } from "./config.js";
export {
  DEFAULT_BASE_URL,
  OTLP_TRACES_PATH,
  DEFAULT_FLUSH_AT,
  DEFAULT_FLUSH_INTERVAL_MILLIS,
  DEFAULT_MAX_QUEUE_SIZE,
  DEFAULT_TIMEOUT_MILLIS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_INITIAL_DELAY_MILLIS,
  DEFAULT_RETRY_MAX_DELAY_MILLIS,
  MAX_RETRY_AFTER_MILLIS,
  DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_CONCURRENT_EXPORTS,
} from "./config-defaults.js";
export {
  KNOWN_LLM_INSTRUMENTATION_SCOPE_PREFIXES,
  isSightlineSpan,
  isGenAISpan,
  isKnownLLMInstrumentor,
  isDefaultExportSpan,
  exportAllSpans,
} from "./span-filters.js";
export type { ShouldExportSpan } from "./span-filters.js";
export { MASK_FAILED_VALUE, isMaskedAttributeKey } from "./masking.js";
export type { MaskFunction } from "./masking.js";
export type { ExportErrorEvent, DropEvent, DropReason, OnExportError, OnDrop } from "./hooks.js";
export type { ProcessorStats } from "./stats.js";
export { encodeOtlpJson, hrTimeToNanosString } from "./otlp-json-encoder.js";
export {
  computeBackoffMillis,
  parseRetryAfterMillis,
  isRetryableStatus,
  DEFAULT_BACKOFF_POLICY,
} from "./backoff.js";
export type { BackoffPolicy } from "./backoff.js";
export { isTraceSampled } from "./sampling.js";
export { truncateLongAttributeValues } from "./attribute-truncation.js";
export { parseOtlpHeaders } from "./env-headers.js";
