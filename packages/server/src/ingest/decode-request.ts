import { errorMessage } from "@sightline/core";
import { mapSpan } from "../mapping/map-span.js";
import { decodeOtlpJson } from "../otlp/decode-json.js";
import { decodeOtlpProtobuf } from "../otlp/decode-protobuf.js";
import { decodeContentEncoding } from "../otlp/request-body.js";
import type { OtlpFormat } from "../otlp/request-body.js";
import type { ObservationRecord } from "../storage/records.js";

/** One OTLP/HTTP traces request body, as received. */
export interface IngestRequest {
  readonly format: OtlpFormat;
  /** The body bytes, still content-encoded. */
  readonly body: Uint8Array;
  /** The `Content-Encoding` header (gzip is undone here). */
  readonly contentEncoding: string | undefined;
  /** The largest body accepted after decompression. */
  readonly maxBodyBytes: number;
}

/** A request decoded and mapped: the observations to store and why each other span was rejected. */
export interface MappedRequest {
  readonly records: ObservationRecord[];
  /** One reason per rejected span (decoding or mapping), for OTLP partial success. */
  readonly reasons: string[];
}

/**
 * The CPU-bound part of ingestion, pure and thread-agnostic: content decoding (gzip), OTLP
 * decoding (JSON or protobuf) and span-to-observation mapping. A span the mapper throws on is
 * rejected with its reason, never the request.
 *
 * @throws {OtlpDecodeError} when the whole body is refused (bad gzip, not OTLP traces, too large).
 * @example const { records, reasons } = decodeAndMapRequest({ format: "protobuf", body, contentEncoding: undefined, maxBodyBytes });
 */
export function decodeAndMapRequest(request: IngestRequest): MappedRequest {
  const body = decodeContentEncoding(request.body, request.contentEncoding, request.maxBodyBytes);
  const decoded = request.format === "json" ? decodeOtlpJson(body) : decodeOtlpProtobuf(body);
  const reasons = decoded.rejected.map((r) => `span #${r.index}: ${r.reason}`);
  const records: ObservationRecord[] = [];
  for (const span of decoded.spans) {
    try {
      records.push(mapSpan(span));
    } catch (error) {
      reasons.push(`span ${span.spanId} (trace ${span.traceId}): could not be mapped: ${errorMessage(error)}`);
    }
  }
  return { records, reasons };
}
