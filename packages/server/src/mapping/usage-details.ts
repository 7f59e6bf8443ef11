import { isPlainObject, parseJsonText } from "./json-value.js";
import { toFiniteNumber } from "./span-attributes.js";

/** The usage bucket that holds the provider's (or the computed) total. */
export const TOTAL_USAGE_KEY = "total";

/** A usage count: a finite, non-negative number (numeric strings accepted). */
export function toUsageCount(value: unknown): number | undefined {
  const n = toFiniteNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** Top-level keys of the OpenAI (Chat Completions, Responses) and Anthropic usage objects. */
const PROVIDER_KEYS: ReadonlySet<string> = new Set([
  "prompt_tokens",
  "completion_tokens",
  "input_tokens",
  "output_tokens",
  "total_tokens",
  "prompt_tokens_details",
  "completion_tokens_details",
  "input_tokens_details",
  "output_tokens_details",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
]);

/** Where the main counts of a provider usage object are, in order of preference. */
const PROVIDER_MAIN: ReadonlyArray<readonly [bucket: string, keys: readonly string[]]> = [
  ["input", ["prompt_tokens", "input_tokens"]],
  ["output", ["completion_tokens", "output_tokens"]],
  [TOTAL_USAGE_KEY, ["total_tokens"]],
];

/**
 * Detail objects: their entries are parts of the main count of the same side, so each becomes
 * `<side>_<key>` (`input_cached_tokens`, `output_reasoning_tokens`) and is subtracted from it.
 */
const PROVIDER_DETAILS: ReadonlyArray<readonly [key: string, side: "input" | "output"]> = [
  ["prompt_tokens_details", "input"],
  ["input_tokens_details", "input"],
  ["completion_tokens_details", "output"],
  ["output_tokens_details", "output"],
];

/**
 * Anthropic reports cache reads and writes beside `input_tokens`, which does not include them,
 * so they are buckets of their own and nothing is subtracted.
 */
const PROVIDER_SEPARATE: ReadonlyArray<readonly [key: string, bucket: string]> = [
  ["cache_read_input_tokens", "input_cached_tokens"],
  ["cache_creation_input_tokens", "input_cache_creation"],
];

/**
 * Usage details as `{ bucket: count }`, from any of the shapes SDKs send:
 * - our own / Langfuse's map (`{ input, output, total, input_cached_tokens, ... }`): the buckets
 *   are disjoint and kept as they are;
 * - an OpenAI Chat Completions usage object (`prompt_tokens`, `completion_tokens`, `total_tokens`,
 *   `prompt_tokens_details`, `completion_tokens_details`) or Responses object (`input_tokens`,
 *   `output_tokens`, `input_tokens_details`, `output_tokens_details`): details become
 *   `input_<key>` / `output_<key>` buckets and are subtracted from `input` / `output` (floored at 0)
 *   so no token is counted twice, while `total` stays the provider's total;
 * - an Anthropic usage object (`input_tokens`, `cache_read_input_tokens`,
 *   `cache_creation_input_tokens`, `output_tokens`).
 * A JSON string of any of these is parsed first. Counts must be finite and non-negative; anything
 * else is dropped. Without a total, `total` is the sum of the other buckets.
 *
 * @example
 * normalizeUsageDetails({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120,
 *   prompt_tokens_details: { cached_tokens: 30 } });
 * // { input: 70, output: 20, total: 120, input_cached_tokens: 30 }
 */
export function normalizeUsageDetails(value: unknown): Record<string, number> {
  const obj = typeof value === "string" ? parseJsonText(value) : value;
  if (!isPlainObject(obj)) return {};
  const out = Object.keys(obj).some((k) => PROVIDER_KEYS.has(k)) ? fromProviderUsage(obj) : fromBucketMap(obj);
  return withTotal(out);
}

function fromBucketMap(obj: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, raw] of Object.entries(obj)) {
    const n = toUsageCount(raw);
    if (n !== undefined && key !== "__proto__") out[key] = n;
  }
  return out;
}

function fromProviderUsage(obj: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [bucket, keys] of PROVIDER_MAIN) {
    const n = keys.map((k) => toUsageCount(obj[k])).find((v) => v !== undefined);
    if (n !== undefined) out[bucket] = n;
  }
  const parts = { input: 0, output: 0 };
  for (const [key, side] of PROVIDER_DETAILS) {
    const details = obj[key];
    if (!isPlainObject(details)) continue;
    for (const [detail, raw] of Object.entries(details)) {
      const n = toUsageCount(raw);
      const bucket = `${side}_${detail}`;
      if (n === undefined || Object.hasOwn(out, bucket)) continue;
      out[bucket] = n;
      parts[side] += n;
    }
  }
  for (const [key, bucket] of PROVIDER_SEPARATE) {
    const n = toUsageCount(obj[key]);
    if (n !== undefined && !Object.hasOwn(out, bucket)) out[bucket] = n;
  }
  // Other numeric entries (a provider's extra counters) are kept under their own names.
  for (const [key, raw] of Object.entries(obj)) {
    const n = toUsageCount(raw);
    if (n !== undefined && !PROVIDER_KEYS.has(key) && !Object.hasOwn(out, key) && key !== "__proto__") out[key] = n;
  }
  if (out.input !== undefined) out.input = Math.max(0, out.input - parts.input);
  if (out.output !== undefined) out.output = Math.max(0, out.output - parts.output);
  return out;
}

/** Adds `total` as the sum of every other bucket when it is missing (and there is something to sum). */
function withTotal(out: Record<string, number>): Record<string, number> {
  if (out[TOTAL_USAGE_KEY] !== undefined) return out;
  const keys = Object.keys(out);
  if (keys.length === 0) return out;
  out[TOTAL_USAGE_KEY] = keys.reduce((sum, k) => sum + (out[k] ?? 0), 0);
  return out;
}
