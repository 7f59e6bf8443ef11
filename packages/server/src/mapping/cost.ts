import { SightlineAttributes as A } from "@sightline/core";
import { GenAI, OpenInference } from "./convention-keys.js";
import { decodeAttributeValue, isPlainObject } from "./json-value.js";
import { toFiniteNumber } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";
import { TOTAL_USAGE_KEY } from "./usage-details.js";

/** Flat cost attributes of other conventions, and the bucket each fills (first one wins). */
const COST_KEYS: ReadonlyArray<readonly [key: string, bucket: string]> = [
  [GenAI.USAGE_COST, TOTAL_USAGE_KEY],
  [OpenInference.COST_TOTAL, TOTAL_USAGE_KEY],
  ["llm.cost.prompt", "input"],
  ["llm.cost.completion", "output"],
];

/**
 * Cost details (USD by bucket) a span states: the explicit `langfuse.observation.cost_details`
 * object, else, for model calls only (see `readUsageDetails` for why), `gen_ai.usage.cost` /
 * OpenInference `llm.cost.*`. Entries that are not finite, non-negative numbers are dropped (a
 * cost is never negative); without a total, `total` is the sum of the parts.
 *
 * @example
 * // langfuse.observation.cost_details = '{"input":0.01,"output":0.02}'
 * readCostDetails(attrs); // { input: 0.01, output: 0.02, total: 0.03 }
 */
export function readCostDetails(attrs: SpanAttributes, modelCall: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  const explicit = decodeAttributeValue(attrs.get(A.OBSERVATION_COST_DETAILS));
  if (isPlainObject(explicit)) {
    attrs.consume(A.OBSERVATION_COST_DETAILS);
    for (const [bucket, raw] of Object.entries(explicit)) {
      const n = toCost(raw);
      if (n !== undefined && bucket !== "__proto__") out[bucket] = n;
    }
  } else if (modelCall) {
    for (const [key, bucket] of COST_KEYS) {
      const n = toCost(attrs.get(key));
      if (n === undefined || Object.hasOwn(out, bucket)) continue;
      out[bucket] = n;
      attrs.consume(key);
    }
  }
  const buckets = Object.keys(out);
  if (buckets.length > 0 && out[TOTAL_USAGE_KEY] === undefined) {
    out[TOTAL_USAGE_KEY] = buckets.reduce((sum, b) => sum + (out[b] ?? 0), 0);
  }
  return out;
}

/** A cost in USD: a finite, non-negative number (numeric strings accepted). */
function toCost(value: unknown): number | undefined {
  const n = toFiniteNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
}
