import { SightlineAttributes as A } from "@sightline/core";
import { GenAI, Genkit, OpenInference } from "./convention-keys.js";
import { unflattenPrefixed } from "./flattened-keys.js";
import {
  choiceEventsOutput,
  contentCompletionEvent,
  contentPromptEvent,
  inferenceEventInput,
  inferenceEventOutput,
  logfireEventsInput,
  logfireEventsOutput,
  messageEventsInput,
  messagesWithInstructions,
} from "./io-genai.js";
import { exactKey, firstKey, inScope, readValue } from "./io-source.js";
import type { Extractor, IoSource } from "./io-source.js";
import { isPlainObject } from "./json-value.js";

/** Genkit: `genkit:input` / `genkit:output`, narrowed to the messages when they are there. */
function genkit(key: string, field: string): Extractor {
  return inScope(Genkit.SCOPE_NAME, ({ attrs }) => {
    const raw = attrs.get(key);
    if (raw === undefined) return undefined;
    const value = readValue(raw, "json");
    return { value: isPlainObject(value) && value[field] !== undefined ? value[field] : value, keys: [key] };
  });
}

const VERCEL_TEXT = "ai.response.text";
const VERCEL_TOOL_CALLS = "ai.response.toolCalls";

const vercelText = firstKey([VERCEL_TEXT, "ai.result.text"], "text");
const vercelStructured = firstKey(["ai.toolCall.result", "ai.response.object", "ai.result.object", VERCEL_TOOL_CALLS, "ai.result.toolCalls"]);

/**
 * Vercel AI SDK output: text and tool calls of one response together as an assistant message
 * (even when the text is empty); otherwise the first of the text, tool result, object or tool
 * calls (the `ai.result.*` keys are those of AI SDK < 4).
 */
const vercelOutput: Extractor = (ctx) => {
  const { attrs } = ctx;
  const toolCalls = attrs.get(VERCEL_TOOL_CALLS);
  const text = attrs.raw(VERCEL_TEXT);
  if (toolCalls !== undefined && text !== undefined) {
    return {
      value: { role: "assistant", content: text, tool_calls: readValue(toolCalls, "json") },
      keys: [VERCEL_TEXT, VERCEL_TOOL_CALLS],
    };
  }
  return vercelText(ctx) ?? vercelStructured(ctx);
};

/** Google ADK sends `{}` as the LLM request/response of a tool span; then the tool keys count. */
function adk(llmKey: string, toolKey: string): Extractor {
  return ({ attrs }) => {
    const llm = attrs.get(llmKey);
    const found = llm !== undefined && llm !== "{}" ? { key: llmKey, value: llm } : attrs.first([toolKey]);
    return found === undefined ? undefined : { value: readValue(found.value, "json"), keys: [found.key] };
  };
}

/**
 * OpenInference `input.value` / `output.value`: parsed as JSON unless the span says the value is
 * `text/plain` (`input.mime_type`), which keeps `"42"` a string.
 */
function openInferenceValue(valueKey: string, mimeKey: string): Extractor {
  return ({ attrs }) => {
    const raw = attrs.get(valueKey);
    if (raw === undefined) return undefined;
    const mime = attrs.get(mimeKey);
    const plain = typeof mime === "string" && mime.trim().toLowerCase().startsWith("text/plain");
    return { value: readValue(raw, plain ? "text" : "json"), keys: mime === undefined ? [valueKey] : [valueKey, mimeKey] };
  };
}

/** Flattened `prefix.N.*` keys rebuilt into a list; OpenInference's `{ message: {...} }` wrapper unwrapped. */
function flattened(prefix: string, unwrap?: string): Extractor {
  return ({ attrs }) => {
    const found = unflattenPrefixed(attrs, prefix);
    if (found === undefined) return undefined;
    const { value } = found;
    if (unwrap !== undefined && Array.isArray(value)) {
      const inner = value.map((item) => (isPlainObject(item) && Object.keys(item).length === 1 ? item[unwrap] : undefined));
      if (inner.every((v) => v !== undefined)) return { value: inner, keys: found.keys };
    }
    return found;
  };
}

/**
 * Where each convention puts input and output, in priority order (first match wins, per side).
 * The order follows Langfuse's, so a span that carries several conventions maps the same way.
 */
export const IO_SOURCES: readonly IoSource[] = [
  { name: "langfuse", input: exactKey(A.OBSERVATION_INPUT), output: exactKey(A.OBSERVATION_OUTPUT) },
  { name: "genkit", input: genkit("genkit:input", "messages"), output: genkit("genkit:output", "message") },
  { name: "vercel", input: firstKey(["ai.prompt.messages", "ai.prompt", "ai.toolCall.args"]), output: vercelOutput },
  {
    name: "flue",
    input: firstKey(["flue.turn.input", "flue.tool.arguments", "flue.task.prompt", "flue.workflow.payload"]),
    output: firstKey(["flue.turn.output", "flue.tool.result", "flue.task.result", "flue.operation.result", "flue.workflow.result"]),
  },
  { name: "genai-inference-event", input: inferenceEventInput, output: inferenceEventOutput },
  { name: "genai-message-events", input: messageEventsInput, output: choiceEventsOutput },
  { name: "semantic-kernel-events", input: contentPromptEvent, output: contentCompletionEvent },
  {
    name: "google-adk",
    input: adk("gcp.vertex.agent.llm_request", "gcp.vertex.agent.tool_call_args"),
    output: adk("gcp.vertex.agent.llm_response", "gcp.vertex.agent.tool_response"),
  },
  { name: "logfire", input: firstKey(["prompt"], "text"), output: firstKey(["all_messages_events"]) },
  {
    name: "livekit",
    input: firstKey(["lk.input_text", "lk.user_transcript"], "text"),
    output: firstKey(["lk.function_tool.output", "lk.response.text"], "text"),
  },
  { name: "livekit-context", input: firstKey(["lk.chat_ctx"]) },
  { name: "logfire-events", input: logfireEventsInput, output: logfireEventsOutput },
  { name: "mlflow", input: firstKey(["mlflow.spanInputs"]), output: firstKey(["mlflow.spanOutputs"]) },
  { name: "traceloop", input: firstKey(["traceloop.entity.input"]), output: firstKey(["traceloop.entity.output"]) },
  {
    name: "openinference",
    input: openInferenceValue(OpenInference.INPUT_VALUE, OpenInference.INPUT_MIME_TYPE),
    output: openInferenceValue(OpenInference.OUTPUT_VALUE, OpenInference.OUTPUT_MIME_TYPE),
  },
  { name: "plain", input: firstKey(["input"]), output: firstKey(["output"]) },
  {
    name: "pydantic-ai",
    input: inScope("pydantic-ai", messagesWithInstructions("pydantic_ai.all_messages", false)),
    output: inScope("pydantic-ai", firstKey(["final_result"])),
  },
  { name: "pydantic-ai-tool", input: firstKey(["tool_arguments"]), output: firstKey(["tool_response"]) },
  { name: "traceloop-flattened", input: flattened("gen_ai.prompt."), output: flattened("gen_ai.completion.") },
  {
    name: "openinference-flattened",
    input: flattened(OpenInference.INPUT_MESSAGES_PREFIX, "message"),
    output: flattened(OpenInference.OUTPUT_MESSAGES_PREFIX, "message"),
  },
  {
    name: "genai-messages",
    input: messagesWithInstructions(GenAI.INPUT_MESSAGES, true),
    output: firstKey([GenAI.OUTPUT_MESSAGES]),
  },
  { name: "genai-tool-call", input: firstKey(["gen_ai.tool.call.arguments"]), output: firstKey(["gen_ai.tool.call.result"]) },
];
