import type { OtlpErrorCode } from "../otlp/otlp-decode-error.js";
import type { IngestRequest, MappedRequest } from "./decode-request.js";

/** A request sent to an ingest worker. */
export interface IngestJob {
  readonly id: number;
  readonly request: IngestRequest;
}

/** A worker's answer: the mapped request, or the error as plain data (errors lose their class across threads). */
export type IngestReply =
  | { readonly id: number; readonly ok: true; readonly result: MappedRequest }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: OtlpErrorCode | null; readonly message: string } };
