import { SpanStatusCode } from "@opentelemetry/api";
import type { Attributes, Span } from "@opentelemetry/api";
import { SightlineAttributes as A, serializeValue, getLogger } from "@sightline/core";
import type { ObservationType } from "@sightline/core";
import type { GenerationAttributes, TraceAttributes } from "./types.js";

/**
 * Metadata with at most this many keys is sent one attribute per key (as the Langfuse SDK does);
 * larger metadata is sent whole as one JSON attribute, so OpenTelemetry's attribute count limit
 * (128 by default) can never silently cut it.
 */
export const METADATA_FLATTEN_MAX_KEYS = 32;

function writeMetadata(out: Attributes, metadata: unknown, key: string, prefix: string): void {
  if (metadata === null || metadata === undefined) return;
  if (typeof metadata !== "object" || Array.isArray(metadata)) {
    const json = serializeValue(metadata);
    if (json !== undefined) out[key] = json;
    return;
  }
  const entries = Object.keys(metadata);
  if (entries.length > METADATA_FLATTEN_MAX_KEYS) {
    const json = serializeValue(metadata);
    if (json !== undefined) out[key] = json;
    return;
  }
  for (const k of entries) {
    const v = serializeValue((metadata as Record<string, unknown>)[k]);
    if (v !== undefined) out[prefix + k] = v;
  }
}

function writeIfDefined(out: Attributes, key: string, value: unknown): void {
  const v = serializeValue(value);
  if (v !== undefined) out[key] = v;
}

/**
 * Builds the OpenTelemetry attributes for observation fields. Every field given is written,
 * whatever the type (as the Langfuse SDK does); `type`, when given, is written too.
 */
export function observationAttributesToOtel(
  attributes: GenerationAttributes | undefined,
  type?: ObservationType,
  out: Attributes = {},
): Attributes {
  if (type !== undefined) out[A.OBSERVATION_TYPE] = type;
  if (attributes === undefined || attributes === null) return out;
  if (typeof attributes !== "object") {
    getLogger().warnOnce("attrs-not-object", `Observation attributes must be an object, got ${typeof attributes}; ignored.`);
    return out;
  }
  const a = attributes;
  if (a.input !== undefined) writeIfDefined(out, A.OBSERVATION_INPUT, a.input);
  if (a.output !== undefined) writeIfDefined(out, A.OBSERVATION_OUTPUT, a.output);
  if (a.metadata !== undefined) writeMetadata(out, a.metadata, A.OBSERVATION_METADATA, A.OBSERVATION_METADATA_PREFIX);
  if (a.level !== undefined) out[A.OBSERVATION_LEVEL] = a.level;
  if (a.statusMessage !== undefined) out[A.OBSERVATION_STATUS_MESSAGE] = String(a.statusMessage);
  if (a.version !== undefined) out[A.VERSION] = String(a.version);
  if (a.environment !== undefined) out[A.ENVIRONMENT] = String(a.environment);
  if (a.model !== undefined) out[A.OBSERVATION_MODEL] = String(a.model);
  if (a.modelParameters !== undefined) writeIfDefined(out, A.OBSERVATION_MODEL_PARAMETERS, a.modelParameters);
  if (a.usageDetails !== undefined) writeIfDefined(out, A.OBSERVATION_USAGE_DETAILS, a.usageDetails);
  if (a.costDetails !== undefined) writeIfDefined(out, A.OBSERVATION_COST_DETAILS, a.costDetails);
  if (a.completionStartTime !== undefined) {
    const t = a.completionStartTime;
    // JSON-encoded ISO string (quotes included), exactly as the Langfuse SDK sends it.
    const iso = t instanceof Date ? t.toISOString() : typeof t === "number" ? new Date(t).toISOString() : String(t);
    out[A.OBSERVATION_COMPLETION_START_TIME] = JSON.stringify(iso);
  }
  if (a.prompt !== undefined && a.prompt !== null && !a.prompt.isFallback) {
    out[A.OBSERVATION_PROMPT_NAME] = String(a.prompt.name);
    out[A.OBSERVATION_PROMPT_VERSION] = Number(a.prompt.version);
  }
  return out;
}

/** Builds the OpenTelemetry attributes for trace-level fields (`updateTrace`). */
export function traceAttributesToOtel(attributes: TraceAttributes, out: Attributes = {}): Attributes {
  const a = attributes;
  if (a.name !== undefined) out[A.TRACE_NAME] = String(a.name);
  if (a.userId !== undefined) out[A.TRACE_USER_ID] = String(a.userId);
  if (a.sessionId !== undefined) out[A.TRACE_SESSION_ID] = String(a.sessionId);
  if (a.tags !== undefined) out[A.TRACE_TAGS] = a.tags.map(String);
  if (a.metadata !== undefined) writeMetadata(out, a.metadata, A.TRACE_METADATA, A.TRACE_METADATA_PREFIX);
  if (a.version !== undefined) out[A.VERSION] = String(a.version);
  if (a.release !== undefined) out[A.RELEASE] = String(a.release);
  if (a.environment !== undefined) out[A.ENVIRONMENT] = String(a.environment);
  if (a.public !== undefined) out[A.TRACE_PUBLIC] = Boolean(a.public);
  if (a.input !== undefined) writeIfDefined(out, A.TRACE_INPUT, a.input);
  if (a.output !== undefined) writeIfDefined(out, A.TRACE_OUTPUT, a.output);
  return out;
}

/**
 * The one error convention: level ERROR and a status message on the observation, and the
 * OpenTelemetry span status ERROR with the same message.
 */
export function markError(span: Span, message: string): void {
  span.setAttribute(A.OBSERVATION_LEVEL, "ERROR");
  span.setAttribute(A.OBSERVATION_STATUS_MESSAGE, message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
