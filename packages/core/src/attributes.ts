/**
 * The wire contract: every span attribute key Sightline writes or reads.
 *
 * The keys are the ones the Langfuse SDKs emit, so that spans from our SDK are understood by a
 * Langfuse server and spans from the Langfuse SDKs are understood by ours. The SDK writes these
 * keys and the server's mapper reads them; both import this table, never a string literal.
 *
 * @example
 * span.setAttribute(SightlineAttributes.OBSERVATION_TYPE, "generation");
 */
export const SightlineAttributes = {
  // Observation
  OBSERVATION_TYPE: "langfuse.observation.type",
  OBSERVATION_INPUT: "langfuse.observation.input",
  OBSERVATION_OUTPUT: "langfuse.observation.output",
  /** JSON object for the whole metadata; `OBSERVATION_METADATA_PREFIX + key` for one key. */
  OBSERVATION_METADATA: "langfuse.observation.metadata",
  OBSERVATION_METADATA_PREFIX: "langfuse.observation.metadata.",
  OBSERVATION_LEVEL: "langfuse.observation.level",
  OBSERVATION_STATUS_MESSAGE: "langfuse.observation.status_message",
  OBSERVATION_MODEL: "langfuse.observation.model.name",
  OBSERVATION_MODEL_PARAMETERS: "langfuse.observation.model.parameters",
  OBSERVATION_USAGE_DETAILS: "langfuse.observation.usage_details",
  OBSERVATION_COST_DETAILS: "langfuse.observation.cost_details",
  OBSERVATION_COMPLETION_START_TIME: "langfuse.observation.completion_start_time",
  OBSERVATION_PROMPT_NAME: "langfuse.observation.prompt.name",
  OBSERVATION_PROMPT_VERSION: "langfuse.observation.prompt.version",

  // Shared between observation and trace (the Langfuse wire format uses one key for both)
  VERSION: "langfuse.version",
  ENVIRONMENT: "langfuse.environment",
  RELEASE: "langfuse.release",

  // Trace
  TRACE_NAME: "langfuse.trace.name",
  TRACE_USER_ID: "user.id",
  TRACE_SESSION_ID: "session.id",
  TRACE_TAGS: "langfuse.trace.tags",
  TRACE_PUBLIC: "langfuse.trace.public",
  TRACE_INPUT: "langfuse.trace.input",
  TRACE_OUTPUT: "langfuse.trace.output",
  TRACE_METADATA: "langfuse.trace.metadata",
  TRACE_METADATA_PREFIX: "langfuse.trace.metadata.",

  // Compatibility aliases some SDKs emit for user and session
  COMPAT_USER_ID: "langfuse.user.id",
  COMPAT_SESSION_ID: "langfuse.session.id",

  // Internal markers
  /** Set on the local root of the subtree a processor exports (a hint; a missing parent is a root anyway). */
  APP_ROOT: "langfuse.internal.is_app_root",
  /** Set when a value was shortened by the SDK: JSON array of the attribute keys that were truncated. */
  TRUNCATED_KEYS: "sightline.truncated_keys",
} as const;

/** One of the attribute keys in {@link SightlineAttributes}. */
export type SightlineAttributeKey = (typeof SightlineAttributes)[keyof typeof SightlineAttributes];

/**
 * W3C baggage entry names used by `propagateAttributes({ asBaggage: true })`. They are the Langfuse
 * names, so that services instrumented with either SDK understand each other.
 */
export const SightlineBaggageKeys = {
  USER_ID: "langfuse_user_id",
  SESSION_ID: "langfuse_session_id",
  VERSION: "langfuse_version",
  TRACE_NAME: "langfuse_trace_name",
  ENVIRONMENT: "langfuse_environment",
  TAGS: "langfuse_tags",
  METADATA_PREFIX: "langfuse_metadata_",
} as const;

/** The instrumentation scope name of spans created by the tracing SDK. It is the Langfuse SDK's
 * scope name, so Langfuse servers and span processors treat our spans as their own. */
export const SDK_SCOPE_NAME = "langfuse-sdk";

/** The version of the Sightline SDK packages. */
export const SDK_VERSION = "0.1.0";
