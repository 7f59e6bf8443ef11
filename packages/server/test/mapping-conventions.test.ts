// Whole spans of other instrumentations (Vercel AI SDK, OpenInference, OpenTelemetry GenAI,
// OpenLLMetry) mapped end to end: type, name, model, parameters, input, output, usage, trace
// fields and the attributes kept as metadata.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mapSpan } from "@sightline/server";
import type { ObservationRecord } from "@sightline/server";
import {
  genAiAgent,
  genAiChat,
  genAiTool,
  openInferenceFlattenedOnly,
  openInferenceLlm,
  openInferenceRetriever,
  traceloopChat,
  vercelDoGenerate,
  vercelDoStream,
  vercelGenerateText,
  vercelToolCall,
} from "./fixtures/mapping/conventions.js";
import { START_NS } from "./fixtures/mapping/span-factory.js";

const leftoverKeys = (o: ObservationRecord): string[] => Object.keys((o.metadata.attributes ?? {}) as object).sort();

describe("Vercel AI SDK spans", () => {
  it("map a doGenerate model call with tool calls, provider cache tokens and telemetry metadata", () => {
    const o = mapSpan(vercelDoGenerate);
    assert.equal(o.type, "GENERATION");
    assert.equal(o.name, "weather-agent:ai.generateText.doGenerate");
    assert.equal(o.model, "gpt-4o-mini-2024-07-18");
    assert.deepEqual(o.modelParameters, { temperature: 0.3, maxRetries: 2, toolChoice: { type: "auto" } });
    assert.deepEqual(o.input, [
      { role: "system", content: "You are a weather bot." },
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
    ]);
    assert.deepEqual(o.output, [{ toolCallType: "function", toolCallId: "call_1", toolName: "weather", args: '{"city":"Paris"}' }]);
    assert.deepEqual(o.usageDetails, { input: 56, output: 20, input_cached_tokens: 64, output_reasoning_tokens: 0, total: 140 });
    assert.deepEqual(o.trace, { userId: "user-7", sessionId: "chat-9" });
    assert.equal(o.metadata.plan, "pro");
    assert.deepEqual(o.metadata.tools, [JSON.parse(String(vercelDoGenerate.attributes["ai.prompt.tools"] as string[]))]);
    assert.deepEqual(leftoverKeys(o), [
      "ai.model.id",
      "ai.model.provider",
      "ai.operationId",
      "ai.prompt.format",
      "ai.response.finishReason",
      "ai.response.id",
      "ai.response.model",
      "ai.response.providerMetadata",
      "ai.response.timestamp",
      "ai.telemetry.functionId",
      "gen_ai.request.model",
      "gen_ai.response.finish_reasons",
      "gen_ai.response.id",
      "gen_ai.system",
      "operation.name",
    ]);
  });

  it("map a streamed call with its time to first chunk and AI SDK 5 usage names", () => {
    const o = mapSpan(vercelDoStream);
    assert.equal(o.type, "GENERATION");
    assert.equal(o.model, "claude-sonnet-4-5");
    assert.equal(o.output, "Why did the span cross the trace?");
    assert.equal(o.completionStartTimeNs, START_NS + 412_250_000n);
    assert.deepEqual(o.usageDetails, { input: 20, output: 12, total: 42, input_cached_tokens: 10 });
  });

  it("keep the generateText wrapper a span with its prompt and text, without repeating its children's usage", () => {
    const o = mapSpan(vercelGenerateText);
    assert.equal(o.type, "SPAN");
    assert.equal(o.name, "weather-agent:ai.generateText");
    assert.deepEqual(o.input, { system: "You are a weather bot.", prompt: "Weather in Paris?" });
    assert.equal(o.output, "It is 18°C and sunny in Paris.");
    assert.deepEqual(o.usageDetails, {});
    assert.equal(o.isAppRoot, true);
    assert.deepEqual(o.modelParameters, { maxSteps: 3 });
  });

  it("map a tool call to a TOOL named after the tool", () => {
    const o = mapSpan(vercelToolCall);
    assert.deepEqual([o.type, o.name], ["TOOL", "weather"]);
    assert.deepEqual([o.input, o.output], [{ city: "Paris" }, { temperature: 18, sky: "sunny" }]);
  });
});

describe("OpenInference spans", () => {
  it("map an LLM span: request and response bodies, token counts with cache reads, session, user, tags and metadata", () => {
    const o = mapSpan(openInferenceLlm);
    assert.equal(o.type, "GENERATION");
    assert.equal(o.model, "gpt-4o-2024-08-06");
    assert.deepEqual(o.modelParameters, { temperature: 0.7, max_tokens: 256 });
    assert.deepEqual(o.input, { messages: [{ role: "user", content: "Hi" }], model: "gpt-4o", temperature: 0.7, max_tokens: 256 });
    assert.deepEqual(o.output, { id: "chatcmpl-2", choices: [{ message: { role: "assistant", content: "Hello!" } }] });
    assert.deepEqual(o.usageDetails, { input: 20, output: 10, total: 35, input_cached_tokens: 5 });
    assert.deepEqual(o.trace, { userId: "oi-user", sessionId: "oi-session", tags: ["openinference", "demo"] });
    assert.equal(o.metadata.experiment, "b");
    assert.deepEqual(leftoverKeys(o), [
      "llm.input_messages.0.message.content",
      "llm.input_messages.0.message.role",
      "llm.output_messages.0.message.content",
      "llm.output_messages.0.message.role",
      "llm.provider",
      "llm.system",
      "openinference.span.kind",
    ]);
  });

  it("rebuild the messages when only the flattened form is sent", () => {
    const o = mapSpan(openInferenceFlattenedOnly);
    assert.deepEqual(o.input, [
      { role: "system", content: "Be kind." },
      { role: "user", content: "Hi" },
    ]);
    assert.deepEqual(o.output, [{ role: "assistant", content: "Hello, friend." }]);
  });

  it("map a retriever with a plain-text query and keep its documents as attributes", () => {
    const o = mapSpan(openInferenceRetriever);
    assert.equal(o.type, "RETRIEVER");
    assert.equal(o.input, "1984");
    assert.deepEqual(o.metadata.attributes, {
      "openinference.span.kind": "RETRIEVER",
      "retrieval.documents.0.document.content": "Orwell wrote it.",
      "retrieval.documents.0.document.score": 0.92,
    });
  });
});

describe("OpenTelemetry GenAI spans", () => {
  it("map a chat span with the 1.37 inference event, cache reads and the conversation as session", () => {
    const o = mapSpan(genAiChat);
    assert.equal(o.type, "GENERATION");
    assert.equal(o.model, "gpt-4o-2024-08-06");
    assert.deepEqual(o.modelParameters, { max_tokens: 200, temperature: 0.5 });
    assert.deepEqual(o.input, [
      { role: "system", parts: [{ type: "text", content: "Answer in French." }] },
      { role: "user", parts: [{ type: "text", content: "Hello" }] },
    ]);
    assert.deepEqual(o.output, [{ role: "assistant", parts: [{ type: "text", content: "Bonjour" }], finish_reason: "stop" }]);
    assert.deepEqual(o.usageDetails, { input: 40, output: 12, input_cached_tokens: 10, total: 62 });
    assert.equal(o.trace.sessionId, "conv-1");
    assert.equal(o.metadata.events, undefined);
  });

  it("map a tool execution with its arguments and result", () => {
    const o = mapSpan(genAiTool);
    assert.deepEqual([o.type, o.name], ["TOOL", "get_weather"]);
    assert.deepEqual([o.input, o.output], [{ city: "Lyon" }, { temperature: 21 }]);
  });

  it("map an agent invocation with its messages but without its children's usage", () => {
    const o = mapSpan(genAiAgent);
    assert.equal(o.type, "AGENT");
    assert.deepEqual(o.input, [{ role: "user", parts: [{ type: "text", content: "Plan a trip" }] }]);
    assert.deepEqual(o.usageDetails, {});
    assert.equal((o.metadata.attributes as Record<string, unknown>)["gen_ai.usage.input_tokens"], 500);
  });
});

describe("OpenLLMetry spans", () => {
  it("map a chat call from flattened prompt and completion keys, with its total", () => {
    const o = mapSpan(traceloopChat);
    assert.equal(o.type, "GENERATION");
    assert.equal(o.model, "gpt-3.5-turbo-0125");
    assert.deepEqual(o.input, [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Capital of France?" },
    ]);
    assert.deepEqual(o.output, [{ role: "assistant", content: "Paris.", finish_reason: "stop" }]);
    assert.deepEqual(o.usageDetails, { input: 18, output: 2, total: 20 });
    assert.deepEqual(leftoverKeys(o), ["gen_ai.request.model", "gen_ai.system", "llm.request.type", "traceloop.workflow.name"]);
  });
});
