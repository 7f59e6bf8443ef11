import { SightlineAttributes as A } from "@sightline/core";
import { Vercel } from "./convention-keys.js";
import { toFiniteNumber } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9})\d*)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/**
 * Nanoseconds since the epoch of an ISO 8601 timestamp, keeping all nine fraction digits
 * (`Date` would cut them to milliseconds). A timestamp without a zone is read as UTC. Anything
 * else that `Date` understands is accepted at millisecond precision; otherwise undefined.
 *
 * @example
 * isoToUnixNano("2026-01-02T03:04:05.123456789Z"); // 1767323045123456789n
 */
export function isoToUnixNano(text: string): bigint | undefined {
  const m = ISO_TIMESTAMP.exec(text.trim());
  if (m === null) {
    const ms = Date.parse(text);
    return Number.isFinite(ms) ? BigInt(ms) * NS_PER_MS : undefined;
  }
  const [, y, mo, d, h, mi, s, fraction = "", zone = "Z"] = m;
  const seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (!Number.isFinite(seconds) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    return undefined;
  }
  const ns = BigInt(seconds) * NS_PER_S + BigInt(fraction.padEnd(9, "0"));
  return ns - BigInt(zoneOffsetSeconds(zone)) * NS_PER_S;
}

function zoneOffsetSeconds(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || "0") * 60);
}

/**
 * Nanoseconds since the epoch of an epoch number, read by magnitude: nanoseconds (> 1e17),
 * microseconds (> 1e14), milliseconds (> 1e11), else seconds.
 */
export function epochNumberToUnixNano(value: number): bigint | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  if (value > 1e17) return BigInt(Math.round(value));
  const nanosPerUnit = value > 1e14 ? 1_000 : value > 1e11 ? 1_000_000 : 1_000_000_000;
  // Whole units and the fraction apart: `value * 1e6` in floating point would round the result.
  const whole = Math.trunc(value);
  return BigInt(whole) * BigInt(nanosPerUnit) + BigInt(Math.round((value - whole) * nanosPerUnit));
}

/** An attribute value as a time: an ISO string (JSON-quoted once or more, as SDKs send it) or an epoch number. */
export function timeValueToUnixNano(value: unknown): bigint | undefined {
  let v = value;
  // The Langfuse SDKs JSON-encode the ISO string; some wrappers encode it again.
  for (let i = 0; i < 3 && typeof v === "string" && v.trim().startsWith('"'); i++) {
    try {
      v = JSON.parse(v.trim()) as unknown;
    } catch {
      break;
    }
  }
  if (typeof v === "number") return epochNumberToUnixNano(v);
  if (typeof v !== "string") return undefined;
  // Epoch nanoseconds as text are read exactly: a double would round the last digits.
  if (/^\d{18,19}$/.test(v.trim())) return BigInt(v.trim());
  const numeric = toFiniteNumber(v);
  return numeric !== undefined ? epochNumberToUnixNano(numeric) : isoToUnixNano(v);
}

/**
 * When the first token arrived: `langfuse.observation.completion_start_time`, else the span start
 * plus the Vercel AI SDK's `ai.response.msToFirstChunk` (or `ai.stream.msToFirstChunk`).
 */
export function readCompletionStart(attrs: SpanAttributes, startTimeNs: bigint): bigint | null {
  const explicit = attrs.get(A.OBSERVATION_COMPLETION_START_TIME);
  if (explicit !== undefined) {
    const ns = timeValueToUnixNano(explicit);
    if (ns !== undefined) {
      attrs.consume(A.OBSERVATION_COMPLETION_START_TIME);
      return ns;
    }
  }
  const chunk = attrs.first([Vercel.MS_TO_FIRST_CHUNK, Vercel.STREAM_MS_TO_FIRST_CHUNK]);
  const ms = toFiniteNumber(chunk?.value);
  if (chunk === undefined || ms === undefined || ms < 0) return null;
  return startTimeNs + BigInt(Math.round(ms * 1e6));
}
