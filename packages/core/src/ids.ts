import { createHash, getRandomValues } from "node:crypto";

const TRACE_ID_RE = /^[0-9a-f]{32}$/;
const SPAN_ID_RE = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/**
 * Creates a W3C trace id (32 lowercase hex characters).
 *
 * With a seed the id is deterministic: the first 32 hex characters of SHA-256 of the seed's UTF-8
 * bytes, the same id the Langfuse SDKs give for the same seed. Without a seed (or with `""`) it is
 * random. Unlike the Langfuse SDK this is synchronous; `await createTraceId(seed)` still works.
 *
 * @example
 * createTraceId("order-12345"); // "a6d3b229b92ec35f2132c14632d73ab4"
 */
export function createTraceId(seed?: string): string {
  if (seed === undefined || seed === "") {
    let id = toHex(getRandomValues(new Uint8Array(16)));
    if (id === ZERO_TRACE_ID) id = id.slice(0, 31) + "1";
    return id;
  }
  return createHash("sha256").update(String(seed), "utf8").digest("hex").slice(0, 32);
}

/**
 * Creates an observation (span) id: 16 lowercase hex characters. Deterministic for a seed (the
 * first 16 hex characters of SHA-256 of the seed), random without one. Useful as the parent span
 * id when joining a trace whose parent span you do not know.
 */
export function createObservationId(seed?: string): string {
  if (seed === undefined || seed === "") {
    let id = toHex(getRandomValues(new Uint8Array(8)));
    if (id === ZERO_SPAN_ID) id = id.slice(0, 15) + "1";
    return id;
  }
  return createHash("sha256").update(String(seed), "utf8").digest("hex").slice(0, 16);
}

/** True for a valid W3C trace id: 32 lowercase hex characters, not all zero. */
export function isValidTraceId(id: unknown): id is string {
  return typeof id === "string" && TRACE_ID_RE.test(id) && id !== ZERO_TRACE_ID;
}

/** True for a valid W3C span id: 16 lowercase hex characters, not all zero. */
export function isValidSpanId(id: unknown): id is string {
  return typeof id === "string" && SPAN_ID_RE.test(id) && id !== ZERO_SPAN_ID;
}

/** The outcome of normalising a user-supplied id. */
export type IdNormalization =
  | { readonly ok: true; readonly id: string; readonly changed: boolean }
  | { readonly ok: false; readonly reason: string };

function normalizeHexId(id: unknown, length: 16 | 32, what: string): IdNormalization {
  if (typeof id !== "string") return { ok: false, reason: `${what} must be a string, got ${typeof id}` };
  // Uppercase hex and UUIDs with dashes are common in upstream systems: accept them.
  const candidate = id.trim().toLowerCase().replace(/-/g, "");
  const valid = length === 32 ? isValidTraceId(candidate) : isValidSpanId(candidate);
  if (!valid) {
    return {
      ok: false,
      reason: `${what} ${JSON.stringify(id)} is not ${length} hex characters (or is all zeros)`,
    };
  }
  return { ok: true, id: candidate, changed: candidate !== id };
}

/**
 * Normalises a user-supplied trace id to 32 lowercase hex characters: uppercase is lowered and a
 * UUID's dashes are removed. Anything else is rejected with a reason.
 */
export function normalizeTraceId(id: unknown): IdNormalization {
  return normalizeHexId(id, 32, "trace id");
}

/** Normalises a user-supplied span id to 16 lowercase hex characters, or rejects it with a reason. */
export function normalizeSpanId(id: unknown): IdNormalization {
  return normalizeHexId(id, 16, "span id");
}
