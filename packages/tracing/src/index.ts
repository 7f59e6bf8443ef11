export { startObservation, startActiveObservation } from "./start-observation.js";
export { observe } from "./observe.js";
export {
  updateActiveObservation,
  updateActiveTrace,
  setActiveTraceIO,
  setActiveTraceAsPublic,
  getActiveTraceId,
  getActiveSpanId,
  getActiveObservationId,
} from "./active.js";
export { propagateAttributes, getPropagatedAttributes, MAX_PROPAGATED_VALUE_LENGTH } from "./propagation.js";
export type { PropagateAttributesParams } from "./propagation.js";
export { Observation } from "./observation.js";
export type {
  SightlineSpan,
  SightlineGeneration,
  SightlineEvent,
  SightlineAgent,
  SightlineTool,
  SightlineChain,
  SightlineRetriever,
  SightlineEvaluator,
  SightlineEmbedding,
  SightlineGuardrail,
} from "./observation.js";
export { getSightlineTracer, getSightlineTracerProvider, setSightlineTracerProvider } from "./tracer.js";
export { contextWithParent } from "./parent-context.js";
export {
  observationAttributesToOtel,
  traceAttributesToOtel,
  METADATA_FLATTEN_MAX_KEYS,
} from "./attribute-mapping.js";
export type {
  BaseObservationAttributes,
  GenerationAttributes,
  UsageDetails,
  OpenAIChatCompletionUsage,
  OpenAIResponsesUsage,
  PromptReference,
  ObservationAttributesByType,
  ObservationAttributes,
  TraceAttributes,
  ParentSpanContext,
  StartObservationOptions,
  StartActiveObservationOptions,
  ObserveOptions,
  UpdateActiveObservationOptions,
} from "./types.js";
// Re-exported so `import { createTraceId } from "@sightline/tracing"` works as in the spec.
export {
  createTraceId,
  createObservationId,
  SightlineAttributes,
  OBSERVATION_TYPES,
  configureLogger,
} from "@sightline/core";
export type { ObservationType, ObservationLevel } from "@sightline/core";
