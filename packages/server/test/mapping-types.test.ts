// Observation type inference: every rule of the table, and the priority between rules.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mapSpan } from "@sightline/server";
import type { AttributeMap, DecodedSpan } from "@sightline/server";
import { SightlineAttributes as A } from "@sightline/core";
import { span } from "./fixtures/mapping/span-factory.js";

function typeOf(attributes: AttributeMap, init: Partial<DecodedSpan> & { scope?: DecodedSpan["scope"] } = {}): string {
  return mapSpan(span({ ...init, attributes })).type;
}

const pythonSdk = (version: string, language = "python") => ({
  scope: { name: "langfuse-sdk", version, attributes: {} },
  resource: { "telemetry.sdk.language": language },
});

describe("observation type inference", () => {
  it("is SPAN when nothing says otherwise", () => {
    assert.equal(typeOf({ "http.method": "GET" }), "SPAN");
  });

  it("takes each of the ten Langfuse types from langfuse.observation.type, in any case", () => {
    const types = ["span", "generation", "event", "agent", "tool", "chain", "retriever", "evaluator", "embedding", "guardrail"];
    for (const t of types) {
      assert.equal(typeOf({ [A.OBSERVATION_TYPE]: t }), t.toUpperCase(), t);
      assert.equal(typeOf({ [A.OBSERVATION_TYPE]: t.toUpperCase() }), t.toUpperCase(), t.toUpperCase());
    }
  });

  it("ignores an unknown langfuse.observation.type and lets the next rules decide", () => {
    assert.equal(typeOf({ [A.OBSERVATION_TYPE]: "banana" }), "SPAN");
    assert.equal(typeOf({ [A.OBSERVATION_TYPE]: "banana", "gen_ai.request.model": "gpt-4o" }), "GENERATION");
  });

  it("maps every OpenInference span kind, LLM to GENERATION, and passes over kinds it has no type for", () => {
    const kinds: Record<string, string> = {
      LLM: "GENERATION",
      CHAIN: "CHAIN",
      RETRIEVER: "RETRIEVER",
      EMBEDDING: "EMBEDDING",
      AGENT: "AGENT",
      TOOL: "TOOL",
      GUARDRAIL: "GUARDRAIL",
      EVALUATOR: "EVALUATOR",
    };
    for (const [kind, type] of Object.entries(kinds)) assert.equal(typeOf({ "openinference.span.kind": kind }), type, kind);
    assert.equal(typeOf({ "openinference.span.kind": "llm" }), "GENERATION");
    assert.equal(typeOf({ "openinference.span.kind": "RERANKER" }), "SPAN");
  });

  it("maps every GenAI gen_ai.operation.name", () => {
    const ops: Record<string, string> = {
      chat: "GENERATION",
      completion: "GENERATION",
      text_completion: "GENERATION",
      generate_content: "GENERATION",
      generate: "GENERATION",
      embeddings: "EMBEDDING",
      invoke_agent: "AGENT",
      create_agent: "AGENT",
      execute_tool: "TOOL",
    };
    for (const [op, type] of Object.entries(ops)) assert.equal(typeOf({ "gen_ai.operation.name": op }), type, op);
  });

  it("maps Genkit subtypes", () => {
    const subtypes: Record<string, string> = {
      model: "GENERATION",
      "background-model": "GENERATION",
      embedder: "EMBEDDING",
      tool: "TOOL",
      "tool.v2": "TOOL",
      retriever: "RETRIEVER",
      evaluator: "EVALUATOR",
    };
    for (const [subtype, type] of Object.entries(subtypes)) {
      assert.equal(typeOf({ "genkit:metadata:subtype": subtype }), type, subtype);
    }
  });

  it("makes Vercel AI SDK model operations generations or embeddings only when they name a model", () => {
    for (const op of ["ai.generateText.doGenerate", "ai.streamText.doStream", "ai.generateObject.doGenerate", "ai.streamObject.doStream"]) {
      assert.equal(typeOf({ "ai.operationId": op, "ai.model.id": "gpt-4o" }), "GENERATION", op);
      assert.equal(typeOf({ "ai.operationId": op }), "SPAN", `${op} without a model`);
    }
    for (const op of ["ai.embed.doEmbed", "ai.embedMany.doEmbed"]) {
      assert.equal(typeOf({ "ai.operationId": op, "ai.model.id": "text-embedding-3-small" }), "EMBEDDING", op);
    }
    // operation.name carries the function id after a space
    assert.equal(typeOf({ "operation.name": "ai.streamText.doStream chat-fn", "ai.model.id": "gpt-4o" }), "GENERATION");
    // the wrapper operation is not a model call, even though it names the model
    assert.equal(typeOf({ "ai.operationId": "ai.generateText", "ai.model.id": "gpt-4o" }), "SPAN");
  });

  it("makes a Vercel AI SDK tool call a TOOL", () => {
    assert.equal(typeOf({ "ai.operationId": "ai.toolCall", "ai.toolCall.name": "weather" }), "TOOL");
    assert.equal(typeOf({ "operation.name": "ai.toolCall my-fn" }), "TOOL");
  });

  it("makes a span with a GenAI tool name or tool call id a TOOL", () => {
    assert.equal(typeOf({ "gen_ai.tool.name": "search" }), "TOOL");
    assert.equal(typeOf({ "gen_ai.tool.call.id": "call_1" }), "TOOL");
  });

  it("reads Flue tool and task keys", () => {
    assert.equal(typeOf({ "flue.tool.name": "grep" }), "TOOL");
    assert.equal(typeOf({ "flue.task.prompt": "fix it" }), "AGENT");
  });

  it("makes any span that names a model a GENERATION", () => {
    for (const key of [A.OBSERVATION_MODEL, "gen_ai.request.model", "gen_ai.response.model", "llm.model_name", "model"]) {
      assert.equal(typeOf({ [key]: "some-model" }), "GENERATION", key);
    }
    assert.equal(typeOf({ model: "" }), "SPAN", "an empty model names nothing");
  });

  it("lets the explicit type win over every convention, and conventions win over weaker hints", () => {
    assert.equal(typeOf({ [A.OBSERVATION_TYPE]: "tool", "openinference.span.kind": "LLM" }), "TOOL");
    assert.equal(typeOf({ "openinference.span.kind": "CHAIN", "gen_ai.operation.name": "chat" }), "CHAIN");
    assert.equal(typeOf({ "gen_ai.operation.name": "invoke_agent", "gen_ai.request.model": "gpt-4o" }), "AGENT");
    assert.equal(typeOf({ "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "x" }), "TOOL");
  });

  it("treats generations the Langfuse Python SDK up to 3.3 sent as spans as generations", () => {
    const attrs = { [A.OBSERVATION_TYPE]: "span", [A.OBSERVATION_MODEL]: "gpt-4o" };
    assert.equal(typeOf(attrs, pythonSdk("3.3.0")), "GENERATION");
    assert.equal(typeOf({ [A.OBSERVATION_TYPE]: "span", [A.OBSERVATION_USAGE_DETAILS]: '{"input":1}' }, pythonSdk("3.1.2")), "GENERATION");
    assert.equal(typeOf(attrs, pythonSdk("3.4.0")), "SPAN", "fixed in 3.4");
    assert.equal(typeOf(attrs, pythonSdk("3.3.0", "nodejs")), "SPAN", "only the Python SDK had the bug");
    assert.equal(typeOf({ [A.OBSERVATION_TYPE]: "span" }, pythonSdk("3.3.0")), "SPAN", "a span without generation keys");
  });
});
