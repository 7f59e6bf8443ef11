import { SightlineAttributes as A } from "@sightline/core";
import { GenAI, Genkit, OpenInference, Vercel } from "./convention-keys.js";
import { decodeAttributeValue, isPlainObject } from "./json-value.js";
import { setOwn, toText } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";

/** Where the model name is read from, in order: what the provider answered beats what was asked. */
const MODEL_NAME_KEYS: readonly string[] = [
  A.OBSERVATION_MODEL,
  GenAI.RESPONSE_MODEL,
  Vercel.MODEL_ID,
  GenAI.REQUEST_MODEL,
  "llm.response.model",
  OpenInference.MODEL_NAME,
  "model",
];

/**
 * The model name of a span (see {@link MODEL_NAME_KEYS}); on a Genkit model span, the action name.
 * The key used is consumed.
 */
export function readModelName(attrs: SpanAttributes): string | null {
  const found = attrs.first(MODEL_NAME_KEYS);
  if (found !== undefined) {
    attrs.consume(found.key);
    return toText(found.value) ?? null;
  }
  if (attrs.get(Genkit.SUBTYPE) === "model") return toText(attrs.get(Genkit.NAME)) ?? null;
  return null;
}

/**
 * Sources of model parameters, lowest priority first: each one's entries override the ones before.
 * A source is one JSON-object key, one key under a given name, or every key under a prefix (prefix
 * stripped).
 */
type ParameterSource =
  | { objectKey: string }
  | { key: string; name: string }
  | { prefix: string; exclude?: readonly string[] };

const PARAMETER_SOURCES: readonly ParameterSource[] = [
  { prefix: GenAI.REQUEST_PREFIX, exclude: ["model"] },
  { prefix: `${OpenInference.INVOCATION_PARAMETERS}.` },
  // Vercel AI SDK call settings (`ai.settings.maxRetries`, ...) and the tool choice.
  { prefix: "ai.settings." },
  { key: "ai.prompt.toolChoice", name: "toolChoice" },
  { objectKey: "model_config" },
  { objectKey: OpenInference.INVOCATION_PARAMETERS },
  { objectKey: A.OBSERVATION_MODEL_PARAMETERS },
];

/**
 * Model parameters merged from every source of {@link PARAMETER_SOURCES}: the explicit
 * `langfuse.observation.model.parameters` object wins over OpenInference's
 * `llm.invocation_parameters`, which wins over the flat `gen_ai.request.*` and Vercel settings.
 * Values keep their JSON types (numbers stay numbers). Null when there are none.
 */
export function readModelParameters(attrs: SpanAttributes): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const source of PARAMETER_SOURCES) {
    if ("objectKey" in source) {
      const value = decodeAttributeValue(attrs.get(source.objectKey));
      if (!isPlainObject(value)) continue;
      for (const [k, v] of Object.entries(value)) setOwn(out, k, v);
      attrs.consume(source.objectKey);
    } else if ("key" in source) {
      const value = attrs.get(source.key);
      if (value === undefined) continue;
      setOwn(out, source.name, decodeAttributeValue(value));
      attrs.consume(source.key);
    } else {
      for (const key of attrs.keysWithPrefix(source.prefix)) {
        const name = key.slice(source.prefix.length);
        const value = attrs.get(key);
        if (value === undefined || source.exclude?.includes(name)) continue;
        setOwn(out, name, decodeAttributeValue(value));
        attrs.consume(key);
      }
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}
