/** Where spans go when no base URL is configured: a Sightline server on this machine. */
export const DEFAULT_BASE_URL = "http://127.0.0.1:3000";
/** The OTLP/HTTP traces path under the base URL (the Langfuse ingestion endpoint). */
export const OTLP_TRACES_PATH = "/api/public/otel/v1/traces";
/** Spans per request, and the queue length that triggers an export (OpenTelemetry's default). */
export const DEFAULT_FLUSH_AT = 512;
/** How long a span may wait in the queue before it is exported. */
export const DEFAULT_FLUSH_INTERVAL_MILLIS = 5_000;
/** The most spans held in memory; newer spans are dropped (and counted) beyond it. 4x OpenTelemetry's 2048:
 * bursts of nested LLM spans overflowed 2048 in the benchmark; ~8k spans of ~2 KB IO is ~30 MiB at worst. */
export const DEFAULT_MAX_QUEUE_SIZE = 8_192;
/** The timeout of one HTTP request (each retry gets its own). */
export const DEFAULT_TIMEOUT_MILLIS = 10_000;
/** Retries after the first attempt of a request that failed with a retryable error. */
export const DEFAULT_MAX_RETRIES = 5;
/** The first retry waits up to this long (full jitter); each further retry doubles it. */
export const DEFAULT_RETRY_INITIAL_DELAY_MILLIS = 500;
/** The longest backoff between two retries (before jitter). */
export const DEFAULT_RETRY_MAX_DELAY_MILLIS = 15_000;
/** A server's `Retry-After` is honoured up to this long. */
export const MAX_RETRY_AFTER_MILLIS = 60_000;
/** Longer string attribute values are truncated with a visible marker. */
export const DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH = 1_000_000;
/** Exports that may run at the same time. */
export const MAX_CONCURRENT_EXPORTS = 2;
