// Input and output: how attribute strings are parsed, every source of the extraction order, the
// rebuilding of flattened message keys, and what happens to the keys and events that were used.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_FLATTENED_INDEX, MAX_JSON_DEPTH, mapSpan } from "@sightline/server";
import type { AttributeMap, DecodedSpanEvent, ObservationRecord } from "@sightline/server";
import { SightlineAttributes as A } from "@sightline/core";
import { event, span } from "./fixtures/mapping/span-factory.js";

const map = (attributes: AttributeMap, init: Parameters<typeof span>[0] = {}): ObservationRecord => mapSpan(span({ ...init, attributes }));
const io = (attributes: AttributeMap, init: Parameters<typeof span>[0] = {}) => {
  const o = map(attributes, init);
  return { input: o.input, output: o.output };
};
const leftover = (o: ObservationRecord): Record<string, unknown> => (o.metadata.attributes ?? {}) as Record<string, unknown>;

describe("attribute values", () => {
  it("parses strings that hold JSON objects, arrays, numbers, booleans, null and quoted strings", () => {
    const cases: Array<[string, unknown]> = [
      ['{"q":"hi"}', { q: "hi" }],
      ["[1,2]", [1, 2]],
      ["42", 42],
      ["-3.5", -3.5],
      ["true", true],
      ["null", null],
      ['"quoted"', "quoted"],
      ["  {\"padded\":1}  ", { padded: 1 }],
    ];
    for (const [text, value] of cases) assert.deepEqual(map({ [A.OBSERVATION_INPUT]: text }).input, value, text);
  });

  it("keeps an empty Langfuse input or output as an empty string, unlike a missing one", () => {
    const o = map({ [A.OBSERVATION_INPUT]: "", [A.TRACE_OUTPUT]: "" });
    assert.deepEqual([o.input, o.output, o.trace.output], ["", null, ""]);
  });

  it("keeps other strings as they are, including invalid JSON", () => {
    for (const text of ["hello", "{not json", "[1,", "tru", "NaN", "   "]) {
      assert.equal(map({ [A.OBSERVATION_OUTPUT]: text }).output, text, text);
    }
  });

  it("keeps a number's text when a double cannot hold it exactly", () => {
    assert.equal(map({ [A.OBSERVATION_INPUT]: "12345678901234567890" }).input, "12345678901234567890");
    assert.equal(map({ [A.OBSERVATION_INPUT]: "1.50" }).input, "1.50");
    assert.equal(map({ [A.OBSERVATION_INPUT]: "1e3" }).input, "1e3");
  });

  it("keeps structured OTLP values (arrays, kvlists) as they are", () => {
    assert.deepEqual(map({ [A.OBSERVATION_INPUT]: ["a", "b"] }).input, ["a", "b"]);
    assert.deepEqual(map({ [A.OBSERVATION_INPUT]: { k: 1 } }).input, { k: 1 });
  });

  it("keeps JSON nested deeper than the limit as text, and survives a 100,000-deep array", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const o = map({ [A.OBSERVATION_INPUT]: deep });
    assert.equal(o.input, deep);
    assert.doesNotThrow(() => JSON.stringify(o.input));
    const atLimit = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    assert.ok(Array.isArray(map({ [A.OBSERVATION_INPUT]: atLimit }).input), "the limit itself is allowed");
    const overLimit = "[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1);
    assert.equal(map({ [A.OBSERVATION_INPUT]: overLimit }).input, overLimit);
    const bracketsInStrings = JSON.stringify({ text: "[".repeat(5000) });
    assert.deepEqual(map({ [A.OBSERVATION_INPUT]: bracketsInStrings }).input, { text: "[".repeat(5000) });
  });

  it("parses a large input in well under a second", () => {
    const big = JSON.stringify({ messages: Array.from({ length: 50_000 }, (_, i) => ({ role: "user", content: `message ${i}` })) });
    const started = process.hrtime.bigint();
    const o = map({ [A.OBSERVATION_INPUT]: big });
    assert.ok(process.hrtime.bigint() - started < 1_000_000_000n);
    assert.equal((o.input as { messages: unknown[] }).messages.length, 50_000);
  });
});

describe("input and output sources", () => {
  it("is null on both sides when the span carries neither", () => {
    assert.deepEqual(io({ "http.method": "GET" }), { input: null, output: null });
  });

  it("reads the Langfuse keys first", () => {
    assert.deepEqual(io({ [A.OBSERVATION_INPUT]: '{"a":1}', [A.OBSERVATION_OUTPUT]: "done", "input.value": "other", "ai.prompt": "p" }), {
      input: { a: 1 },
      output: "done",
    });
  });

  it("looks input and output up separately, so each side comes from the first source that has it", () => {
    assert.deepEqual(io({ [A.OBSERVATION_INPUT]: "q", "output.value": '{"answer":1}' }), { input: "q", output: { answer: 1 } });
  });

  it("reads Genkit input messages and output message, for Genkit spans only", () => {
    const genkit = { scope: "genkit-tracer" };
    assert.deepEqual(io({ "genkit:input": '{"messages":[{"role":"user"}],"config":{}}', "genkit:output": '{"message":{"role":"model"}}' }, genkit), {
      input: [{ role: "user" }],
      output: { role: "model" },
    });
    assert.deepEqual(io({ "genkit:input": '"plain"' }, genkit).input, "plain");
    assert.equal(io({ "genkit:input": '{"messages":[]}' }).input, null);
  });

  it("reads the Vercel AI SDK prompt messages, prompt or tool arguments, in that order", () => {
    assert.deepEqual(io({ "ai.prompt.messages": '[{"role":"user","content":"hi"}]', "ai.prompt": '{"prompt":"x"}' }).input, [
      { role: "user", content: "hi" },
    ]);
    assert.deepEqual(io({ "ai.prompt": '{"system":"s","prompt":"x"}' }).input, { system: "s", prompt: "x" });
    assert.deepEqual(io({ "ai.toolCall.args": '{"city":"Paris"}' }).input, { city: "Paris" });
  });

  it("makes Vercel text and tool calls one assistant message, even with empty text", () => {
    const calls = '[{"toolCallType":"function","toolCallId":"c1","toolName":"weather","args":"{}"}]';
    assert.deepEqual(io({ "ai.response.text": "", "ai.response.toolCalls": calls }).output, {
      role: "assistant",
      content: "",
      tool_calls: [{ toolCallType: "function", toolCallId: "c1", toolName: "weather", args: "{}" }],
    });
  });

  it("reads the other Vercel outputs in order, keeping model text as text", () => {
    assert.equal(io({ "ai.response.text": "42" }).output, "42");
    assert.equal(io({ "ai.result.text": "legacy" }).output, "legacy");
    assert.deepEqual(io({ "ai.toolCall.result": '{"temp":20}' }).output, { temp: 20 });
    assert.deepEqual(io({ "ai.response.object": '{"name":"x"}', "ai.response.toolCalls": "[]" }).output, { name: "x" });
    assert.deepEqual(io({ "ai.result.object": '{"o":1}' }).output, { o: 1 });
    assert.deepEqual(io({ "ai.response.toolCalls": '[{"toolName":"t"}]' }).output, [{ toolName: "t" }]);
    assert.deepEqual(io({ "ai.result.toolCalls": '[{"toolName":"old"}]' }).output, [{ toolName: "old" }]);
  });

  it("reads Flue turn, tool, task and workflow keys", () => {
    assert.deepEqual(io({ "flue.turn.input": "do it", "flue.turn.output": "done" }), { input: "do it", output: "done" });
    assert.deepEqual(io({ "flue.tool.arguments": '{"path":"a"}', "flue.tool.result": "ok" }), { input: { path: "a" }, output: "ok" });
    assert.deepEqual(io({ "flue.workflow.payload": "p", "flue.operation.result": "r" }), { input: "p", output: "r" });
  });

  it("reads the GenAI inference event (semconv 1.37+), with the system instructions first", () => {
    const details = event("gen_ai.client.inference.operation.details", {
      "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
      "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"hello"}],"finish_reason":"stop"}]',
      "gen_ai.system_instructions": '[{"type":"text","content":"be brief"}]',
    });
    const o = map({ "gen_ai.input.messages": "[]" }, { events: [details] });
    assert.deepEqual(o.input, [
      { role: "system", parts: [{ type: "text", content: "be brief" }] },
      { role: "user", parts: [{ type: "text", content: "hi" }] },
    ]);
    assert.deepEqual(o.output, [{ role: "assistant", parts: [{ type: "text", content: "hello" }], finish_reason: "stop" }]);
    assert.equal(o.metadata.events, undefined, "the event became input/output");
    assert.deepEqual(leftover(o)["gen_ai.input.messages"], "[]", "the losing attribute stays visible");
  });

  it("reads the older GenAI message events as input and a choice event as output", () => {
    const events: DecodedSpanEvent[] = [
      event("gen_ai.system.message", { content: "be brief" }),
      event("gen_ai.user.message", { content: "hi" }),
      event("gen_ai.tool.message", { content: "20C", id: "call_1" }),
      event("gen_ai.choice", { index: 0, finish_reason: "stop", message: { role: "assistant", content: "hello" } }),
    ];
    const o = map({}, { events });
    assert.deepEqual(o.input, [
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
      { role: "tool", content: "20C", id: "call_1" },
    ]);
    assert.deepEqual(o.output, { index: 0, finish_reason: "stop", message: { role: "assistant", content: "hello" } });
    const two = map({}, { events: [event("gen_ai.choice", { index: 0 }), event("gen_ai.choice", { index: 1 })] });
    assert.deepEqual(two.output, [{ index: 0 }, { index: 1 }]);
  });

  it("reads Semantic Kernel's content events", () => {
    const o = map({}, {
      events: [event("gen_ai.content.prompt", { "gen_ai.prompt": '[{"role":"user","content":"hi"}]' }), event("gen_ai.content.completion", { "gen_ai.completion": "hello" })],
    });
    assert.deepEqual([o.input, o.output], [[{ role: "user", content: "hi" }], "hello"]);
    const other = map({}, { events: [event("gen_ai.content.prompt", { prompt_text: "hi" })] });
    assert.deepEqual(other.input, { prompt_text: "hi" }, "without the text attribute, all the event's attributes");
  });

  it("reads Google ADK LLM requests, and tool arguments when the request is empty", () => {
    assert.deepEqual(io({ "gcp.vertex.agent.llm_request": '{"model":"gemini"}', "gcp.vertex.agent.llm_response": '{"text":"x"}' }), {
      input: { model: "gemini" },
      output: { text: "x" },
    });
    assert.deepEqual(
      io({
        "gcp.vertex.agent.llm_request": "{}",
        "gcp.vertex.agent.tool_call_args": '{"q":1}',
        "gcp.vertex.agent.llm_response": "{}",
        "gcp.vertex.agent.tool_response": '{"r":2}',
      }),
      { input: { q: 1 }, output: { r: 2 } },
    );
  });

  it("reads Logfire's prompt and all_messages_events, and its events list", () => {
    assert.deepEqual(io({ prompt: "42", all_messages_events: '[{"role":"user"}]' }), { input: "42", output: [{ role: "user" }] });
    const events = JSON.stringify([
      { "event.name": "gen_ai.user.message", content: "hi" },
      { "event.name": "gen_ai.choice", message: { content: "hello" } },
    ]);
    assert.deepEqual(io({ events }), {
      input: [{ "event.name": "gen_ai.user.message", content: "hi" }],
      output: { "event.name": "gen_ai.choice", message: { content: "hello" } },
    });
  });

  it("reads LiveKit text, transcript and chat context", () => {
    assert.deepEqual(io({ "lk.input_text": "7", "lk.response.text": "8" }), { input: "7", output: "8" });
    assert.deepEqual(io({ "lk.user_transcript": "hello" }).input, "hello");
    assert.deepEqual(io({ "lk.chat_ctx": '{"items":[]}', "lk.function_tool.output": "done" }), { input: { items: [] }, output: "done" });
  });

  it("reads MLflow, TraceLoop entity, OpenInference and plain input/output keys", () => {
    assert.deepEqual(io({ "mlflow.spanInputs": '{"x":1}', "mlflow.spanOutputs": "2" }), { input: { x: 1 }, output: 2 });
    assert.deepEqual(io({ "traceloop.entity.input": '{"inputs":{}}', "traceloop.entity.output": '"ok"' }), { input: { inputs: {} }, output: "ok" });
    assert.deepEqual(io({ "input.value": '{"query":"q"}', "output.value": "answer" }), { input: { query: "q" }, output: "answer" });
    assert.deepEqual(io({ input: '{"a":1}', output: "b" }), { input: { a: 1 }, output: "b" });
  });

  it("keeps OpenInference values declared text/plain as text", () => {
    const o = map({ "input.value": "42", "input.mime_type": "text/plain", "output.value": "[1]", "output.mime_type": "application/json" });
    assert.deepEqual([o.input, o.output], ["42", [1]]);
    assert.equal(leftover(o)["input.mime_type"], undefined, "the mime type was used");
  });

  it("reads Pydantic AI's messages (system instructions first) and final result on its own spans", () => {
    const attrs = {
      "pydantic_ai.all_messages": '[{"role":"user","parts":[]}]',
      "gen_ai.system_instructions": '[{"type":"text","content":"sys"}]',
      final_result: '{"city":"Paris"}',
    };
    assert.deepEqual(io(attrs, { scope: "pydantic-ai" }), {
      input: [{ role: "system", parts: [{ type: "text", content: "sys" }] }, { role: "user", parts: [] }],
      output: { city: "Paris" },
    });
    // elsewhere the same keys are not read as Pydantic AI's (the instructions alone become the input)
    assert.deepEqual(io(attrs).input, [{ role: "system", parts: [{ type: "text", content: "sys" }] }]);
    assert.equal(io(attrs).output, null);
  });

  it("reads Pydantic AI tool arguments and response", () => {
    assert.deepEqual(io({ tool_arguments: '{"x":1}', tool_response: "5" }), { input: { x: 1 }, output: 5 });
  });

  it("reads GenAI message attributes with system instructions, then tool call arguments and results", () => {
    assert.deepEqual(io({ "gen_ai.input.messages": '[{"role":"user"}]', "gen_ai.system_instructions": "be brief", "gen_ai.output.messages": '[{"role":"assistant"}]' }), {
      input: [{ role: "system", content: "be brief" }, { role: "user" }],
      output: [{ role: "assistant" }],
    });
    assert.deepEqual(io({ "gen_ai.tool.call.arguments": '{"q":"x"}', "gen_ai.tool.call.result": '{"hits":3}' }), {
      input: { q: "x" },
      output: { hits: 3 },
    });
  });
});

describe("flattened message keys", () => {
  it("rebuilds TraceLoop gen_ai.prompt.N.* and gen_ai.completion.N.* into lists in index order", () => {
    const o = map({
      "gen_ai.prompt.1.role": "user",
      "gen_ai.prompt.1.content": "42",
      "gen_ai.prompt.0.role": "system",
      "gen_ai.prompt.0.content": "be brief",
      "gen_ai.prompt.10.role": "user",
      "gen_ai.completion.0.role": "assistant",
      "gen_ai.completion.0.content": "hello",
    });
    assert.deepEqual(o.input, [
      { role: "system", content: "be brief" },
      { role: "user", content: "42" },
      { role: "user" },
    ]);
    assert.deepEqual(o.output, [{ role: "assistant", content: "hello" }]);
    assert.deepEqual(leftover(o), {}, "every flattened key was used");
  });

  it("rebuilds OpenInference llm.input_messages.N.message.* into messages, with nested tool calls", () => {
    const o = map({
      "llm.input_messages.0.message.role": "user",
      "llm.input_messages.0.message.content": "weather?",
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "weather",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
    });
    assert.deepEqual(o.input, [{ role: "user", content: "weather?" }]);
    assert.deepEqual(o.output, [
      { role: "assistant", tool_calls: [{ tool_call: { function: { name: "weather", arguments: '{"city":"Paris"}' } } }] },
    ]);
  });

  it("keeps the message wrapper when not every element has one", () => {
    assert.deepEqual(map({ "llm.input_messages.0.message.role": "user", "llm.input_messages.1.other": "x" }).input, [
      { message: { role: "user" } },
      { other: "x" },
    ]);
  });

  it("ignores indices above the cap and prototype segments, leaving those keys visible as attributes", () => {
    const tooFar = `gen_ai.prompt.${MAX_FLATTENED_INDEX + 1}.role`;
    const o = map({
      "gen_ai.prompt.0.role": "user",
      [tooFar]: "x",
      "gen_ai.prompt.__proto__.polluted": "yes",
      "gen_ai.prompt.0.constructor.prototype.polluted": "yes",
      "gen_ai.prompt.prototype": "yes",
      [`gen_ai.prompt.${MAX_FLATTENED_INDEX}.role`]: "last",
    });
    assert.deepEqual(o.input, [{ role: "user" }, { role: "last" }]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(leftover(o)).sort(), [tooFar, "gen_ai.prompt.0.constructor.prototype.polluted", "gen_ai.prompt.__proto__.polluted", "gen_ai.prompt.prototype"].sort());
  });

  it("skips keys deeper than the depth cap and keys that collide with another", () => {
    const deep = `gen_ai.prompt.0.${Array.from({ length: 40 }, () => "a").join(".")}`;
    const o = map({ "gen_ai.prompt.0.role": "user", [deep]: "x", "gen_ai.prompt.0.role.inner": "collides" });
    assert.deepEqual(o.input, [{ role: "user" }]);
    assert.ok(deep in leftover(o));
    assert.ok("gen_ai.prompt.0.role.inner" in leftover(o));
  });
});

describe("keys and events used for input and output", () => {
  it("are left out of the metadata, while keys of sources that lost stay", () => {
    const o = map({ "input.value": "from openinference", "traceloop.entity.input": '"from traceloop"', "http.route": "/chat" });
    assert.equal(o.input, "from traceloop");
    assert.deepEqual(leftover(o), { "input.value": "from openinference", "http.route": "/chat" });
  });

  it("are kept when they were not used: other events go to metadata.events with nanosecond string times", () => {
    const o = map({}, { events: [event("gen_ai.user.message", { content: "hi" }), event("cache.miss", { key: "k" }, 5n)] });
    assert.deepEqual(o.metadata.events, [{ name: "cache.miss", timeUnixNano: "1767323045123456794", attributes: { key: "k" } }]);
  });
});
