import { SightlineAttributes as A, SDK_SCOPE_NAME } from "@sightline/core";
import type { DecodedScope, DecodedSpan } from "../otlp/otlp-span.js";
import type { ObservationRecord, TraceContribution } from "../storage/records.js";
import { LangfuseCompat } from "./convention-keys.js";
import { readCostDetails } from "./cost.js";
import { readDeployment } from "./environment.js";
import { MAX_IDENTIFIER_CHARS, boundIdentifier, boundOptional, replaceNul } from "./identifier.js";
import type { Deployment } from "./environment.js";
import { inferObservationType } from "./infer-type.js";
import type { JsonReading } from "./json-text.js";
import { extractInputOutput } from "./io-extraction.js";
import { readLevel } from "./level.js";
import { addLeftovers, readObservationMetadata, readTraceMetadata } from "./metadata.js";
import { readModelName, readModelParameters } from "./model.js";
import { observationName } from "./observation-name.js";
import { readPrompt } from "./prompt.js";
import { SpanAttributes, toBoolean } from "./span-attributes.js";
import { readCompletionStart } from "./timestamps.js";
import { readTraceFields } from "./trace-fields.js";
import type { TraceFields } from "./trace-fields.js";
import { readUsageDetails } from "./usage.js";

/** Options of `mapSpan`. */
export interface MapSpanOptions {
  /**
   * How input and output (of the observation and of the trace) read JSON text: `parse` (default)
   * gives JSON values; `keepText`, for ingestion, keeps objects and arrays as checked `JsonText`,
   * which storage writes as it is (see `JsonText`).
   */
  jsonReading?: JsonReading;
}

/** Keys that mark a span as the root of what one application exported. */
const APP_ROOT_KEYS: readonly string[] = [A.APP_ROOT, LangfuseCompat.AS_ROOT];

/**
 * Maps one decoded span to an observation. Pure: the result depends on the span only, and the
 * span is not modified. Never throws on odd attribute values: whatever cannot be read as a field
 * stays visible as metadata.
 *
 * The Langfuse keys come first, then the OpenTelemetry GenAI conventions, OpenInference and the
 * Vercel AI SDK (each field's file lists its sources in order). Attributes that no rule used are
 * kept under `metadata.attributes` for spans of other instrumentations; spans of the Langfuse-
 * compatible SDKs (scope `langfuse-sdk`) carry only Langfuse keys, which all become fields.
 *
 * @example
 * const observation = mapSpan(decodedSpan);
 * observation.type; // "GENERATION"
 */
export function mapSpan(span: DecodedSpan, options: MapSpanOptions = {}): ObservationRecord {
  const jsonReading = options.jsonReading ?? "parse";
  const attrs = new SpanAttributes(span.attributes);
  const scope = scopeRecord(span.scope);

  const type = inferObservationType({ attrs, resource: span.resource, scope: span.scope });
  if (attrs.has(A.OBSERVATION_TYPE)) attrs.consume(A.OBSERVATION_TYPE);
  const name = observationName(attrs, span.name);
  const deployment = readDeployment(attrs, span.resource);
  const { level, statusMessage } = readLevel(attrs, span);
  const completionStartTimeNs = readCompletionStart(attrs, span.startTimeUnixNano);
  const model = readModelName(attrs);
  const modelParameters = readModelParameters(attrs);
  const modelCall = type === "GENERATION" || type === "EMBEDDING";
  const usageDetails = readUsageDetails(attrs, modelCall);
  const costDetails = readCostDetails(attrs, modelCall);
  const { promptName, promptVersion } = readPrompt(attrs);
  const traceFields = readTraceFields(attrs, jsonReading);
  const isAppRoot = isRoot(span, attrs);

  const io = extractInputOutput({ attrs, events: span.events, scopeName: span.scope.name, jsonReading });
  const metadata = readObservationMetadata(attrs);
  const traceMetadata = readTraceMetadata(attrs);
  if (span.scope.name !== SDK_SCOPE_NAME) addLeftovers(metadata, attrs, span.events, io.usedEvents);

  return {
    id: span.spanId,
    traceId: span.traceId,
    parentObservationId: span.parentSpanId !== undefined && span.parentSpanId !== "" ? span.parentSpanId : null,
    name: boundIdentifier(name),
    type,
    startTimeNs: span.startTimeUnixNano,
    endTimeNs: span.endTimeUnixNano > 0n ? span.endTimeUnixNano : null,
    completionStartTimeNs,
    level,
    statusMessage: statusMessage === null ? null : replaceNul(statusMessage),
    version: boundOptional(deployment.version),
    environment: deployment.environment,
    input: io.input,
    output: io.output,
    metadata,
    model: boundOptional(model),
    modelParameters,
    usageDetails,
    costDetails,
    promptName: boundOptional(promptName),
    promptVersion,
    isAppRoot,
    trace: traceContribution(traceFields, traceMetadata, deployment),
    resourceAttributes: span.resource,
    scope,
  };
}

/** The scope record of each decoded scope (shared by its spans, as the decoded scope is; never mutated). */
const scopeRecords = new WeakMap<DecodedScope, ObservationRecord["scope"]>();

function scopeRecord(decoded: DecodedScope): ObservationRecord["scope"] {
  let scope = scopeRecords.get(decoded);
  if (scope === undefined) {
    scope = { name: decoded.name, ...(decoded.version !== undefined ? { version: decoded.version } : {}) };
    scopeRecords.set(decoded, scope);
  }
  return scope;
}

/** A span without a parent, or one its exporter marked as the root of its subtree. */
function isRoot(span: DecodedSpan, attrs: SpanAttributes): boolean {
  let marked = false;
  for (const key of APP_ROOT_KEYS) {
    if (toBoolean(attrs.get(key)) === true) marked = true;
    if (attrs.has(key)) attrs.consume(key);
  }
  return marked || span.parentSpanId === undefined || span.parentSpanId === "";
}

/** What the span says about its trace: only what it states (absent fields say nothing). */
function traceContribution(fields: TraceFields, metadata: Record<string, unknown>, deployment: Deployment): TraceContribution {
  const out: TraceContribution = fields;
  // Identifiers are cut to what every index can hold (identifier.ts); cut tags that become equal are one tag.
  if (out.name !== undefined) out.name = boundIdentifier(out.name);
  if (out.userId !== undefined) out.userId = boundIdentifier(out.userId);
  if (out.sessionId !== undefined) out.sessionId = boundIdentifier(out.sessionId);
  if (out.tags !== undefined && out.tags.some((tag) => tag.length > MAX_IDENTIFIER_CHARS || tag.includes("\u0000"))) out.tags = [...new Set(out.tags.map(boundIdentifier))];
  if (Object.keys(metadata).length > 0) out.metadata = metadata;
  if (deployment.release !== null) out.release = boundIdentifier(deployment.release);
  if (deployment.version !== null) out.version = boundIdentifier(deployment.version);
  if (deployment.environmentGiven) out.environment = deployment.environment;
  return out;
}
