import { SightlineError } from "@sightline/core";

/**
 * The HTTP status for each error code an OTLP request can fail with. The HTTP layer maps an
 * {@link OtlpDecodeError} to its status through this table, so the codes and statuses stay in one place.
 */
export const OTLP_ERROR_HTTP_STATUS = {
  /** The body is not valid JSON (OTLP/JSON request). */
  invalid_json: 400,
  /** The body is not a valid protobuf `ExportTraceServiceRequest`. */
  invalid_protobuf: 400,
  /** The body is OTLP logs or metrics, sent to the traces endpoint. */
  wrong_signal: 400,
  /** The body parses but its shape is not an `ExportTraceServiceRequest` (e.g. `resourceSpans` is not an array). */
  invalid_structure: 400,
  /** `Content-Encoding` other than identity or gzip. */
  unsupported_encoding: 415,
  /** `Content-Type` other than OTLP/JSON or OTLP/protobuf. */
  unsupported_content_type: 415,
  /** The (decompressed) body is larger than the configured limit. */
  body_too_large: 413,
  /** `Content-Encoding: gzip` but the body is not valid gzip. */
  invalid_gzip: 400,
} as const;

/** The stable, machine-readable code of an {@link OtlpDecodeError}. */
export type OtlpErrorCode = keyof typeof OTLP_ERROR_HTTP_STATUS;

/**
 * A whole OTLP request body was refused: it cannot be decoded, is the wrong signal, or breaks a
 * limit. The message says precisely what is wrong and where, e.g.
 * `resourceSpans[0].scopeSpans: expected an array, got "x"`. Problems of single spans are not
 * errors: they are reported as rejected spans (OTLP partial success).
 *
 * @example
 * try { decodeOtlpJson(body) } catch (e) {
 *   if (e instanceof OtlpDecodeError) reply(OTLP_ERROR_HTTP_STATUS[e.code], { error: { code: e.code, message: e.message } });
 * }
 */
export class OtlpDecodeError extends SightlineError {
  declare readonly code: OtlpErrorCode;
  /** The HTTP status that fits this error (see {@link OTLP_ERROR_HTTP_STATUS}). */
  readonly httpStatus: number;
  constructor(code: OtlpErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "OtlpDecodeError";
    this.httpStatus = OTLP_ERROR_HTTP_STATUS[code];
  }
}
