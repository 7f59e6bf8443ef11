import { errorMessage } from "@sightline/core";
import { mapSpan } from "../mapping/map-span.js";
import { decodeOtlpJson } from "../otlp/decode-json.js";
import { decodeOtlpProtobuf } from "../otlp/decode-protobuf.js";
import { decodeContentEncoding } from "../otlp/request-body.js";
import type { OtlpFormat } from "../otlp/request-body.js";
import { priceRecord } from "../pricing/ingest-pricing.js";
import type { PriceSources } from "../pricing/price-observation.js";
import type { CustomPriceSnapshot } from "../pricing/project-pricing.js";
import { PreparedObservation } from "../storage/prepared-observation.js";

/** One OTLP/HTTP traces request body, as received. */
export interface IngestRequest {
  readonly format: OtlpFormat;
  /** The body bytes, still content-encoded. */
  readonly body: Uint8Array;
  /** The `Content-Encoding` header (gzip is undone here). */
  readonly contentEncoding: string | undefined;
  /** The largest body accepted after decompression. */
  readonly maxBodyBytes: number;
  /** The project's custom prices (none: the catalogue's prices only). */
  readonly pricing?: CustomPriceSnapshot;
  /**
   * The caller does not use `body` after decoding: when it owns its memory whole, a worker thread
   * may take that memory (the body is detached) instead of a copy. Default false.
   */
  readonly detachable?: boolean;
  /** Prepare each observation's search words too (`PreparedObservation.searchVector`, for the PostgreSQL store). */
  readonly searchVector?: boolean;
}

/** A request decoded and mapped: the observations to store and why each other span was rejected. */
export interface MappedRequest {
  readonly records: PreparedObservation[];
  /** One reason per rejected span (decoding or mapping), for OTLP partial success. */
  readonly reasons: string[];
}

/**
 * Records per early chunk (see `decodeAndMapRequest`'s `onChunk`). Each chunk is a transaction of
 * its own when no other request shares it, and a commit costs ~1.5-2 ms besides its rows: 256-row
 * transactions took 6-15% less of the writing thread per row than 128-row ones (the benchmark's
 * rows, four alternating runs), and with 512-span requests the server used 5-9% less CPU per span
 * at the same c=1 latency (five alternating 12 s runs at c=1 and c=4).
 */
export const MAPPED_CHUNK_RECORDS = 256;

/**
 * The CPU-bound part of ingestion, pure and thread-agnostic: content decoding (gzip), OTLP
 * decoding (JSON or protobuf), span-to-observation mapping (input and output JSON kept as checked
 * text), pricing with `sources`, and the stored row of each observation (`PreparedObservation`:
 * the writing thread receives flat arrays and binds them as they are). A span the mapper throws
 * on is rejected with its reason, never the request.
 *
 * With `onChunk`, every `chunkRecords` mapped records are handed over as soon as they are ready
 * (so that the thread that writes can start on them while the rest is mapped) and the result holds
 * only the remainder. The whole body is decoded before the first chunk, so a refused body never
 * delivers a chunk.
 *
 * @throws {OtlpDecodeError} when the whole body is refused (bad gzip, not OTLP traces, too large).
 * @example const { records, reasons } = decodeAndMapRequest({ format: "protobuf", body, contentEncoding: undefined, maxBodyBytes }, sources);
 */
export function decodeAndMapRequest(
  request: IngestRequest,
  sources: PriceSources,
  onChunk?: (records: PreparedObservation[]) => void,
  chunkRecords: number = MAPPED_CHUNK_RECORDS,
): MappedRequest {
  const body = decodeContentEncoding(request.body, request.contentEncoding, request.maxBodyBytes);
  const decoded = request.format === "json" ? decodeOtlpJson(body) : decodeOtlpProtobuf(body);
  const reasons = decoded.rejected.map((r) => `span #${r.index}: ${r.reason}`);
  const nowMs = Date.now();
  let records: PreparedObservation[] = [];
  for (const span of decoded.spans) {
    try {
      const record = mapSpan(span, { jsonReading: "keepText" });
      priceRecord(record, sources, nowMs);
      records.push(PreparedObservation.of(record, { searchVector: request.searchVector === true }));
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
