import { errorMessage } from "@sightline/core";
import { mapSpan } from "../mapping/map-span.js";
import { decodeOtlpJson } from "../otlp/decode-json.js";
import { decodeOtlpProtobuf } from "../otlp/decode-protobuf.js";
import { decodeContentEncoding } from "../otlp/request-body.js";
import type { OtlpFormat } from "../otlp/request-body.js";
import { encodeObservationJson } from "../storage/observation-json.js";
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

/** Records per early chunk (see `decodeAndMapRequest`'s `onChunk`). */
export const MAPPED_CHUNK_RECORDS = 128;

/**
 * The CPU-bound part of ingestion, pure and thread-agnostic: content decoding (gzip), OTLP
 * decoding (JSON or protobuf), span-to-observation mapping, and the JSON text of the large fields
 * (`encodeObservationJson`: the writing thread neither receives nor re-serialises the object
 * trees). A span the mapper throws on is rejected with its reason, never the request.
 *
 * With `onChunk`, every `chunkRecords` mapped records are handed over as soon as they are ready
 * (so that the thread that writes can start on them while the rest is mapped) and the result holds
 * only the remainder. The whole body is decoded before the first chunk, so a refused body never
 * delivers a chunk.
 *
 * @throws {OtlpDecodeError} when the whole body is refused (bad gzip, not OTLP traces, too large).
 * @example const { records, reasons } = decodeAndMapRequest({ format: "protobuf", body, contentEncoding: undefined, maxBodyBytes });
 */
export function decodeAndMapRequest(
  request: IngestRequest,
  onChunk?: (records: ObservationRecord[]) => void,
  chunkRecords: number = MAPPED_CHUNK_RECORDS,
): MappedRequest {
  const body = decodeContentEncoding(request.body, request.contentEncoding, request.maxBodyBytes);
  const decoded = request.format === "json" ? decodeOtlpJson(body) : decodeOtlpProtobuf(body);
  const reasons = decoded.rejected.map((r) => `span #${r.index}: ${r.reason}`);
  let records: ObservationRecord[] = [];
  for (const span of decoded.spans) {
    try {
      records.push(encodeObservationJson(mapSpan(span)));
    } catch (error) {
      reasons.push(`span ${span.spanId} (trace ${span.traceId}): could not be mapped: ${errorMessage(error)}`);
    }
    if (onChunk !== undefined && records.length >= chunkRecords) {
      onChunk(records);
      records = [];
    }
  }
  return { records, reasons };
}
