import { SpanProblem, describeValue } from "./span-problem.js";

const LOWER_HEX_RE = /^[0-9a-f]*$/;
const ANY_HEX_RE = /^[0-9a-fA-F]*$/;
const BASE64_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);

/** Lowercase hex of `bytes[start, end)`. */
export function bytesToHex(bytes: Buffer, start: number, end: number): string {
  return bytes.toString("hex", start, end);
}

/** True when a lowercase hex id is all zeros (an invalid W3C trace or span id). */
export function isZeroId(hex: string): boolean {
  return hex === ZERO_TRACE_ID || hex === ZERO_SPAN_ID;
}

/**
 * Base64 lengths of an id of `byteLength` bytes, padded and unpadded. Some OTLP/JSON exporters
 * (protobuf's generic JSON mapping) send `bytes` ids as base64 instead of OTLP's hex.
 */
function isBase64IdLength(length: number, byteLength: 8 | 16): boolean {
  return byteLength === 16 ? length === 24 || length === 22 : length === 12 || length === 11;
}

/**
 * Parses an OTLP/JSON trace or span id: hex (any case, returned lowercase) or base64 of the raw
 * bytes. Throws a {@link SpanProblem} at `path` for anything else. An all-zero id is returned as is.
 */
export function jsonIdHex(value: unknown, byteLength: 8 | 16, path: string): string {
  if (typeof value !== "string" || value === "") {
    const missing = value === undefined || value === null || value === "";
    throw new SpanProblem(path, missing ? "missing" : `expected a hex string, got ${describeValue(value)}`);
  }
  const hexLength = byteLength * 2;
  if (value.length === hexLength) {
    if (LOWER_HEX_RE.test(value)) return value;
    if (ANY_HEX_RE.test(value)) return value.toLowerCase();
  } else if (isBase64IdLength(value.length, byteLength) && BASE64_RE.test(value)) {
    const bytes = Buffer.from(value, "base64");
    if (bytes.length === byteLength) return bytesToHex(bytes, 0, byteLength);
  }
  throw new SpanProblem(
    path,
    `expected ${hexLength} hex characters (or base64 of ${byteLength} bytes), got ${describeValue(value)}`,
  );
}

/** Like {@link jsonIdHex}, and an all-zero id (invalid in W3C trace context) is a problem too. */
export function parseJsonId(value: unknown, byteLength: 8 | 16, path: string): string {
  const hex = jsonIdHex(value, byteLength, path);
  if (isZeroId(hex)) throw new SpanProblem(path, "is all zeros, which is not a valid id");
  return hex;
}

/**
 * Lowercase hex of a protobuf `bytes` id of `byteLength` bytes at `bytes[start, end)`, or a
 * {@link SpanProblem} at `path` when the length is wrong or the id is all zeros.
 */
export function protobufId(bytes: Buffer, start: number, end: number, byteLength: 8 | 16, path: string): string {
  if (end - start !== byteLength) {
    throw new SpanProblem(path, end === start ? "missing" : `expected ${byteLength} bytes, got ${end - start}`);
  }
  const hex = bytesToHex(bytes, start, end);
  if (isZeroId(hex)) throw new SpanProblem(path, "is all zeros, which is not a valid id");
  return hex;
}
