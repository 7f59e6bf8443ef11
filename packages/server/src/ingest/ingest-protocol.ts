import type { OtlpErrorCode } from "../otlp/otlp-decode-error.js";
import type { ObservationRecord } from "../storage/records.js";
import type { IngestRequest, MappedRequest } from "./decode-request.js";

/** A request sent to an ingest worker. */
export interface IngestJob {
  readonly id: number;
  readonly request: IngestRequest;
  /** Send mapped records in chunks as they are ready (`{ id, chunk }` messages) before the answer. */
  readonly chunked: boolean;
}

/**
 * A worker's messages about a job: zero or more early chunks of records (chunked jobs), then one
 * answer: the mapped request (the records not sent in chunks), or the error as plain data (errors
 * lose their class across threads).
 */
export type IngestReply =
  | { readonly id: number; readonly chunk: ObservationRecord[] }
  | { readonly id: number; readonly ok: true; readonly result: MappedRequest }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: OtlpErrorCode | null; readonly message: string } };
