import { SightlineAttributes as A } from "@sightline/core";
import { GenAI, OpenInference, Vercel } from "./convention-keys.js";
import { decodeAttributeValue, isPlainObject } from "./json-value.js";
import type { SpanAttributes } from "./span-attributes.js";
import { TOTAL_USAGE_KEY, normalizeUsageDetails, toUsageCount } from "./usage-details.js";

/** Prefixes of flat usage counters, in order of preference when two name the same bucket. */
const USAGE_PREFIXES: readonly string[] = [
  Vercel.USAGE_PREFIX,
  GenAI.USAGE_PREFIX,
  OpenInference.TOKEN_COUNT_PREFIX,
  // TraceLoop (OpenLLMetry) reports its total as `llm.usage.total_tokens`.
  "llm.usage.",
];

/** Keys under a usage prefix that are not token counts. */
const NOT_USAGE: ReadonlySet<string> = new Set([GenAI.USAGE_COST]);

/**
 * Counter names (prefix and a leading `details.` stripped) of the GenAI semantic conventions,
 * OpenInference, the Vercel AI SDK, Pydantic AI and TraceLoop, mapped onto our buckets.
 */
const USAGE_ALIASES: Readonly<Record<string, string>> = {
  input: "input",
  input_tokens: "input",
  prompt_tokens: "input",
  prompt: "input",
  promptTokens: "input",
  inputTokens: "input",
  output: "output",
  output_tokens: "output",
  completion_tokens: "output",
  completion: "output",
  completionTokens: "output",
  outputTokens: "output",
  total: TOTAL_USAGE_KEY,
  total_tokens: TOTAL_USAGE_KEY,
  tokens: TOTAL_USAGE_KEY,
  totalTokens: TOTAL_USAGE_KEY,
  "cache_read.input_tokens": "input_cached_tokens",
  cache_read_input_tokens: "input_cached_tokens",
  cache_read_tokens: "input_cached_tokens",
  cached_tokens: "input_cached_tokens",
  cachedInputTokens: "input_cached_tokens",
  "prompt_details.cache_read": "input_cached_tokens",
  "cache_creation.input_tokens": "input_cache_creation",
  cache_creation_input_tokens: "input_cache_creation",
  cache_write_tokens: "input_cache_creation",
  "prompt_details.cache_write": "input_cache_creation",
  "prompt_details.audio": "input_audio_tokens",
  "reasoning.output_tokens": "output_reasoning_tokens",
  reasoning_tokens: "output_reasoning_tokens",
  reasoningTokens: "output_reasoning_tokens",
  "completion_details.reasoning": "output_reasoning_tokens",
  "completion_details.audio": "output_audio_tokens",
};


/** Token counts that Vercel AI SDK providers report only in `ai.response.providerMetadata`. */
const PROVIDER_METADATA_PATHS: ReadonlyArray<readonly [path: readonly string[], bucket: string]> = [
  [["openai", "cachedPromptTokens"], "input_cached_tokens"],
  [["openai", "reasoningTokens"], "output_reasoning_tokens"],
  [["openai", "acceptedPredictionTokens"], "output_accepted_prediction_tokens"],
  [["openai", "rejectedPredictionTokens"], "output_rejected_prediction_tokens"],
  [["anthropic", "usage", "cache_read_input_tokens"], "input_cached_tokens"],
  [["anthropic", "usage", "cache_creation_input_tokens"], "input_cache_creation"],
  [["anthropic", "cacheCreationInputTokens"], "input_cache_creation"],
  [["bedrock", "usage", "cacheReadInputTokens"], "input_cached_tokens"],
  [["bedrock", "usage", "cacheWriteInputTokens"], "input_cache_creation"],
];

/**
 * Known buckets that are parts of `input` or `output` (by their prefix). Only these are subtracted
 * and summed into a computed total: an unknown counter may be a breakdown of another one.
 */
const PART_BUCKETS: ReadonlySet<string> = new Set(
  [...Object.values(USAGE_ALIASES), ...PROVIDER_METADATA_PATHS.map(([, bucket]) => bucket)].filter(
    (b) => b.startsWith("input_") || b.startsWith("output_"),
  ),
);

function atPath(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const segment of path) {
    if (!isPlainObject(v) || !Object.hasOwn(v, segment)) return undefined;
    v = v[segment];
  }
  return v;
}

/**
 * Usage details of a span. An explicit `langfuse.observation.usage_details` (our map, or an
 * OpenAI/Anthropic usage object: see {@link normalizeUsageDetails}) is used as it is. Otherwise
 * the flat counters (`ai.usage.*`, `gen_ai.usage.*`, `llm.token_count.*`, `llm.usage.*`) and the
 * Vercel provider metadata are collected into buckets, the first source naming a bucket winning
 * (so a Pydantic AI span that reports `input_tokens` twice counts it once; a repeat of the same
 * count is consumed, a different one stays visible). Their cache, audio and reasoning parts
 * are included in the input/output counts by these conventions, so they are subtracted (floored at
 * 0). Without a total, `total` sums the known buckets only: an unknown counter is kept but may be
 * a breakdown of another (Pydantic AI's `gen_ai.usage.details.*`), and summing it would count
 * tokens twice.
 *
 * The flat counters are read only for model calls (`modelCall`): on agent, chain and wrapper
 * spans (Vercel's `ai.generateText`, GenAI `invoke_agent`) they repeat the sum of the model calls
 * below, and counting both would double the trace's tokens. There they stay visible as attributes.
 */
export function readUsageDetails(attrs: SpanAttributes, modelCall: boolean): Record<string, number> {
  const explicit = decodeAttributeValue(attrs.get(A.OBSERVATION_USAGE_DETAILS));
  if (isPlainObject(explicit)) {
    attrs.consume(A.OBSERVATION_USAGE_DETAILS);
    return normalizeUsageDetails(explicit);
  }
  if (!modelCall) return {};
  const out: Record<string, number> = {};
  for (const prefix of USAGE_PREFIXES) {
    for (const key of attrs.keysWithPrefix(prefix)) {
      if (NOT_USAGE.has(key)) continue;
      const name = key.slice(prefix.length).replace(/^details\./, "");
      const bucket = Object.hasOwn(USAGE_ALIASES, name) ? (USAGE_ALIASES[name] as string) : name;
      const n = toUsageCount(attrs.get(key));
      if (n === undefined || bucket === "__proto__") continue;
      if (!Object.hasOwn(out, bucket)) out[bucket] = n;
      // A second convention repeating the same count says nothing new; a different count stays visible.
      else if (out[bucket] !== n) continue;
      attrs.consume(key);
    }
  }
  const providerMetadata = decodeAttributeValue(attrs.get(Vercel.PROVIDER_METADATA));
  for (const [path, bucket] of PROVIDER_METADATA_PATHS) {
    const n = toUsageCount(atPath(providerMetadata, path));
    if (n !== undefined && !Object.hasOwn(out, bucket)) out[bucket] = n;
  }
  // AI SDK 4/5 report Anthropic's own `input_tokens` (cache reads and writes not included) as the
  // input count; AI SDK 6 reports the total. The raw usage in the provider metadata tells which.
  const anthropicInput = toUsageCount(atPath(providerMetadata, ["anthropic", "usage", "input_tokens"]));
  const cacheSeparate = anthropicInput !== undefined && anthropicInput === out.input;
  return Object.keys(out).length > 0 ? withPartsSubtracted(out, cacheSeparate) : out;
}

/** Cache buckets that Anthropic's usage reports beside its input count, not inside it. */
const ANTHROPIC_SEPARATE: ReadonlySet<string> = new Set(["input_cached_tokens", "input_cache_creation"]);

function withPartsSubtracted(out: Record<string, number>, cacheSeparate: boolean): Record<string, number> {
  const parts = { input: 0, output: 0 };
  const separate = { input: 0 };
  for (const [bucket, n] of Object.entries(out)) {
    if (!PART_BUCKETS.has(bucket)) continue;
    if (cacheSeparate && ANTHROPIC_SEPARATE.has(bucket)) separate.input += n;
    else parts[bucket.startsWith("input_") ? "input" : "output"] += n;
  }
  if (out.input !== undefined) out.input = Math.max(0, out.input - parts.input);
  if (out.output !== undefined) out.output = Math.max(0, out.output - parts.output);
  if (out[TOTAL_USAGE_KEY] === undefined) {
    out[TOTAL_USAGE_KEY] = (out.input ?? 0) + (out.output ?? 0) + parts.input + parts.output + separate.input;
  }
  return out;
}
