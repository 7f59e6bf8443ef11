import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SDK_SCOPE_NAME } from "@sightline/core";

/**
 * Decides whether an ended span is exported. Same shape as Langfuse's `ShouldExportSpan`, so an
 * existing filter works unchanged. When given, it replaces the default filter entirely.
 *
 * @example
 * const shouldExportSpan: ShouldExportSpan = ({ otelSpan }) =>
 *   isDefaultExportSpan(otelSpan) || otelSpan.instrumentationScope.name === "my-app";
 */
export type ShouldExportSpan = (params: { otelSpan: ReadableSpan }) => boolean;

/**
 * Instrumentation scopes of LLM libraries whose spans are exported by default. A scope matches a
 * prefix when it equals it or starts with `prefix.`; `ai` (the Vercel AI SDK) must match exactly.
 * The list is the Langfuse SDK's (5.11.1), so both processors export the same spans.
 */
export const KNOWN_LLM_INSTRUMENTATION_SCOPE_PREFIXES = [
  "langfuse-sdk",
  "agent_framework",
  "ai",
  "haystack",
  "langsmith",
  "litellm",
  "openinference",
  "opentelemetry.instrumentation.anthropic",
  "opentelemetry.instrumentation.aws_bedrock",
  "opentelemetry.instrumentation.bedrock",
  "opentelemetry.instrumentation.gemini",
  "opentelemetry.instrumentation.google_genai",
  "opentelemetry.instrumentation.google_generativeai",
  "opentelemetry.instrumentation.openai",
  "opentelemetry.instrumentation.openai_v2",
  "opentelemetry.instrumentation.vertex_ai",
  "opentelemetry.instrumentation.vertexai",
  "strands-agents",
  "vllm",
] as const;

/** Scopes that match only exactly: `ai.foo` is not the Vercel AI SDK. */
const EXACT_ONLY_SCOPES: ReadonlySet<string> = new Set(["ai"]);
const GEN_AI_PREFIX = "gen_ai.";

/** True for spans created by the Sightline (or Langfuse) tracing SDK, by their scope name. */
export function isSightlineSpan(span: ReadableSpan): boolean {
  return span.instrumentationScope.name === SDK_SCOPE_NAME;
}

/** True when any attribute key starts with `gen_ai.` (the OpenTelemetry GenAI semantic conventions). */
export function isGenAISpan(span: ReadableSpan): boolean {
  for (const key in span.attributes) {
    if (key.startsWith(GEN_AI_PREFIX)) return true;
  }
  return false;
}

/** True when the span's scope is one of {@link KNOWN_LLM_INSTRUMENTATION_SCOPE_PREFIXES}. */
export function isKnownLLMInstrumentor(span: ReadableSpan): boolean {
  const scope = span.instrumentationScope.name;
  for (const prefix of KNOWN_LLM_INSTRUMENTATION_SCOPE_PREFIXES) {
    if (scope === prefix) return true;
    if (
      scope.length > prefix.length &&
      scope.charCodeAt(prefix.length) === 46 /* "." */ &&
      scope.startsWith(prefix) &&
      !EXACT_ONLY_SCOPES.has(prefix)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The default export filter: Sightline spans, GenAI spans and spans of known LLM instrumentations.
 * Other spans (HTTP servers, databases, ...) stay out of the LLM trace view; a Sightline span whose
 * parent was filtered out is shown as a root.
 */
export function isDefaultExportSpan(span: ReadableSpan): boolean {
  return isSightlineSpan(span) || isKnownLLMInstrumentor(span) || isGenAISpan(span);
}

/**
 * A filter that exports every span, for when Sightline is the only tracing backend.
 *
 * @example
 * new SightlineSpanProcessor({ shouldExportSpan: exportAllSpans });
 */
export const exportAllSpans: ShouldExportSpan = () => true;
