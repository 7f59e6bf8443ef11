import type { OtlpErrorCode } from "../otlp/otlp-decode-error.js";
import type { IngestRequest } from "./decode-request.js";

/** A request sent to an ingest worker. */
export interface IngestJob {
  readonly id: number;
  readonly request: IngestRequest;
  /** Send prepared rows in chunks as they are ready (`{ id, chunk }` messages) before the answer. */
  readonly chunked: boolean;
}

/** Prepared observations as they cross threads: the `values` of each `PreparedObservation`. */
export type PreparedRows = unknown[][];

/**
 * A worker's messages about a job: zero or more early chunks of prepared rows (chunked jobs), then
 * one answer: the rows not sent in chunks and the rejection reasons, or the error as plain data
 * (errors lose their class across threads).
 */
export type IngestReply =
  | { readonly id: number; readonly chunk: PreparedRows }
  | { readonly id: number; readonly ok: true; readonly rows: PreparedRows; readonly reasons: string[] }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: OtlpErrorCode | null; readonly message: string } };
