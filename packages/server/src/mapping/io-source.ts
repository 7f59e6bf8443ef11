import type { AnyValue, DecodedSpanEvent } from "../otlp/otlp-span.js";
import { readAttributeJson } from "./json-text.js";
import type { JsonReading } from "./json-text.js";
import type { SpanAttributes } from "./span-attributes.js";

/** What an input/output extractor sees. */
export interface IoContext {
  attrs: SpanAttributes;
  events: readonly DecodedSpanEvent[];
  scopeName: string;
  /** How the Langfuse and generic input/output keys read JSON text (`keepText` on the ingest path). */
  jsonReading?: JsonReading;
}

/** A value found by an extractor, with the attribute keys and events it came from. */
export interface Extracted {
  value: unknown;
  keys: readonly string[];
  events?: readonly DecodedSpanEvent[];
}

/** Finds one side (input or output) in one convention; undefined when that convention has none. */
export type Extractor = (ctx: IoContext) => Extracted | undefined;

/** One convention's way of carrying input and output. */
export interface IoSource {
  name: string;
  input?: Extractor;
  output?: Extractor;
}

/**
 * How an attribute is read: `json` parses strings that hold JSON, `text` keeps strings as they are
 * (model text such as `"42"` or `"true"` must stay a string).
 */
export type ValueMode = "json" | "text";

/** An attribute value in the given mode (`json` strings read as `reading` says). */
export function readValue(value: AnyValue, mode: ValueMode, reading: JsonReading = "parse"): unknown {
  return mode === "text" ? value : readAttributeJson(value, reading);
}

/** An extractor that takes the first present key of `keys`. */
export function firstKey(keys: readonly string[], mode: ValueMode = "json"): Extractor {
  return ({ attrs, jsonReading }) => {
    const found = attrs.first(keys);
    return found === undefined ? undefined : { value: readValue(found.value, mode, jsonReading), keys: [found.key] };
  };
}

/** An extractor that applies only to spans of one instrumentation scope. */
export function inScope(scopeName: string, extractor: Extractor): Extractor {
  return (ctx) => (ctx.scopeName === scopeName ? extractor(ctx) : undefined);
}

/**
 * An extractor of one key that counts any value, the empty string included: for the Langfuse
 * keys, where the SDKs send `""` for an empty input and that differs from no input at all.
 */
export function exactKey(key: string, mode: ValueMode = "json"): Extractor {
  return ({ attrs, jsonReading }) => {
    const value = attrs.raw(key);
    return value === undefined || value === null ? undefined : { value: readValue(value, mode, jsonReading), keys: [key] };
  };
}
