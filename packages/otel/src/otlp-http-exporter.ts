import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ExportError, SDK_VERSION, errorMessage } from "@sightline/core";
import { computeBackoffMillis, isRetryableStatus, parseRetryAfterMillis } from "./backoff.js";
import type { BackoffPolicy } from "./backoff.js";
import type { BatchExporter, ExportOutcome } from "./batch-exporter.js";
import type { Compression } from "./options.js";
import { MAX_CONCURRENT_EXPORTS } from "./config-defaults.js";
import { HttpTransport } from "./http-transport.js";
import type { TransportResult } from "./http-transport.js";
import { encodeOtlpJson } from "./otlp-json-encoder.js";

const gzip = promisify(gzipCallback);

/** Settings of {@link OtlpHttpExporter}. */
export interface OtlpHttpExporterOptions {
  readonly endpoint: string;
  readonly publicKey: string | undefined;
  readonly secretKey: string | undefined;
  /** Merged over the SDK's headers (lower-case names), so they can override them. */
  readonly additionalHeaders: Readonly<Record<string, string>>;
  readonly compression: Compression;
  readonly timeoutMillis: number;
  readonly maxRetries: number;
  readonly backoff: BackoffPolicy;
  /** Called before each retry (for statistics). */
  readonly onRetry?: () => void;
}

/** The headers every request carries, before `additionalHeaders`. */
export function buildExportHeaders(
  publicKey: string | undefined,
  secretKey: string | undefined,
  compression: Compression,
): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: "Basic " + Buffer.from(`${publicKey ?? ""}:${secretKey ?? ""}`, "utf8").toString("base64"),
    "content-type": "application/json",
    "x-sightline-sdk-name": "javascript",
    "x-sightline-sdk-version": SDK_VERSION,
    "user-agent": `sightline-otel/${SDK_VERSION} node/${process.versions.node}`,
  };
  if (publicKey !== undefined) headers["x-langfuse-public-key"] = publicKey;
  if (compression === "gzip") headers["content-encoding"] = "gzip";
  return headers;
}

/** What to do about a failure the server or network reported. */
function hintFor(result: TransportResult): string {
  if (result.kind === "network-error") {
    return result.timedOut
      ? "The server did not answer in time; raise timeoutMillis or check the server's health."
      : "Check that the server is running and reachable at baseUrl (SIGHTLINE_BASE_URL).";
  }
  switch (result.status) {
    case 401:
    case 403:
      return (
        "Check SIGHTLINE_PUBLIC_KEY/SIGHTLINE_SECRET_KEY (or LANGFUSE_PUBLIC_KEY/LANGFUSE_SECRET_KEY) " +
        "and that they belong to this server."
      );
    case 404:
      return "Check baseUrl (SIGHTLINE_BASE_URL): it must be the server's root URL, without /api/....";
    case 413:
      return "The request was too large; lower flushAt or maxAttributeValueLength.";
    case 400:
      return "The server rejected the payload; see its answer above.";
    default:
      return result.status >= 500 || result.status === 429 || result.status === 408
        ? "The server is overloaded or failing; the spans were retried and are lost."
        : "See the server's answer above.";
  }
}

function failureOf(result: TransportResult, spanCount: number, endpoint: string, attempts: number): ExportError {
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  if (result.kind === "network-error") {
    return new ExportError(
      `Export of ${spanCount} spans to ${endpoint} failed after ${tries}: ${result.error.message}. ${hintFor(result)}`,
      { retryable: true, cause: result.error },
    );
  }
  const excerpt = result.bodyExcerpt.trim().slice(0, 500);
  return new ExportError(
    `Export of ${spanCount} spans to ${endpoint} failed with HTTP ${result.status} after ${tries}` +
      `${excerpt === "" ? "" : `: ${excerpt}`}. ${hintFor(result)}`,
    { status: result.status, retryable: isRetryableStatus(result.status) },
  );
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => {
    // Unref'd: a pending retry alone does not hold the process; the exit hook keeps it alive while it flushes.
    setTimeout(resolve, millis).unref();
  });
}

/**
 * Reusable request-body buffers, one per export in flight: encoding a 512-span batch gives ~1.5 MB
 * of UTF-8, and allocating a fresh Buffer for each request costs ~10x writing into a kept one.
 */
class BodyBufferPool {
  private readonly free: Buffer[] = [];

  /** The UTF-8 bytes of `text` in a pooled buffer; give the buffer back with `release`. */
  encode(text: string): { buffer: Buffer; body: Buffer } {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes: sizing by that bound skips the
    // extra pass over the text that Buffer.byteLength would make.
    const bound = text.length * 3;
    let buffer = this.free.pop();
    if (buffer === undefined || buffer.length < bound) buffer = Buffer.allocUnsafe(Math.max(bound, 64 * 1024));
    const written = buffer.write(text, 0, "utf8");
    return { buffer, body: buffer.subarray(0, written) };
  }

  release(buffer: Buffer): void {
    // Keep as many as can be in flight; a buffer grown for one huge batch is not kept forever.
    if (this.free.length < MAX_CONCURRENT_EXPORTS && buffer.length <= MAX_POOLED_BUFFER_BYTES) this.free.push(buffer);
  }
}

const MAX_POOLED_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * Sends batches as OTLP/HTTP JSON (`POST {baseUrl}/api/public/otel/v1/traces`) with Basic auth,
 * optional gzip, a per-request timeout and retries with backoff on network errors, timeouts,
 * 408, 429 and 5xx (honouring `Retry-After`). Other 4xx fail at once.
 */
export class OtlpHttpExporter implements BatchExporter {
  private readonly transport: HttpTransport;
  private readonly buffers = new BodyBufferPool();
  private closed = false;

  constructor(private readonly options: OtlpHttpExporterOptions) {
    this.transport = new HttpTransport({
      url: options.endpoint,
      headers: {
        ...buildExportHeaders(options.publicKey, options.secretKey, options.compression),
        ...options.additionalHeaders,
      },
      timeoutMillis: options.timeoutMillis,
      maxSockets: MAX_CONCURRENT_EXPORTS,
    });
  }

  async export(spans: ReadableSpan[]): Promise<ExportOutcome> {
    let body: Buffer;
    let pooled: Buffer | undefined;
    try {
      const encoded = this.buffers.encode(encodeOtlpJson(spans));
      if (this.options.compression === "gzip") {
        body = await gzip(encoded.body);
        this.buffers.release(encoded.buffer);
      } else {
        body = encoded.body;
        pooled = encoded.buffer;
      }
    } catch (error) {
      const message = `Export of ${spans.length} spans failed: they could not be encoded (${errorMessage(error)}).`;
      return { ok: false, error: new ExportError(message, { retryable: false, cause: error }) };
    }
    try {
      return await this.send(body, spans.length);
    } finally {
      // The request (and every retry) is over: the body's bytes are no longer read.
      if (pooled !== undefined) this.buffers.release(pooled);
    }
  }

  private async send(body: Buffer, spanCount: number): Promise<ExportOutcome> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.transport.post(body);
      if (result.kind === "response" && result.status >= 200 && result.status < 300) return { ok: true };
      const retryable = result.kind === "network-error" || isRetryableStatus(result.status);
      if (!retryable || attempt > this.options.maxRetries || this.closed) {
        return { ok: false, error: failureOf(result, spanCount, this.options.endpoint, attempt) };
      }
      const retryAfter = result.kind === "response" ? parseRetryAfterMillis(result.retryAfter, Date.now()) : undefined;
      this.options.onRetry?.();
      await sleep(retryAfter ?? computeBackoffMillis(attempt - 1, this.options.backoff));
    }
  }

  async forceFlush(): Promise<void> {
    // Nothing is buffered here: batches are sent as they come.
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    this.transport.close();
  }
}
