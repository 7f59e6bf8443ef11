// What a span says about its trace (name, user, session, tags, public, input/output, metadata),
// observation metadata, and the leftovers kept for spans of other instrumentations.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mapSpan } from "@sightline/server";
import type { AttributeMap } from "@sightline/server";
import { SightlineAttributes as A } from "@sightline/core";
import { event, sdkSpan, span } from "./fixtures/mapping/span-factory.js";

const map = (attributes: AttributeMap, init: Parameters<typeof span>[0] = {}) => mapSpan(span({ ...init, attributes }));

describe("trace contribution", () => {
  it("is empty for a span that says nothing about its trace", () => {
    assert.deepEqual(map({}).trace, {});
  });

  it("reads the trace name, public flag and explicit trace input and output", () => {
    const t = map({ [A.TRACE_NAME]: "checkout", [A.TRACE_PUBLIC]: true, [A.TRACE_INPUT]: '{"cart":3}', [A.TRACE_OUTPUT]: "paid" }).trace;
    assert.deepEqual(t, { name: "checkout", public: true, input: { cart: 3 }, output: "paid" });
    assert.equal(map({ "langfuse.public": "true" }).trace.public, true);
    assert.equal(map({ [A.TRACE_PUBLIC]: "false" }).trace.public, false);
    assert.equal(map({ [A.TRACE_PUBLIC]: "maybe" }).trace.public, undefined);
  });

  it("reads the user id from the Langfuse keys, metadata entries and Vercel telemetry metadata, in order", () => {
    assert.equal(map({ [A.COMPAT_USER_ID]: "compat", [A.TRACE_USER_ID]: "plain" }).trace.userId, "compat");
    assert.equal(map({ [A.TRACE_USER_ID]: "u1" }).trace.userId, "u1");
    assert.equal(map({ [`${A.OBSERVATION_METADATA_PREFIX}langfuse_user_id`]: "u2" }).trace.userId, "u2");
    assert.equal(map({ [`${A.TRACE_METADATA_PREFIX}langfuse_user_id`]: "u3" }).trace.userId, "u3");
    assert.equal(map({ "ai.telemetry.metadata.userId": "u4" }).trace.userId, "u4");
    assert.equal(map({ [A.TRACE_USER_ID]: 42 }).trace.userId, "42");
  });

  it("reads the session id from the Langfuse keys, gen_ai.conversation.id, metadata entries and Vercel telemetry metadata", () => {
    assert.equal(map({ [A.COMPAT_SESSION_ID]: "compat", [A.TRACE_SESSION_ID]: "plain" }).trace.sessionId, "compat");
    assert.equal(map({ [A.TRACE_SESSION_ID]: "s1", "gen_ai.conversation.id": "c" }).trace.sessionId, "s1");
    assert.equal(map({ "gen_ai.conversation.id": "conv_1" }).trace.sessionId, "conv_1");
    assert.equal(map({ [`${A.TRACE_METADATA_PREFIX}langfuse_session_id`]: "s2" }).trace.sessionId, "s2");
    assert.equal(map({ "ai.telemetry.metadata.sessionId": "s3" }).trace.sessionId, "s3");
  });

  it("reads tags from arrays, JSON array strings, comma-separated and single strings, merged from every key", () => {
    assert.deepEqual(map({ [A.TRACE_TAGS]: ["a", "b"] }).trace.tags, ["a", "b"]);
    assert.deepEqual(map({ [A.TRACE_TAGS]: '["a","b"]' }).trace.tags, ["a", "b"]);
    assert.deepEqual(map({ [A.TRACE_TAGS]: "a, b,,c " }).trace.tags, ["a", "b", "c"]);
    assert.deepEqual(map({ [A.TRACE_TAGS]: "solo" }).trace.tags, ["solo"]);
    assert.deepEqual(
      map({
        [A.TRACE_TAGS]: ["a"],
        "langfuse.tags": "b",
        [`${A.OBSERVATION_METADATA_PREFIX}langfuse_tags`]: '["c","a"]',
        "ai.telemetry.metadata.tags": ["d"],
        "tag.tags": "e",
      }).trace.tags,
      ["a", "b", "c", "d", "e"],
    );
    assert.equal(map({ [A.TRACE_TAGS]: [] }).trace.tags, undefined);
    assert.deepEqual(map({ [A.TRACE_TAGS]: 2026 }).trace.tags, ["2026"]);
  });

  it("reads trace metadata from the whole object and one key per entry, entries winning", () => {
    const t = map({ [A.TRACE_METADATA]: '{"plan":"free","region":"eu"}', [`${A.TRACE_METADATA_PREFIX}plan`]: "pro", [`${A.TRACE_METADATA_PREFIX}n`]: "3" }).trace;
    assert.deepEqual(t.metadata, { plan: "pro", region: "eu", n: 3 });
  });

  it("does not repeat trace fields given through metadata entries as metadata", () => {
    const o = map({ [`${A.TRACE_METADATA_PREFIX}langfuse_user_id`]: "u", [`${A.TRACE_METADATA_PREFIX}other`]: "x" });
    assert.deepEqual(o.trace.metadata, { other: "x" });
  });
});

describe("observation metadata", () => {
  it("reads the whole metadata object and one key per entry, parsing JSON values and letting entries win", () => {
    const o = mapSpan(
      sdkSpan({
        [A.OBSERVATION_METADATA]: '{"source":"api","nested":{"a":1}}',
        [`${A.OBSERVATION_METADATA_PREFIX}source`]: "web",
        [`${A.OBSERVATION_METADATA_PREFIX}flags`]: '["x"]',
        [`${A.OBSERVATION_METADATA_PREFIX}note`]: "plain text",
      }),
    );
    assert.deepEqual(o.metadata, { source: "web", nested: { a: 1 }, flags: ["x"], note: "plain text" });
  });

  it("keeps whole metadata that is not an object under 'metadata'", () => {
    assert.deepEqual(mapSpan(sdkSpan({ [A.OBSERVATION_METADATA]: "just a note" })).metadata, { metadata: "just a note" });
  });

  it("reads the older langfuse.metadata keys and the Vercel AI SDK's telemetry metadata, without the keys that became fields", () => {
    const o = map({
      "langfuse.metadata": '{"old":true}',
      "langfuse.metadata.entry": "e",
      "ai.telemetry.metadata.feature": "chat",
      "ai.telemetry.metadata.userId": "u",
      "ai.telemetry.metadata.sessionId": "s",
      "ai.telemetry.metadata.tags": ["t"],
    });
    assert.deepEqual(o.metadata, { old: true, entry: "e", feature: "chat" });
    assert.deepEqual([o.trace.userId, o.trace.sessionId, o.trace.tags], ["u", "s", ["t"]]);
  });

  it("keeps the Vercel AI SDK's tool definitions as 'tools'", () => {
    const o = map({ "ai.prompt.tools": ['{"type":"function","name":"weather"}', '{"type":"function","name":"time"}'] });
    assert.deepEqual(o.metadata.tools, [
      { type: "function", name: "weather" },
      { type: "function", name: "time" },
    ]);
  });

  it("keeps the list of keys the SDK truncated", () => {
    const o = mapSpan(sdkSpan({ [A.TRUNCATED_KEYS]: `["${A.OBSERVATION_INPUT}"]` }));
    assert.deepEqual(o.metadata[A.TRUNCATED_KEYS], [A.OBSERVATION_INPUT]);
  });

  it("stores a metadata entry named __proto__ as data, not as a prototype", () => {
    const o = mapSpan(sdkSpan({ [`${A.OBSERVATION_METADATA_PREFIX}__proto__`]: '{"polluted":true}' }));
    assert.deepEqual(Object.getOwnPropertyDescriptor(o.metadata, "__proto__")?.value, { polluted: true });
    assert.equal((o.metadata as { polluted?: unknown }).polluted, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });
});

describe("leftover attributes and events", () => {
  it("leave out every Langfuse key, also when a third-party exporter sends them (nothing is repeated)", () => {
    const o = map({
      [A.OBSERVATION_TYPE]: "generation",
      [A.OBSERVATION_INPUT]: "in",
      [A.OBSERVATION_OUTPUT]: "out",
      [A.OBSERVATION_METADATA]: '{"a":1}',
      [`${A.OBSERVATION_METADATA_PREFIX}b`]: "2",
      [A.OBSERVATION_LEVEL]: "WARNING",
      [A.OBSERVATION_STATUS_MESSAGE]: "careful",
      [A.OBSERVATION_MODEL]: "gpt-4o",
      [A.OBSERVATION_MODEL_PARAMETERS]: '{"temperature":1}',
      [A.OBSERVATION_USAGE_DETAILS]: '{"input":1}',
      [A.OBSERVATION_COST_DETAILS]: '{"total":0.1}',
      [A.OBSERVATION_COMPLETION_START_TIME]: '"2026-01-02T03:04:05Z"',
      [A.OBSERVATION_PROMPT_NAME]: "p",
      [A.OBSERVATION_PROMPT_VERSION]: 1,
      [A.VERSION]: "v",
      [A.ENVIRONMENT]: "prod",
      [A.RELEASE]: "r",
      [A.TRACE_NAME]: "t",
      [A.TRACE_USER_ID]: "u",
      [A.TRACE_SESSION_ID]: "s",
      [A.TRACE_TAGS]: ["x"],
      [A.TRACE_PUBLIC]: true,
      [A.TRACE_INPUT]: "ti",
      [A.TRACE_OUTPUT]: "to",
      [A.TRACE_METADATA]: '{"c":3}',
      [`${A.TRACE_METADATA_PREFIX}d`]: "4",
      [A.APP_ROOT]: true,
      [A.TRUNCATED_KEYS]: "[]",
    });
    assert.deepEqual(o.metadata, { a: 1, b: 2, [A.TRUNCATED_KEYS]: [] });
    assert.deepEqual(o.trace.metadata, { c: 3, d: 4 });
  });

  it("keep what no rule used under metadata.attributes, as sent, for other instrumentations", () => {
    const o = map({ "http.route": "/chat", "db.rows": 3, "payload": '{"not":"parsed"}', [A.OBSERVATION_LEVEL]: "WARNING" });
    assert.deepEqual(o.metadata.attributes, { "http.route": "/chat", "db.rows": 3, payload: '{"not":"parsed"}' });
  });

  it("are not added for spans of the Langfuse-compatible SDKs", () => {
    const o = mapSpan(sdkSpan({ "custom.key": "x", [A.OBSERVATION_METADATA]: '{"a":1}' }, { events: [event("exception", { "exception.message": "m" })] }));
    assert.deepEqual(o.metadata, { a: 1 });
  });

  it("move aside when the user's metadata already has 'attributes' or 'events'", () => {
    const o = map({ [A.OBSERVATION_METADATA]: '{"attributes":"mine","events":1}', "x.y": "z" }, { events: [event("e")] });
    assert.equal(o.metadata.attributes, "mine");
    assert.equal(o.metadata.events, 1);
    assert.deepEqual(o.metadata["otel.attributes"], { "x.y": "z" });
    assert.deepEqual(o.metadata["otel.events"], [{ name: "e", timeUnixNano: "1767323045123456789", attributes: {} }]);
  });

  it("keep an attribute named __proto__ as data", () => {
    const attributes: AttributeMap = {};
    Object.defineProperty(attributes, "__proto__", { value: "v", enumerable: true, writable: true, configurable: true });
    const leftovers = map(attributes).metadata.attributes as Record<string, unknown>;
    assert.equal(Object.getOwnPropertyDescriptor(leftovers, "__proto__")?.value, "v");
  });
});
