import { describe, it, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { SpanStatusCode } from "@opentelemetry/api";
import {
  METADATA_FLATTEN_MAX_KEYS,
  OBSERVATION_TYPES,
  SightlineAttributes as A,
  getActiveObservationId,
  getActiveSpanId,
  getActiveTraceId,
  setActiveTraceAsPublic,
  setActiveTraceIO,
  startActiveObservation,
  startObservation,
  updateActiveObservation,
  updateActiveTrace,
} from "@sightline/tracing";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { byName, captureLogs, recordSpans, takeSpans, trees } from "./support/in-memory.js";

before(() => recordSpans());
beforeEach(() => takeSpans());

function assertError(span: ReadableSpan, message: string): void {
  assert.equal(span.attributes[A.OBSERVATION_LEVEL], "ERROR", span.name);
  assert.equal(span.attributes[A.OBSERVATION_STATUS_MESSAGE], message, span.name);
  assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message }, span.name);
}

describe("observation types", () => {
  it("creates each of the ten types through asType, for manual and active observations", () => {
    for (const type of OBSERVATION_TYPES) {
      startObservation(`manual-${type}`, {}, { asType: type }).end();
      startActiveObservation(`active-${type}`, () => undefined, { asType: type });
    }
    const spans = takeSpans();
    assert.equal(spans.length, 20);
    for (const type of OBSERVATION_TYPES) {
      assert.equal(byName(spans, `manual-${type}`).attributes[A.OBSERVATION_TYPE], type);
      assert.equal(byName(spans, `active-${type}`).attributes[A.OBSERVATION_TYPE], type);
    }
  });

  it("ends an event where it starts, and only once", () => {
    const start = new Date(Date.now() - 5000);
    const event = startObservation("evt", { input: "x" }, { asType: "event", startTime: start });
    assert.ok(event.isEnded);
    event.end();
    startActiveObservation("active-evt", (e) => e.update({ output: "ignored" }), { asType: "event" });
    const spans = takeSpans();
    assert.equal(spans.length, 2);
    const span = byName(spans, "evt");
    assert.deepEqual(span.startTime, span.endTime);
    assert.equal(span.startTime[0], Math.floor(start.getTime() / 1000));
  });

  it("writes every generation field in the wire format", () => {
    const completion = new Date("2026-11-24T23:18:48.593Z");
    startObservation(
      "gen",
      {
        model: "gpt-4o",
        modelParameters: { temperature: 0.2, max_tokens: 100 },
        usageDetails: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        costDetails: { input: 0.0001, output: 0.0002 },
        completionStartTime: completion,
        prompt: { name: "qa", version: 3 },
        input: [{ role: "user", content: "hi" }],
        output: { content: "hello" },
        metadata: { a: "x", b: { nested: [1] } },
        level: "WARNING",
        statusMessage: "slow",
        version: "v2",
        environment: "staging",
      },
      { asType: "generation" },
    ).end();
    const attrs = byName(takeSpans(), "gen").attributes;
    assert.deepEqual(attrs, {
      [A.OBSERVATION_TYPE]: "generation",
      [A.OBSERVATION_MODEL]: "gpt-4o",
      [A.OBSERVATION_MODEL_PARAMETERS]: '{"temperature":0.2,"max_tokens":100}',
      [A.OBSERVATION_USAGE_DETAILS]: '{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}',
      [A.OBSERVATION_COST_DETAILS]: '{"input":0.0001,"output":0.0002}',
      [A.OBSERVATION_COMPLETION_START_TIME]: '"2026-11-24T23:18:48.593Z"',
      [A.OBSERVATION_PROMPT_NAME]: "qa",
      [A.OBSERVATION_PROMPT_VERSION]: 3,
      [A.OBSERVATION_INPUT]: '[{"role":"user","content":"hi"}]',
      [A.OBSERVATION_OUTPUT]: '{"content":"hello"}',
      [`${A.OBSERVATION_METADATA_PREFIX}a`]: "x",
      [`${A.OBSERVATION_METADATA_PREFIX}b`]: '{"nested":[1]}',
      [A.OBSERVATION_LEVEL]: "WARNING",
      [A.OBSERVATION_STATUS_MESSAGE]: "slow",
      [A.VERSION]: "v2",
      [A.ENVIRONMENT]: "staging",
    });
  });

  it("does not link fallback prompts", () => {
    startObservation("g", { prompt: { name: "p", version: 1, isFallback: true } }, { asType: "generation" }).end();
    assert.equal(byName(takeSpans(), "g").attributes[A.OBSERVATION_PROMPT_NAME], undefined);
  });

  it("sends large metadata whole as one JSON attribute instead of losing keys to attribute limits", () => {
    const metadata = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key${i}`, i]));
    startObservation("big", { metadata }).end();
    const span = byName(takeSpans(), "big");
    assert.ok(300 > METADATA_FLATTEN_MAX_KEYS);
    assert.deepEqual(JSON.parse(span.attributes[A.OBSERVATION_METADATA] as string), metadata);
    assert.equal(span.droppedAttributesCount, 0);
  });

  it("serialises circular and BigInt values instead of losing them", () => {
    const input: Record<string, unknown> = { id: 10n, name: "loop" };
    input.self = input;
    startObservation("odd", { input }).end();
    assert.equal(byName(takeSpans(), "odd").attributes[A.OBSERVATION_INPUT], '{"id":"10","name":"loop","self":"[Circular]"}');
  });
});

describe("update", () => {
  it("is chainable and the last write of a field wins", () => {
    const obs = startObservation("u", { input: "first" });
    obs.update({ input: "second" }).update({ output: "out", metadata: { k: "v" } }).end();
    const attrs = byName(takeSpans(), "u").attributes;
    assert.equal(attrs[A.OBSERVATION_INPUT], "second");
    assert.equal(attrs[A.OBSERVATION_OUTPUT], "out");
    assert.equal(attrs[`${A.OBSERVATION_METADATA_PREFIX}k`], "v");
  });

  it("warns once when an observation is updated after it ended", async () => {
    const { lines } = await captureLogs(() => {
      const obs = startObservation("late");
      obs.end();
      obs.update({ output: "lost?" });
      obs.update({ output: "again" });
    });
    assert.equal(byName(takeSpans(), "late").attributes[A.OBSERVATION_OUTPUT], undefined);
    assert.equal(lines.filter((l) => /after end\(\)/.test(l)).length, 1);
  });

  it("updates the active observation, and its type with asType", () => {
    startActiveObservation("data-processing", () => {
      updateActiveObservation({ metadata: { step1_complete: true } });
      updateActiveObservation({ model: "gpt-5-mini", usageDetails: { input: 5 } }, { asType: "generation" });
    });
    const attrs = byName(takeSpans(), "data-processing").attributes;
    assert.equal(attrs[`${A.OBSERVATION_METADATA_PREFIX}step1_complete`], "true");
    assert.equal(attrs[A.OBSERVATION_TYPE], "generation");
    assert.equal(attrs[A.OBSERVATION_MODEL], "gpt-5-mini");
  });

  it("warns instead of throwing when no observation is active", async () => {
    const { lines } = await captureLogs(() => {
      updateActiveObservation({ output: "x" });
      updateActiveTrace({ name: "x" });
      setActiveTraceIO({ input: 1 });
      setActiveTraceAsPublic();
    });
    assert.equal(lines.filter((l) => /no active observation/.test(l)).length, 4);
  });
});

describe("trace-level fields", () => {
  it("sets name, user, session, tags, metadata, version, release, environment, public and IO", () => {
    startActiveObservation("root", (root) => {
      root.updateTrace({
        name: "checkout",
        userId: "u1",
        sessionId: "s1",
        tags: ["t1"],
        metadata: { region: "eu" },
        version: "2.1",
        release: "r-9",
        environment: "production",
        public: true,
      });
      updateActiveTrace({ input: { q: "question" } });
      root.setTraceIO({ output: { a: "answer" } });
    });
    assert.deepEqual(byName(takeSpans(), "root").attributes, {
      [A.OBSERVATION_TYPE]: "span",
      [A.TRACE_NAME]: "checkout",
      [A.TRACE_USER_ID]: "u1",
      [A.TRACE_SESSION_ID]: "s1",
      [A.TRACE_TAGS]: ["t1"],
      [`${A.TRACE_METADATA_PREFIX}region`]: "eu",
      [A.VERSION]: "2.1",
      [A.RELEASE]: "r-9",
      [A.ENVIRONMENT]: "production",
      [A.TRACE_PUBLIC]: true,
      [A.TRACE_INPUT]: '{"q":"question"}',
      [A.TRACE_OUTPUT]: '{"a":"answer"}',
    });
  });

  it("writes trace IO and public through the deprecated active helpers", () => {
    startActiveObservation("r", () => {
      setActiveTraceIO({ input: "in", output: "out" });
      setActiveTraceAsPublic();
    });
    const attrs = byName(takeSpans(), "r").attributes;
    assert.equal(attrs[A.TRACE_INPUT], "in");
    assert.equal(attrs[A.TRACE_OUTPUT], "out");
    assert.equal(attrs[A.TRACE_PUBLIC], true);
  });
});

describe("errors", () => {
  it("records a sync throw in startActiveObservation on every channel, ends and rethrows", () => {
    assert.throws(
      () =>
        startActiveObservation("sync-fail", () => {
          throw new TypeError("bad input");
        }),
      /bad input/,
    );
    const span = byName(takeSpans(), "sync-fail");
    assertError(span, "bad input");
    assert.equal(span.events[0]?.name, "exception");
    assert.equal(span.events[0]?.attributes?.["exception.type"], "TypeError");
  });

  it("records a rejection in startActiveObservation the same way", async () => {
    await assert.rejects(
      startActiveObservation("async-fail", async () => {
        await Promise.resolve();
        throw new Error("timeout");
      }),
      /timeout/,
    );
    assertError(byName(takeSpans(), "async-fail"), "timeout");
  });

  it("records non-Error throws with a readable message", () => {
    assert.throws(() => startActiveObservation("string-throw", () => {
      throw "plain string";
    }));
    assertError(byName(takeSpans(), "string-throw"), "plain string");
  });

  it("sets the span status when level ERROR is set by update, updateActiveObservation or recordError", () => {
    startObservation("by-update").update({ level: "ERROR", statusMessage: "rate limited" }).end();
    startActiveObservation("by-active", () => updateActiveObservation({ level: "ERROR", statusMessage: "refused" }));
    startObservation("by-record").recordError(new Error("boom")).end();
    startObservation("at-start", { level: "ERROR", statusMessage: "from start" }).end();
    const spans = takeSpans();
    assertError(byName(spans, "by-update"), "rate limited");
    assertError(byName(spans, "by-active"), "refused");
    assertError(byName(spans, "by-record"), "boom");
    assertError(byName(spans, "at-start"), "from start");
  });
});

describe("active observation and ids", () => {
  it("exposes the active trace and observation ids", () => {
    let seen: unknown[] = [];
    startActiveObservation("my-op", (op) => {
      seen = [getActiveTraceId(), getActiveSpanId(), getActiveObservationId(), op.traceId, op.id];
    });
    assert.match(String(seen[0]), /^[0-9a-f]{32}$/);
    assert.match(String(seen[1]), /^[0-9a-f]{16}$/);
    assert.deepEqual(seen, [seen[3], seen[4], seen[4], seen[3], seen[4]]);
    assert.equal(getActiveTraceId(), undefined);
    takeSpans();
  });

  it("does not make manual observations active, but their own children nest under them", () => {
    startActiveObservation("main", () => {
      const manual = startObservation("manual");
      assert.notEqual(getActiveSpanId(), manual.id);
      manual.startActiveObservation("manual-child", () => {
        startObservation("grandchild").end();
      });
      startObservation("sibling").end();
      manual.end();
    });
    assert.deepEqual(trees(takeSpans()), [
      {
        name: "main",
        type: "span",
        children: [
          {
            name: "manual",
            type: "span",
            children: [{ name: "manual-child", type: "span", children: [{ name: "grandchild", type: "span", children: [] }] }],
          },
          { name: "sibling", type: "span", children: [] },
        ],
      },
    ]);
  });

  it("accepts startTime for children started from an observation", () => {
    const parent = startObservation("p");
    const start = new Date(Date.now() - 60_000);
    parent.startObservation("back-dated", {}, { startTime: start }).end();
    parent.end();
    assert.equal(byName(takeSpans(), "back-dated").startTime[0], Math.floor(start.getTime() / 1000));
  });

  it("keeps endOnExit: false observations open", async () => {
    const obs = await startActiveObservation("long", async (o) => o, { endOnExit: false });
    assert.equal(takeSpans().length, 0);
    obs.end();
    assert.equal(takeSpans().length, 1);
  });

  it("sets start attributes through the attributes option", () => {
    startActiveObservation("with-attrs", () => undefined, {
      asType: "generation",
      attributes: { input: { prompt: "Why is the sky blue?" }, model: "gpt-5-mini" },
    });
    const attrs = byName(takeSpans(), "with-attrs").attributes;
    assert.equal(attrs[A.OBSERVATION_MODEL], "gpt-5-mini");
    assert.equal(attrs[A.OBSERVATION_INPUT], '{"prompt":"Why is the sky blue?"}');
  });
});
