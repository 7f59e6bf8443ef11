/**
 * Attribute keys of the conventions other than Sightline/Langfuse that the mapper reads (those are
 * in `SightlineAttributes` of `@sightline/core`). Grouped by who defines them; only keys that more
 * than one mapping file needs live here, single-use keys stay next to the rule that reads them.
 */

/** OpenTelemetry GenAI semantic conventions (`gen_ai.*`). */
export const GenAI = {
  OPERATION_NAME: "gen_ai.operation.name",
  REQUEST_MODEL: "gen_ai.request.model",
  RESPONSE_MODEL: "gen_ai.response.model",
  REQUEST_PREFIX: "gen_ai.request.",
  USAGE_PREFIX: "gen_ai.usage.",
  USAGE_COST: "gen_ai.usage.cost",
  TOOL_NAME: "gen_ai.tool.name",
  TOOL_CALL_ID: "gen_ai.tool.call.id",
  CONVERSATION_ID: "gen_ai.conversation.id",
  INPUT_MESSAGES: "gen_ai.input.messages",
  OUTPUT_MESSAGES: "gen_ai.output.messages",
  SYSTEM_INSTRUCTIONS: "gen_ai.system_instructions",
} as const;

/** OpenInference (Arize Phoenix and the instrumentations built on it). */
export const OpenInference = {
  SPAN_KIND: "openinference.span.kind",
  INPUT_VALUE: "input.value",
  INPUT_MIME_TYPE: "input.mime_type",
  OUTPUT_VALUE: "output.value",
  OUTPUT_MIME_TYPE: "output.mime_type",
  MODEL_NAME: "llm.model_name",
  INVOCATION_PARAMETERS: "llm.invocation_parameters",
  INPUT_MESSAGES_PREFIX: "llm.input_messages.",
  OUTPUT_MESSAGES_PREFIX: "llm.output_messages.",
  TOKEN_COUNT_PREFIX: "llm.token_count.",
  COST_TOTAL: "llm.cost.total",
} as const;

/** The Vercel AI SDK (`ai.*`; its tracer's scope is named `ai`). */
export const Vercel = {
  SCOPE_NAME: "ai",
  OPERATION_ID: "ai.operationId",
  /** Not namespaced: the operation id, then a space and the function id when one is set. */
  OPERATION_NAME: "operation.name",
  FUNCTION_ID: "ai.telemetry.functionId",
  TELEMETRY_METADATA_PREFIX: "ai.telemetry.metadata.",
  MODEL_ID: "ai.model.id",
  USAGE_PREFIX: "ai.usage.",
  TOOL_CALL_NAME: "ai.toolCall.name",
  MS_TO_FIRST_CHUNK: "ai.response.msToFirstChunk",
  STREAM_MS_TO_FIRST_CHUNK: "ai.stream.msToFirstChunk",
  PROVIDER_METADATA: "ai.response.providerMetadata",
  PROMPT_TOOLS: "ai.prompt.tools",
  TOOL_CALL_OPERATION: "ai.toolCall",
} as const;

/** Keys of older Langfuse SDKs and of other exporters that speak the Langfuse dialect. */
export const LangfuseCompat = {
  AS_ROOT: "langfuse.internal.as_root",
  METADATA: "langfuse.metadata",
  METADATA_PREFIX: "langfuse.metadata.",
  TAGS: "langfuse.tags",
  PUBLIC: "langfuse.public",
  PROMPT_NAME: "langfuse.prompt.name",
  PROMPT_VERSION: "langfuse.prompt.version",
  /** Metadata entries (under observation or trace metadata) that carry trace fields. */
  METADATA_USER_ID: "langfuse_user_id",
  METADATA_SESSION_ID: "langfuse_session_id",
  METADATA_TAGS: "langfuse_tags",
} as const;

/** Genkit (Firebase). */
export const Genkit = {
  SCOPE_NAME: "genkit-tracer",
  SUBTYPE: "genkit:metadata:subtype",
  NAME: "genkit:name",
} as const;

/** OpenTelemetry resource and general semantic conventions. */
export const OtelKeys = {
  SERVICE_VERSION: "service.version",
  DEPLOYMENT_ENVIRONMENT_NAME: "deployment.environment.name",
  DEPLOYMENT_ENVIRONMENT: "deployment.environment",
  TELEMETRY_SDK_LANGUAGE: "telemetry.sdk.language",
  EXCEPTION_EVENT: "exception",
  EXCEPTION_MESSAGE: "exception.message",
  EXCEPTION_TYPE: "exception.type",
} as const;

/** Keys that name a model; any of them marks a model call when no type is given. */
export const MODEL_PRESENCE_KEYS: readonly string[] = [
  GenAI.REQUEST_MODEL,
  GenAI.RESPONSE_MODEL,
  OpenInference.MODEL_NAME,
  "model",
];
