import { SightlineAttributes as A } from "@sightline/core";
import type { DecodedSpanEvent } from "../otlp/otlp-span.js";
import { LangfuseCompat, Vercel } from "./convention-keys.js";
import { decodeAttributeValue, isPlainObject } from "./json-value.js";
import { setOwn } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";

/** Where one kind of metadata (observation or trace) is read from. */
interface MetadataSource {
  /** Keys holding the whole metadata as one JSON object, in order (the first present is used). */
  wholeKeys: readonly string[];
  /** Prefixes of one-entry-per-key metadata (`<prefix><entry>`). */
  prefixes: readonly string[];
}

const OBSERVATION_METADATA: MetadataSource = {
  // `metadata` is OpenInference's key (a JSON object), read last.
  wholeKeys: [A.OBSERVATION_METADATA, LangfuseCompat.METADATA, "metadata"],
  prefixes: [A.OBSERVATION_METADATA_PREFIX, LangfuseCompat.METADATA_PREFIX, Vercel.TELEMETRY_METADATA_PREFIX],
};

const TRACE_METADATA: MetadataSource = {
  wholeKeys: [A.TRACE_METADATA],
  prefixes: [A.TRACE_METADATA_PREFIX],
};

/** The entry that holds whole metadata that is not an object (a string, a list). */
export const NON_OBJECT_METADATA_KEY = "metadata";

function readMetadata(attrs: SpanAttributes, source: MetadataSource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const whole = attrs.first(source.wholeKeys);
  if (whole !== undefined) {
    const value = decodeAttributeValue(whole.value);
    if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) setOwn(out, k, v);
    else out[NON_OBJECT_METADATA_KEY] = value;
    attrs.consume(whole.key);
  }
  // One attribute per entry overrides the whole object: it is how SDKs send later updates.
  for (const prefix of source.prefixes) {
    for (const key of attrs.keysWithPrefix(prefix)) {
      if (attrs.isConsumed(key)) continue;
      setOwn(out, key.slice(prefix.length), decodeAttributeValue(attrs.raw(key)));
      attrs.consume(key);
    }
  }
  return out;
}

/**
 * Observation metadata: the JSON object `langfuse.observation.metadata` (or the older
 * `langfuse.metadata`, or OpenInference's `metadata`), overridden entry by entry by `langfuse.observation.metadata.<key>`,
 * `langfuse.metadata.<key>` and the Vercel AI SDK's `ai.telemetry.metadata.<key>` (values that
 * hold JSON parsed). Keys another rule already consumed (a user id set through metadata) are
 * skipped. The Vercel AI SDK's tool definitions (`ai.prompt.tools`) are kept as `tools`, and the
 * list of attributes the SDK truncated (`sightline.truncated_keys`) under its own key.
 */
export function readObservationMetadata(attrs: SpanAttributes): Record<string, unknown> {
  const out = readMetadata(attrs, OBSERVATION_METADATA);
  const tools = attrs.get(Vercel.PROMPT_TOOLS);
  if (tools !== undefined && !Object.hasOwn(out, "tools")) {
    out.tools = Array.isArray(tools) ? tools.map((t) => decodeAttributeValue(t)) : decodeAttributeValue(tools);
    attrs.consume(Vercel.PROMPT_TOOLS);
  }
  const truncated = attrs.get(A.TRUNCATED_KEYS);
  if (truncated !== undefined) {
    out[A.TRUNCATED_KEYS] = decodeAttributeValue(truncated);
    attrs.consume(A.TRUNCATED_KEYS);
  }
  return out;
}

/** Trace metadata: `langfuse.trace.metadata` (JSON object) overridden by `langfuse.trace.metadata.<key>`. */
export function readTraceMetadata(attrs: SpanAttributes): Record<string, unknown> {
  return readMetadata(attrs, TRACE_METADATA);
}

/**
 * Adds what the mapping did not use, so that nothing a span carried is lost: the unconsumed
 * attributes under `attributes` and the events that were not input/output under `events` (times
 * as decimal nanosecond strings, since JSON has no BigInt). An entry of the same name that the
 * user set wins; the leftovers then go under `otel.attributes` / `otel.events`.
 */
export function addLeftovers(
  metadata: Record<string, unknown>,
  attrs: SpanAttributes,
  events: readonly DecodedSpanEvent[],
  usedEvents: ReadonlySet<DecodedSpanEvent>,
): void {
  const leftover = attrs.leftovers();
  if (Object.keys(leftover).length > 0) metadata[freeKey(metadata, "attributes")] = leftover;
  const otherEvents = events.filter((e) => !usedEvents.has(e));
  if (otherEvents.length > 0) {
    metadata[freeKey(metadata, "events")] = otherEvents.map((e) => ({
      name: e.name,
      timeUnixNano: e.timeUnixNano.toString(),
      attributes: e.attributes,
    }));
  }
}

function freeKey(metadata: Record<string, unknown>, name: string): string {
  return Object.hasOwn(metadata, name) ? `otel.${name}` : name;
}
