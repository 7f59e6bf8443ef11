import { constants as bufferConstants } from "node:buffer";
import { gunzipSync } from "node:zlib";
import { errorMessage } from "@sightline/core";
import { OtlpDecodeError } from "./otlp-decode-error.js";

/** The OTLP encoding of a request body. */
export type OtlpFormat = "json" | "protobuf";

/** Content types an OTLP/HTTP traces request may have (for the 415 message). */
export const ACCEPTED_CONTENT_TYPES = ["application/x-protobuf", "application/protobuf", "application/json"] as const;

/**
 * The OTLP format named by a `Content-Type` header: `application/json` (parameters such as
 * `charset` allowed), `application/x-protobuf` or `application/protobuf`, case-insensitive. `null`
 * for anything else or a missing header, which the HTTP layer answers with 415 and
 * {@link ACCEPTED_CONTENT_TYPES}.
 *
 * @example
 * contentTypeFormat("application/json; charset=utf-8"); // "json"
 * contentTypeFormat("text/plain");                      // null
 */
export function contentTypeFormat(contentType: string | undefined): OtlpFormat | null {
  if (contentType === undefined) return null;
  const semicolon = contentType.indexOf(";");
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === "application/json") return "json";
  if (mediaType === "application/x-protobuf" || mediaType === "application/protobuf") return "protobuf";
  return null;
}

/** Content encodings a request body may have (for the 415 message). */
export const ACCEPTED_CONTENT_ENCODINGS = ["gzip", "x-gzip", "identity"] as const;

function tooLarge(maxDecodedBytes: number, what: string): OtlpDecodeError {
  return new OtlpDecodeError("body_too_large", `${what} is larger than the limit of ${maxDecodedBytes} bytes`);
}

function gunzip(body: Uint8Array, maxDecodedBytes: number): Uint8Array {
  try {
    // maxOutputLength makes a gzip bomb fail as soon as the output passes the limit, not after.
    const maxOutputLength = Math.min(Math.max(1, Math.floor(maxDecodedBytes) || 1), bufferConstants.MAX_LENGTH);
    return gunzipSync(body, { maxOutputLength });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) throw tooLarge(maxDecodedBytes, "the decompressed body");
    throw new OtlpDecodeError("invalid_gzip", `body is not valid gzip: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * Undoes the `Content-Encoding` of a request body: identity (none) or gzip (also `x-gzip`, and a
 * list such as `gzip, gzip` applied in order), never producing more than `maxDecodedBytes`.
 *
 * @throws {OtlpDecodeError} `unsupported_encoding` (415) for deflate, br, zstd or anything else;
 *   `body_too_large` (413) when the body, or what it decompresses to, passes the limit (a gzip bomb
 *   stops at the limit); `invalid_gzip` (400) for bytes that are not gzip or are cut short.
 * @example
 * const raw = decodeContentEncoding(body, req.headers["content-encoding"], 64 * 1024 * 1024);
 */
export function decodeContentEncoding(body: Uint8Array, contentEncoding: string | undefined, maxDecodedBytes: number): Uint8Array {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  for (const coding of codings) {
    if (coding !== "gzip" && coding !== "x-gzip") {
      throw new OtlpDecodeError(
        "unsupported_encoding",
        `Content-Encoding ${JSON.stringify(coding)} is not supported; use one of ${ACCEPTED_CONTENT_ENCODINGS.join(", ")}`,
      );
    }
  }
  if (codings.length === 0 && body.byteLength > maxDecodedBytes) throw tooLarge(maxDecodedBytes, "the body");
  let decoded = body;
  // Codings are listed in the order they were applied: undo them from the last.
  for (let i = codings.length - 1; i >= 0; i--) decoded = gunzip(decoded, maxDecodedBytes);
  return decoded;
}
