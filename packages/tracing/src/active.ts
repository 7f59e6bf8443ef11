import { trace } from "@opentelemetry/api";
import type { Span } from "@opentelemetry/api";
import { SightlineAttributes as A, getLogger } from "@sightline/core";
import type { ObservationType } from "@sightline/core";
import { markError, observationAttributesToOtel, traceAttributesToOtel } from "./attribute-mapping.js";
import type {
  GenerationAttributes,
  ObservationAttributesByType,
  TraceAttributes,
  UpdateActiveObservationOptions,
} from "./types.js";

function activeSpanOr(what: string): Span | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) {
    getLogger().warn(`${what}: no active observation in this context; nothing was updated.`);
  }
  return span;
}

/**
 * Updates the active observation without a reference to it (the counterpart of the Python SDK's
 * `update_current_span` / `update_current_generation`). With `asType` it also changes its type.
 *
 * @example
 * updateActiveObservation({ metadata: { source: "API" } });
 * updateActiveObservation({ model: "gpt-4o", usageDetails: { input: 5 } }, { asType: "generation" });
 */
export function updateActiveObservation<T extends ObservationType = "span">(
  attributes: ObservationAttributesByType[T],
  options?: UpdateActiveObservationOptions<T>,
): void {
  const span = activeSpanOr("updateActiveObservation");
  if (span === undefined) return;
  span.setAttributes(observationAttributesToOtel(attributes as GenerationAttributes, options?.asType));
  if (attributes?.level === "ERROR") markError(span, attributes.statusMessage ?? "error");
}

/**
 * Sets trace-level fields (name, user, session, tags, metadata, version, release, environment,
 * public, input, output) from the active observation. To give every observation of a scope the
 * user, session, tags or metadata, use `propagateAttributes` instead.
 */
export function updateActiveTrace(attributes: TraceAttributes): void {
  const span = activeSpanOr("updateActiveTrace");
  if (span !== undefined) span.setAttributes(traceAttributesToOtel(attributes ?? {}));
}

/**
 * Sets the trace's input and output from the active observation.
 * @deprecated Kept for trace-level LLM-as-a-judge evaluators; set input/output on the root
 * observation instead.
 */
export function setActiveTraceIO(io: { input?: unknown; output?: unknown }): void {
  updateActiveTrace({ input: io?.input, output: io?.output });
}

/** Makes the active trace viewable by anyone with its link. */
export function setActiveTraceAsPublic(): void {
  activeSpanOr("setActiveTraceAsPublic")?.setAttribute(A.TRACE_PUBLIC, true);
}

/** The active trace id (32 lowercase hex characters), or undefined outside any observation. */
export function getActiveTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

/** The active observation id (16 lowercase hex characters), or undefined outside any observation. */
export function getActiveSpanId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().spanId;
}

/** Alias of {@link getActiveSpanId} (the Python SDK's `get_current_observation_id`). */
export const getActiveObservationId = getActiveSpanId;
