import { MAX_ATTRIBUTE_DEPTH, setAttribute } from "./attribute-map.js";
import type { AnyValue, AttributeMap } from "./otlp-span.js";
import { SpanProblem, describeValue, within } from "./span-problem.js";

// Readers for the scalar and attribute values of OTLP/JSON. They accept what real exporters send:
// the proto3 JSON mapping (64-bit ints as strings, enums by name, "NaN"/"Infinity" doubles,
// lowerCamelCase or the original snake_case field names) and the looser shapes some JS exporters
// produce (64-bit ints as numbers or protobufjs `{low, high}` longs). Every problem is a SpanProblem
// with the path of the offending value, relative to where the reader was called.

/** A JSON object, as `JSON.parse` produces it. */
export type JsonObject = Record<string, unknown>;

const UINT64_MAX = 0xffff_ffff_ffff_ffffn;
const INT64_MIN = -0x8000_0000_0000_0000n;
const INT64_MAX = 0x7fff_ffff_ffff_ffffn;
const UNSIGNED_RE = /^\d{1,20}$/;
const SIGNED_RE = /^-?\d{1,20}$/;
const DOUBLE_RE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A protobufjs `Long` as plain JSON: `{ low, high, unsigned? }`. */
function isLongBits(value: unknown): value is { low: number; high: number } {
  return isJsonObject(value) && typeof value.low === "number" && typeof value.high === "number";
}

function longBitsToBigInt(value: { low: number; high: number }): bigint {
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/**
 * A `fixed64` nanosecond time: a decimal string, a number or a `{low, high}` long. Missing (or
 * null) reads as 0n, meaning "not set". Negative, fractional-looking or over-range values are problems.
 */
export function jsonTime(value: unknown, path: string): bigint {
  if (value === undefined || value === null) return 0n;
  let nanos: bigint | undefined;
  if (typeof value === "string") {
    if (UNSIGNED_RE.test(value)) nanos = BigInt(value);
  } else if (typeof value === "number") {
    // Some exporters compute nanoseconds as a double; beyond 2^53 it is already an integer.
    if (Number.isFinite(value) && value >= 0) nanos = BigInt(Math.round(value));
  } else if (isLongBits(value)) {
    nanos = longBitsToBigInt(value);
  }
  if (nanos === undefined || nanos > UINT64_MAX) {
    throw new SpanProblem(path, `expected nanoseconds since the epoch as a decimal string, got ${describeValue(value)}`);
  }
  return nanos;
}

/** A `uint32` count (a number or a decimal string); missing reads as 0. */
export function jsonCount(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === "string" && UNSIGNED_RE.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffff_ffff) {
    throw new SpanProblem(path, `expected a non-negative integer, got ${describeValue(value)}`);
  }
  return n;
}

/** An enum, as its number or its OTLP name (e.g. `"SPAN_KIND_SERVER"`); missing reads as 0. */
export function jsonEnum(value: unknown, byName: Readonly<Record<string, number>>, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number" && Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff) return value;
  if (typeof value === "string") {
    const n = Object.hasOwn(byName, value) ? byName[value] : SIGNED_RE.test(value) ? Number(value) : undefined;
    if (n !== undefined) return n;
  }
  const names = Object.keys(byName).join(", ");
  throw new SpanProblem(path, `expected a number or one of ${names}, got ${describeValue(value)}`);
}

/** A string field; missing reads as `""`. */
export function jsonString(value: unknown, path: string): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  throw new SpanProblem(path, `expected a string, got ${describeValue(value)}`);
}

/** An `int64` attribute value: a number when it is exact as one, else a decimal string. */
function jsonInt64(value: unknown): AnyValue {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return value;
    // An integral double beyond 2^53 (JSON.parse already rounded the text): keep its exact digits.
    if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) return BigInt(value).toString();
  } else if (typeof value === "string" && SIGNED_RE.test(value)) {
    const n = BigInt(value);
    if (n >= INT64_MIN && n <= INT64_MAX) {
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    }
  } else if (isLongBits(value)) {
    const n = BigInt.asIntN(64, longBitsToBigInt(value));
    return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
  }
  throw new SpanProblem("intValue", `expected a 64-bit integer, got ${describeValue(value)}`);
}

/** A `double` attribute value: a number, `"NaN"`, `"Infinity"`, `"-Infinity"` or a numeric string. */
function jsonDouble(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    if (value === "NaN") return Number.NaN;
    if (value === "Infinity") return Number.POSITIVE_INFINITY;
    if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
    if (DOUBLE_RE.test(value)) return Number(value);
  }
  throw new SpanProblem("doubleValue", `expected a number, got ${describeValue(value)}`);
}

/** `bytesValue`: base64 in JSON; normalised to standard padded base64 (base64url is accepted). */
function jsonBytes(value: unknown): string {
  if (typeof value !== "string") throw new SpanProblem("bytesValue", `expected a base64 string, got ${describeValue(value)}`);
  return Buffer.from(value, "base64").toString("base64");
}

function jsonArray(value: unknown, depth: number): AnyValue[] {
  if (!isJsonObject(value)) throw new SpanProblem("arrayValue", `expected {"values": [...]}, got ${describeValue(value)}`);
  if (depth >= MAX_ATTRIBUTE_DEPTH) throw new SpanProblem("arrayValue", `nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
  const values = value.values;
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) throw new SpanProblem("arrayValue.values", `expected an array, got ${describeValue(values)}`);
  const out = new Array<AnyValue>(values.length);
  let i = 0;
  try {
    for (; i < values.length; i++) out[i] = jsonAnyValue(values[i], depth + 1);
  } catch (error) {
    throw within(error, `arrayValue.values[${i}]`);
  }
  return out;
}

function jsonKvlist(value: unknown, depth: number): AttributeMap {
  if (!isJsonObject(value)) throw new SpanProblem("kvlistValue", `expected {"values": [...]}, got ${describeValue(value)}`);
  if (depth >= MAX_ATTRIBUTE_DEPTH) throw new SpanProblem("kvlistValue", `nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
  try {
    return jsonAttributes(value.values, depth + 1);
  } catch (error) {
    throw within(error, "kvlistValue.values");
  }
}

/**
 * One OTLP/JSON `AnyValue` (`{"stringValue": "x"}`, `{"intValue": "5"}`, ...), decoded to a plain
 * value. An empty AnyValue is `null`. `depth` counts the enclosing arrays and kvlists.
 */
export function jsonAnyValue(value: unknown, depth: number): AnyValue {
  if (value === undefined || value === null) return null;
  if (!isJsonObject(value)) {
    throw new SpanProblem("", `expected an AnyValue object such as {"stringValue": "..."}, got ${describeValue(value)}`);
  }
  let v = value.stringValue;
  if (typeof v === "string") return v;
  if (v == null) v = value.string_value;
  if (v != null) {
    if (typeof v === "string") return v;
    throw new SpanProblem("stringValue", `expected a string, got ${describeValue(v)}`);
  }
  if ((v = value.intValue ?? value.int_value) != null) return jsonInt64(v);
  if ((v = value.boolValue ?? value.bool_value) != null) {
    if (typeof v === "boolean") return v;
    throw new SpanProblem("boolValue", `expected true or false, got ${describeValue(v)}`);
  }
  if ((v = value.doubleValue ?? value.double_value) != null) return jsonDouble(v);
  if ((v = value.arrayValue ?? value.array_value) != null) return jsonArray(v, depth);
  if ((v = value.kvlistValue ?? value.kvlist_value) != null) return jsonKvlist(v, depth);
  if ((v = value.bytesValue ?? value.bytes_value) != null) return jsonBytes(v);
  return null;
}

/**
 * A repeated `KeyValue` list (`[{"key": "k", "value": {...}}]`) as a plain object; the last value
 * of a repeated key wins. Missing or null reads as `{}`.
 */
export function jsonAttributes(list: unknown, depth: number): AttributeMap {
  const out: AttributeMap = {};
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new SpanProblem("", `expected an array of {"key", "value"}, got ${describeValue(list)}`);
  let i = 0;
  try {
    for (; i < list.length; i++) {
      const kv: unknown = list[i];
      if (!isJsonObject(kv)) throw new SpanProblem("", `expected {"key", "value"}, got ${describeValue(kv)}`);
      const key = kv.key;
      // Stricter than protobuf, which cannot tell a missing key from "": in JSON a KeyValue without
      // a key is almost always a hand-written body with a typo, and saying so helps.
      if (typeof key !== "string") {
        throw new SpanProblem("key", key === undefined || key === null ? "missing" : `expected a string, got ${describeValue(key)}`);
      }
      try {
        setAttribute(out, key, jsonAnyValue(kv.value, depth));
      } catch (error) {
        throw within(error, "value");
      }
    }
  } catch (error) {
    throw within(error, `[${i}]`);
  }
  return out;
}
