import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { OnDrop, OnExportError } from "./hooks.js";
import type { MaskFunction } from "./masking.js";
import type { ShouldExportSpan } from "./span-filters.js";

/** `batched` exports by size and interval; `immediate` exports on the next tick (for serverless and scripts). */
export type ExportMode = "batched" | "immediate";

/** Request body compression. */
export type Compression = "gzip" | "none";

/**
 * Options of {@link SightlineSpanProcessor}. Every option is optional: an explicit value wins over
 * `SIGHTLINE_*` environment variables, which win over `LANGFUSE_*` ones, which win over the
 * defaults. Invalid values are reported as one warning each and replaced by the default.
 */
export interface SightlineSpanProcessorOptions {
  /** Public key (`SIGHTLINE_PUBLIC_KEY` / `LANGFUSE_PUBLIC_KEY`). */
  publicKey?: string;
  /** Secret key (`SIGHTLINE_SECRET_KEY` / `LANGFUSE_SECRET_KEY`). */
  secretKey?: string;
  /** Server URL (`SIGHTLINE_BASE_URL` / `LANGFUSE_BASE_URL` / `LANGFUSE_BASEURL`); default `http://127.0.0.1:3000`. */
  baseUrl?: string;
  /** `batched` (default) or `immediate` (`SIGHTLINE_EXPORT_MODE`). */
  exportMode?: ExportMode;
  /** Spans per request, and the queue length that triggers an export (`*_FLUSH_AT`); default 512. */
  flushAt?: number;
  /** Longest wait of a queued span before export (`SIGHTLINE_FLUSH_INTERVAL_MILLIS`); default 5000. */
  flushIntervalMillis?: number;
  /** Langfuse-compatible alias of `flushIntervalMillis`, in seconds (`LANGFUSE_FLUSH_INTERVAL`). */
  flushInterval?: number;
  /** Most spans held in memory; newer ones are dropped and counted (`*_MAX_QUEUE_SIZE`); default 8192. */
  maxQueueSize?: number;
  /** Timeout of each HTTP request (`SIGHTLINE_TIMEOUT_MILLIS`); default 10000. */
  timeoutMillis?: number;
  /** Langfuse-compatible alias of `timeoutMillis`, in seconds (`LANGFUSE_TIMEOUT`). */
  timeout?: number;
  /** Retries of a request that failed with a network error, timeout, 408, 429 or 5xx (`*_MAX_RETRIES`); default 5. */
  maxRetries?: number;
  /** Ceiling of the first retry's random delay; doubles per retry. Default 500. */
  retryInitialDelayMillis?: number;
  /** Largest backoff ceiling. Default 15000. */
  retryMaxDelayMillis?: number;
  /** Extra HTTP headers; they override the SDK's and `OTEL_EXPORTER_OTLP[_TRACES]_HEADERS`. */
  additionalHeaders?: Record<string, string>;
  /** `gzip` or `none` (default); `SIGHTLINE_EXPORT_COMPRESSION`, `OTEL_EXPORTER_OTLP[_TRACES]_COMPRESSION`. */
  compression?: Compression;
  /** Default `langfuse.environment` of spans that do not set one (`*_TRACING_ENVIRONMENT`). */
  environment?: string;
  /** Default `langfuse.release` of spans that do not set one (`*_RELEASE`). */
  release?: string;
  /** Share of traces kept, 0..1, decided per trace id (`*_SAMPLE_RATE`); default 1. */
  sampleRate?: number;
  /** Redacts input, output and metadata (flattened metadata keys included) before export. */
  mask?: MaskFunction;
  /** Replaces the default export filter {@link isDefaultExportSpan}. */
  shouldExportSpan?: ShouldExportSpan;
  /** Longer string attribute values are truncated with a visible marker (`*_MAX_ATTRIBUTE_VALUE_LENGTH`); default 1 000 000. */
  maxAttributeValueLength?: number;
  /** Called when a batch is lost after its retries. */
  onError?: OnExportError;
  /** Called when spans are dropped because the queue is full. */
  onDrop?: OnDrop;
  /** Sends batches through this exporter instead of Sightline's OTLP/HTTP JSON exporter. */
  exporter?: SpanExporter;
  /** `false` turns the processor into a no-op (`*_TRACING_ENABLED`); default true. */
  enabled?: boolean;
  /** Flush queued spans when the event loop empties (`beforeExit`); default true. */
  flushOnExit?: boolean;
}
