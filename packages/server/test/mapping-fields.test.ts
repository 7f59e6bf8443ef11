// Observation fields other than type, input/output, usage and metadata: ids and times, name,
// environment/version/release, level and status, completion start, model, parameters, prompt, roots.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_IDENTIFIER_CHARS, boundIdentifier, mapSpan, normalizeEnvironment } from "@sightline/server";
import type { AttributeMap } from "@sightline/server";
import { SightlineAttributes as A } from "@sightline/core";
import { END_NS, PARENT_ID, SPAN_ID, START_NS, TRACE_ID, event, sdkSpan, span } from "./fixtures/mapping/span-factory.js";

const map = (attributes: AttributeMap, init: Parameters<typeof span>[0] = {}) => mapSpan(span({ ...init, attributes }));

describe("ids and times", () => {
  it("keeps ids, the parent id and nanosecond times exactly as decoded", () => {
    const o = map({});
    assert.equal(o.id, SPAN_ID);
    assert.equal(o.traceId, TRACE_ID);
    assert.equal(o.parentObservationId, PARENT_ID);
    assert.equal(o.startTimeNs, START_NS);
    assert.equal(o.endTimeNs, END_NS);
    assert.equal(o.startTimeNs % 1_000_000n, 456_789n, "sub-millisecond digits survive");
  });

  it("has no end time when the span reports none (0)", () => {
    assert.equal(map({}, { endTimeUnixNano: 0n }).endTimeNs, null);
  });

  it("keeps the resource attributes and the scope name and version", () => {
    const o = mapSpan(span({ resource: { "service.name": "api" }, scope: { name: "my-lib", version: "1.2.3", attributes: {} } }));
    assert.deepEqual(o.resourceAttributes, { "service.name": "api" });
    assert.deepEqual(o.scope, { name: "my-lib", version: "1.2.3" });
    assert.deepEqual(mapSpan(span({ scope: "no-version" })).scope, { name: "no-version" });
  });

  it("does not modify the span it maps", () => {
    const s = span({ attributes: { [A.OBSERVATION_INPUT]: '{"a":1}', "x.y": "z" } });
    const before = structuredClone(s);
    mapSpan(s);
    assert.deepEqual(s, before);
  });
});

describe("app roots", () => {
  it("is a root without a parent, or with an empty parent id", () => {
    assert.equal(map({}, { parentSpanId: undefined }).isAppRoot, true);
    const empty = map({}, { parentSpanId: "" });
    assert.equal(empty.isAppRoot, true);
    assert.equal(empty.parentObservationId, null);
  });

  it("is not a root with a parent, unless an exporter marked it", () => {
    assert.equal(map({}).isAppRoot, false);
    assert.equal(map({ [A.APP_ROOT]: true }).isAppRoot, true);
    assert.equal(map({ [A.APP_ROOT]: "true" }).isAppRoot, true);
    assert.equal(map({ "langfuse.internal.as_root": true }).isAppRoot, true);
    assert.equal(map({ [A.APP_ROOT]: false }).isAppRoot, false);
  });
});

describe("name", () => {
  it("is the span name by default", () => {
    assert.equal(map({}).name, "test-span");
  });

  it("prefers the GenAI tool name, the Genkit name, the Logfire message and the Vercel tool name, in that order", () => {
    assert.equal(map({ "gen_ai.tool.name": "search", "logfire.msg": "m" }).name, "search");
    assert.equal(map({ "genkit:name": "flow", "logfire.msg": "m" }).name, "flow");
    assert.equal(map({ "logfire.msg": "running agent", "ai.toolCall.name": "t" }).name, "running agent");
    assert.equal(map({ "ai.toolCall.name": "weather", "ai.operationId": "ai.toolCall" }).name, "weather");
  });

  it("names a Vercel AI SDK span after its operation, prefixed by the telemetry function id", () => {
    assert.equal(map({ "ai.operationId": "ai.generateText" }).name, "ai.generateText");
    assert.equal(map({ "ai.operationId": "ai.generateText", "ai.telemetry.functionId": "summarise" }).name, "summarise:ai.generateText");
  });
});

describe("environment, version, release", () => {
  it("normalises environment names", () => {
    assert.equal(normalizeEnvironment("Production"), "production");
    assert.equal(normalizeEnvironment("langfuse-staging"), "staging");
    assert.equal(normalizeEnvironment("my env!"), "default");
    assert.equal(normalizeEnvironment("a".repeat(50)), "a".repeat(40));
    assert.equal(normalizeEnvironment(""), "default");
    assert.equal(normalizeEnvironment(undefined), "default");
  });

  it("is 'default' when nothing names one, and then says nothing about the trace", () => {
    const o = map({});
    assert.equal(o.environment, "default");
    assert.equal(o.trace.environment, undefined);
  });

  it("reads langfuse.environment, then deployment.environment.name, then deployment.environment; the span before its resource", () => {
    assert.equal(map({ [A.ENVIRONMENT]: "prod" }, { resource: { [A.ENVIRONMENT]: "dev" } }).environment, "prod");
    assert.equal(map({}, { resource: { [A.ENVIRONMENT]: "dev" } }).environment, "dev");
    assert.equal(map({}, { resource: { "deployment.environment.name": "Staging" } }).environment, "staging");
    assert.equal(map({ "deployment.environment": "qa" }).environment, "qa");
    assert.equal(
      map({ "deployment.environment.name": "span-level" }, { resource: { [A.ENVIRONMENT]: "resource-level" } }).environment,
      "resource-level",
      "an earlier key on the resource beats a later key on the span",
    );
    assert.equal(map({ [A.ENVIRONMENT]: "prod" }).trace.environment, "prod");
  });

  it("reads the version from langfuse.version, else the resource's service.version, and tells the trace", () => {
    const o = map({ [A.VERSION]: "2.0" }, { resource: { "service.version": "1.0" } });
    assert.equal(o.version, "2.0");
    assert.equal(o.trace.version, "2.0");
    assert.equal(map({}, { resource: { "service.version": "1.0" } }).version, "1.0");
    assert.equal(map({}).version, null);
  });

  it("reads the release from the span or its resource, for the trace", () => {
    assert.equal(map({ [A.RELEASE]: "r1" }).trace.release, "r1");
    assert.equal(map({}, { resource: { [A.RELEASE]: "r2" } }).trace.release, "r2");
    assert.equal(map({}).trace.release, undefined);
  });
});

describe("level and status message", () => {
  it("maps level names and aliases in any case", () => {
    const aliases: Record<string, string> = {
      DEBUG: "DEBUG",
      trace: "DEBUG",
      verbose: "DEBUG",
      DEFAULT: "DEFAULT",
      info: "DEFAULT",
      log: "DEFAULT",
      notice: "DEFAULT",
      ok: "DEFAULT",
      success: "DEFAULT",
      warn: "WARNING",
      Warning: "WARNING",
      error: "ERROR",
      fatal: "ERROR",
      critical: "ERROR",
    };
    for (const [given, level] of Object.entries(aliases)) assert.equal(map({ [A.OBSERVATION_LEVEL]: given }).level, level, given);
  });

  it("is DEFAULT without a level, and ERROR with the status message when the OpenTelemetry status is ERROR", () => {
    assert.equal(map({}).level, "DEFAULT");
    const failed = map({}, { status: { code: 2, message: "boom" } });
    assert.equal(failed.level, "ERROR");
    assert.equal(failed.statusMessage, "boom");
  });

  it("lets an explicit level win over the status, and ignores a level it does not know", () => {
    assert.equal(map({ [A.OBSERVATION_LEVEL]: "WARNING" }, { status: { code: 2, message: "x" } }).level, "WARNING");
    assert.equal(map({ [A.OBSERVATION_LEVEL]: "banana" }, { status: { code: 2 } }).level, "ERROR");
    assert.equal(map({ [A.OBSERVATION_LEVEL]: "banana" }).level, "DEFAULT");
  });

  it("prefers langfuse.observation.status_message over the OpenTelemetry status message", () => {
    const o = map({ [A.OBSERVATION_STATUS_MESSAGE]: "rate limited" }, { status: { code: 2, message: "429" } });
    assert.equal(o.statusMessage, "rate limited");
    assert.equal(map({}, { status: { code: 1, message: "" } }).statusMessage, null);
  });

  it("falls back to the exception event's message for a failed span without a message", () => {
    const exception = event("exception", { "exception.type": "TypeError", "exception.message": "x is undefined" });
    assert.equal(map({}, { status: { code: 2 }, events: [exception] }).statusMessage, "x is undefined");
    const typeOnly = event("exception", { "exception.type": "TypeError" });
    assert.equal(map({}, { status: { code: 2 }, events: [typeOnly] }).statusMessage, "TypeError");
    assert.equal(map({}, { events: [exception] }).statusMessage, null, "not for a span that did not fail");
  });
});

describe("completion start time", () => {
  const iso = "2026-01-02T03:04:05.223456789Z";
  const expected = START_NS + 100_000_000n;

  it("reads the JSON-quoted ISO string the SDKs send, keeping nanoseconds", () => {
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: JSON.stringify(iso) }).completionStartTimeNs, expected);
  });

  it("reads a double-encoded, an unquoted and an offset ISO string", () => {
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: JSON.stringify(JSON.stringify(iso)) }).completionStartTimeNs, expected);
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: iso }).completionStartTimeNs, expected);
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: "2026-01-02T05:04:05.223456789+02:00" }).completionStartTimeNs, expected);
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: "2026-01-02T01:34:05.223456789-0130" }).completionStartTimeNs, expected);
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: "2026-01-02T03:04:05.5Z" }).completionStartTimeNs, START_NS - 123_456_789n + 500_000_000n);
  });

  it("reads epoch numbers by magnitude", () => {
    const ms = Number((START_NS + 100_000_000n) / 1_000_000n);
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: ms }).completionStartTimeNs, BigInt(ms) * 1_000_000n);
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: String(ms) }).completionStartTimeNs, BigInt(ms) * 1_000_000n);
  });

  it("reads epoch seconds, microseconds and nanoseconds by magnitude too", () => {
    const at = (value: number | string) => map({ [A.OBSERVATION_COMPLETION_START_TIME]: value }).completionStartTimeNs;
    assert.equal(at(1_767_323_045.5), 1_767_323_045_500_000_000n);
    assert.equal(at(1_767_323_045_123_456), 1_767_323_045_123_456_000n);
    assert.equal(at("1767323045123456789"), 1_767_323_045_123_456_789n, "nanoseconds as text, exactly");
    assert.equal(at(Number("1767323045123456789")), 1_767_323_045_123_456_768n, "nanoseconds as a number, as exactly as a double holds them");
  });

  it("accepts other date formats at millisecond precision", () => {
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: "Fri, 02 Jan 2026 03:04:05 GMT" }).completionStartTimeNs, 1_767_323_045_000_000_000n);
  });

  it("is null for an unreadable value", () => {
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: '"not a date"' }).completionStartTimeNs, null);
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: "2026-13-02T03:04:05Z" }).completionStartTimeNs, null);
    assert.equal(map({ [A.OBSERVATION_COMPLETION_START_TIME]: -5 }).completionStartTimeNs, null);
    assert.equal(map({}).completionStartTimeNs, null);
  });

  it("is the start plus the Vercel AI SDK's milliseconds to first chunk", () => {
    assert.equal(map({ "ai.response.msToFirstChunk": 250.5 }).completionStartTimeNs, START_NS + 250_500_000n);
    assert.equal(map({ "ai.stream.msToFirstChunk": 12 }).completionStartTimeNs, START_NS + 12_000_000n);
  });
});

describe("model", () => {
  it("reads the model name keys in order", () => {
    const keys = [A.OBSERVATION_MODEL, "gen_ai.response.model", "ai.model.id", "gen_ai.request.model", "llm.response.model", "llm.model_name", "model"];
    for (let i = 0; i < keys.length; i++) {
      const attrs: AttributeMap = {};
      for (const k of keys.slice(i)) attrs[k] = `from ${k}`;
      assert.equal(map(attrs).model, `from ${keys[i]}`);
    }
    assert.equal(map({}).model, null);
  });

  it("names a Genkit model span's model after the action", () => {
    assert.equal(map({ "genkit:metadata:subtype": "model", "genkit:name": "googleai/gemini-2.0-flash" }).model, "googleai/gemini-2.0-flash");
    assert.equal(map({ "genkit:metadata:subtype": "tool", "genkit:name": "lookup" }).model, null);
  });

  it("has no model parameters when none are given", () => {
    assert.equal(map({}).modelParameters, null);
  });

  it("reads the explicit parameters object, keeping value types", () => {
    const o = map({ [A.OBSERVATION_MODEL_PARAMETERS]: '{"temperature":0.2,"stream":true,"stop":["\\n"]}' });
    assert.deepEqual(o.modelParameters, { temperature: 0.2, stream: true, stop: ["\n"] });
  });

  it("collects gen_ai.request.* (without the model), Vercel settings and tool choice, and OpenInference parameters", () => {
    assert.deepEqual(map({ "gen_ai.request.model": "m", "gen_ai.request.temperature": 0.5, "gen_ai.request.max_tokens": 100 }).modelParameters, {
      temperature: 0.5,
      max_tokens: 100,
    });
    assert.deepEqual(map({ "ai.settings.maxRetries": 2, "ai.prompt.toolChoice": '{"type":"auto"}' }).modelParameters, {
      maxRetries: 2,
      toolChoice: { type: "auto" },
    });
    assert.deepEqual(map({ "llm.invocation_parameters": '{"temperature":0.1}' }).modelParameters, { temperature: 0.1 });
    assert.deepEqual(map({ "llm.invocation_parameters.top_p": 0.9 }).modelParameters, { top_p: 0.9 });
    assert.deepEqual(map({ model_config: '{"seed":7}' }).modelParameters, { seed: 7 });
  });

  it("lets the explicit parameters win over OpenInference's, and those over gen_ai.request.*", () => {
    const o = map({
      "gen_ai.request.temperature": 0.9,
      "gen_ai.request.top_k": 5,
      "llm.invocation_parameters": '{"temperature":0.5,"top_p":0.8}',
      [A.OBSERVATION_MODEL_PARAMETERS]: '{"temperature":0.1}',
    });
    assert.deepEqual(o.modelParameters, { temperature: 0.1, top_k: 5, top_p: 0.8 });
  });
});

describe("prompt", () => {
  it("links the prompt name and integer version", () => {
    const o = mapSpan(sdkSpan({ [A.OBSERVATION_PROMPT_NAME]: "qa", [A.OBSERVATION_PROMPT_VERSION]: 3 }));
    assert.equal(o.promptName, "qa");
    assert.equal(o.promptVersion, 3);
    assert.equal(map({ [A.OBSERVATION_PROMPT_NAME]: "qa", [A.OBSERVATION_PROMPT_VERSION]: "4" }).promptVersion, 4);
    assert.equal(map({ [A.OBSERVATION_PROMPT_NAME]: "qa", [A.OBSERVATION_PROMPT_VERSION]: "4.5" }).promptVersion, null);
  });

  it("reads the older langfuse.prompt.* keys and the Vercel AI SDK's langfusePrompt metadata", () => {
    const compat = map({ "langfuse.prompt.name": "old", "langfuse.prompt.version": 2 });
    assert.deepEqual([compat.promptName, compat.promptVersion], ["old", 2]);
    const vercel = map({ "ai.telemetry.metadata.langfusePrompt": '{"name":"vp","version":5,"isFallback":false}' });
    assert.deepEqual([vercel.promptName, vercel.promptVersion], ["vp", 5]);
    assert.equal(vercel.metadata.langfusePrompt, undefined, "the prompt is a field, not metadata");
    assert.deepEqual([map({}).promptName, map({}).promptVersion], [null, null]);
  });
});

describe("identifier lengths", () => {
  const long = (c: string) => c.repeat(5_000);

  it("cuts a longer value to MAX_IDENTIFIER_CHARS with a visible mark, keeps a value of that length, and never splits a surrogate pair", () => {
    assert.equal(MAX_IDENTIFIER_CHARS, 200);
    const exact = "u".repeat(200);
    assert.equal(boundIdentifier(exact), exact);
    const cut = boundIdentifier(long("a"));
    assert.equal(cut, `${"a".repeat(199)}…`);
    // 198 code units, then an emoji (a surrogate pair) would end at 200: the pair is dropped whole.
    const emoji = boundIdentifier(`${"b".repeat(198)}😀${long("c")}`);
    assert.equal(emoji, `${"b".repeat(198)}…`);
    assert.ok(!/[\uD800-\uDBFF]…$/.test(emoji));
  });

  it("cuts every identifier a span carries: names, user and session, model, version, release, prompt and each tag", () => {
    const o = map(
      {
        [A.TRACE_NAME]: long("n"),
        [A.TRACE_USER_ID]: long("u"),
        [A.TRACE_SESSION_ID]: long("s"),
        [A.OBSERVATION_MODEL]: long("m"),
        [A.VERSION]: long("v"),
        [A.RELEASE]: long("r"),
        [A.OBSERVATION_PROMPT_NAME]: long("p"),
        [A.OBSERVATION_PROMPT_VERSION]: 1,
        [A.TRACE_TAGS]: [`${long("t")}1`, `${long("t")}2`, "short"],
      },
      { name: long("o") },
    );
    const cut = (c: string) => `${c.repeat(199)}…`;
    assert.equal(o.name, cut("o"));
    assert.equal(o.model, cut("m"));
    assert.equal(o.version, cut("v"));
    assert.equal(o.promptName, cut("p"));
    assert.equal(o.trace.name, cut("n"));
    assert.equal(o.trace.userId, cut("u"));
    assert.equal(o.trace.sessionId, cut("s"));
    assert.equal(o.trace.version, cut("v"));
    assert.equal(o.trace.release, cut("r"));
    assert.deepEqual(o.trace.tags, [cut("t"), "short"], "two tags equal once cut are one tag");
  });

  it("replaces NUL characters in identifiers and the status message with U+FFFD, and keeps tags that then differ apart", () => {
    assert.equal(boundIdentifier("a\u0000b"), "a\uFFFDb");
    const o = map({ [A.TRACE_USER_ID]: "u\u0000", [A.TRACE_TAGS]: ["t\u0000", "t"], [A.OBSERVATION_STATUS_MESSAGE]: "bad\u0000" }, { name: "n\u0000" });
    assert.deepEqual([o.name, o.trace.userId, o.trace.tags, o.statusMessage], ["n\uFFFD", "u\uFFFD", ["t\uFFFD", "t"], "bad\uFFFD"]);
  });

  it("leaves values of ordinary length alone", () => {
    const o = map({ [A.TRACE_USER_ID]: "user-42", [A.TRACE_TAGS]: ["a", "b"], [A.OBSERVATION_MODEL]: "gpt-4o" }, { name: "llm-call" });
    assert.deepEqual([o.name, o.model, o.trace.userId, o.trace.tags], ["llm-call", "gpt-4o", "user-42", ["a", "b"]]);
  });
});
