import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectChat, previewOf } from "../src/model/chat-messages.js";
import { sessionTurns } from "../src/model/conversation.js";
import { formatCost, formatDurationNs, formatSeconds, formatTokens } from "../src/model/format.js";

describe("detectChat", () => {
  it("reads OpenAI chat messages with tool calls and tool results", () => {
    const chat = detectChat([
      { role: "system", content: "You are helpful." },
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
      { role: "tool", tool_call_id: "c1", content: '{"temp":21}' },
    ]);
    assert.ok(chat);
    assert.deepEqual(chat.map((m) => m.role), ["system", "user", "assistant", "tool"]);
    assert.deepEqual(chat[2]?.parts, [{ kind: "tool-call", id: "c1", name: "get_weather", arguments: { city: "Paris" } }]);
    assert.deepEqual(chat[3]?.parts, [{ kind: "tool-result", id: "c1", content: { temp: 21 } }]);
  });

  it("reads an OpenAI completion's choices and content parts", () => {
    assert.deepEqual(detectChat({ choices: [{ message: { role: "assistant", content: "Hi!" } }] }), [
      { role: "assistant", name: null, parts: [{ kind: "text", text: "Hi!" }] },
    ]);
    const parts = detectChat([{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] }]);
    assert.deepEqual(parts?.[0]?.parts, [{ kind: "text", text: "What is this?" }, { kind: "image", url: "https://x/y.png" }]);
  });

  it("reads Anthropic messages with a system prompt, tool_use and tool_result blocks", () => {
    const chat = detectChat({
      system: "Be brief.",
      messages: [
        { role: "user", content: "Search cats" },
        { role: "assistant", content: [{ type: "tool_use", id: "tu1", name: "search", input: { q: "cats" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "tu1", content: [{ type: "text", text: "3 results" }] }] },
      ],
    });
    assert.deepEqual(chat?.map((m) => m.role), ["system", "user", "assistant", "user"]);
    assert.deepEqual(chat?.[2]?.parts, [{ kind: "tool-call", id: "tu1", name: "search", arguments: { q: "cats" } }]);
    assert.deepEqual(chat?.[3]?.parts, [{ kind: "tool-result", id: "tu1", content: "3 results" }]);
  });

  it("reads OpenTelemetry GenAI messages with parts", () => {
    const chat = detectChat([
      { role: "user", parts: [{ type: "text", content: "Add 2+2" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "x", name: "add", arguments: { a: 2, b: 2 } }], finish_reason: "tool_call" },
      { role: "tool", parts: [{ type: "tool_call_response", id: "x", response: 4 }] },
    ]);
    assert.deepEqual(chat?.[0]?.parts, [{ kind: "text", text: "Add 2+2" }]);
    assert.deepEqual(chat?.[1]?.parts, [{ kind: "tool-call", id: "x", name: "add", arguments: { a: 2, b: 2 } }]);
    assert.deepEqual(chat?.[2]?.parts, [{ kind: "tool-result", id: "x", content: 4 }]);
  });

  it("parses a JSON string holding messages and maps LangChain-style roles", () => {
    assert.deepEqual(detectChat(JSON.stringify([{ type: "human", content: "yo" }]))?.[0]?.role, "user");
  });

  it("returns null for values that are not conversations", () => {
    assert.equal(detectChat({ query: "cats", topK: 3 }), null);
    assert.equal(detectChat([1, 2, 3]), null);
    assert.equal(detectChat([]), null);
    assert.equal(detectChat("plain text"), null);
    assert.equal(detectChat(null), null);
  });
});

describe("previewOf and sessionTurns", () => {
  it("previews the last message of a conversation on one line", () => {
    assert.equal(previewOf([{ role: "system", content: "x" }, { role: "user", content: "line1\n  line2" }]), "line1 line2");
    assert.equal(previewOf({ a: 1 }), '{"a":1}');
    assert.equal(previewOf("x".repeat(300), 10).length, 10);
    assert.equal(previewOf({ answer: "Sunny, 21°C." }), "Sunny, 21°C.");
  });

  it("reads a session as turns in time order", () => {
    const turns = sessionTurns([
      { id: "t2", timestamp: "2024-01-01T00:00:02Z", name: null, input: "second", output: "answer 2", latency: 1, level: "DEFAULT" },
      { id: "t1", timestamp: "2024-01-01T00:00:01Z", name: null, input: [{ role: "user", content: "first" }], output: { role: "assistant", content: "answer 1" }, latency: 1, level: "ERROR" },
    ]);
    assert.deepEqual(turns.map((t) => [t.traceId, t.userText, t.assistantText, t.isError]), [
      ["t1", "first", "answer 1", true],
      ["t2", "second", "answer 2", false],
    ]);
    const [objectTurn] = sessionTurns([{ id: "t3", timestamp: null, name: null, input: { question: "Q?" }, output: { answer: "A." }, latency: null, level: "DEFAULT" }]);
    assert.deepEqual([objectTurn?.userText, objectTurn?.assistantText], ["Q?", "A."]);
  });
});

describe("formatting", () => {
  it("formats durations with a fitting unit", () => {
    assert.equal(formatDurationNs(850), "850ns");
    assert.equal(formatDurationNs(12_340), "12.3µs");
    assert.equal(formatDurationNs(1_500_000), "1.5ms");
    assert.equal(formatDurationNs(1_240_000_000), "1.24s");
    assert.equal(formatDurationNs(123e9), "2m 03s");
    assert.equal(formatDurationNs(3720e9), "1h 02m");
    assert.equal(formatDurationNs(null), "–");
    assert.equal(formatSeconds(0.25), "250ms");
  });

  it("formats costs keeping significant digits of small amounts", () => {
    assert.equal(formatCost(0), "$0");
    assert.equal(formatCost(0.0000123), "$0.000012");
    assert.equal(formatCost(0.0042), "$0.0042");
    assert.equal(formatCost(0.12), "$0.12");
    assert.equal(formatCost(0.1234), "$0.1234");
    assert.equal(formatCost(1234.5), "$1,234.50");
    assert.equal(formatCost(Number.NaN), "–");
  });

  it("formats token counts compactly", () => {
    assert.equal(formatTokens(987), "987");
    assert.equal(formatTokens(1234), "1,234");
    assert.equal(formatTokens(12_345), "12.3k");
    assert.equal(formatTokens(4_560_000), "4.56M");
  });
});
