// Wire compatibility with the real Langfuse SDK (@langfuse/tracing 5.11.1): the same calls run
// through @langfuse/tracing and through @sightline/tracing, and the spans they produce must carry
// the same attribute keys and values, names, parents and scope. SDK-level attributes only: the
// Langfuse *processor*'s `langfuse.internal.is_app_root` marker is ignored.
//
// Where we differ on purpose (docs/adr/0002-wire-compatibility.md), the test asserts the
// difference explicitly, so a change on either side is noticed.
import { describe, it, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { SpanStatusCode } from "@opentelemetry/api";
import type { AttributeValue } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import * as langfuse from "@langfuse/tracing";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import * as sightline from "@sightline/tracing";
import { SightlineAttributes as A, OBSERVATION_TYPES } from "@sightline/tracing";
import { captureLogs, recordSpans, takeSpans } from "./support/in-memory.js";

/**
 * The API both SDKs share, typed as ours. The Langfuse module is used through the same type: the
 * scenarios call only functions and options that exist, with the same meaning, in both.
 */
type Api = Pick<
  typeof sightline,
  | "startObservation"
  | "startActiveObservation"
  | "observe"
  | "updateActiveObservation"
  | "propagateAttributes"
  | "setActiveTraceIO"
  | "setActiveTraceAsPublic"
  | "getActiveSpanId"
>;
type SdkName = "langfuse" | "sightline";
const SDKS: Record<SdkName, Api> = {
  langfuse: langfuse as unknown as Api,
  sightline,
};

// Langfuse: its own provider, with a LangfuseSpanProcessor (which applies propagated attributes
// at span start) exporting to memory. Sightline: the global provider of the test support.
const langfuseExporter = new InMemorySpanExporter();
const langfuseProcessor = new LangfuseSpanProcessor({
  exporter: langfuseExporter,
  exportMode: "immediate",
  mediaUploadEnabled: false,
});

before(() => {
  recordSpans();
  langfuse.setLangfuseTracerProvider(
    new BasicTracerProvider({ spanProcessors: [langfuseProcessor], spanLimits: { attributeCountLimit: 1024 } }),
  );
});
beforeEach(async () => {
  takeSpans();
  await langfuseProcessor.forceFlush();
  langfuseExporter.reset();
});

/** A span as both SDKs must put it on the wire (ids and times aside). */
interface WireSpan {
  /** The parent's name when recorded in the same run, `remote <traceId>/<spanId>` when not, null for a root. */
  parent: string | null;
  scope: string;
  attributes: Record<string, AttributeValue | undefined>;
  status: { code: SpanStatusCode; message?: string };
  events: string[];
}

/** Keys the Langfuse span processor adds by itself (not the SDK). */
const PROCESSOR_KEYS: ReadonlySet<string> = new Set([A.APP_ROOT]);

function wire(spans: readonly ReadableSpan[]): Record<string, WireSpan> {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const out: Record<string, WireSpan> = {};
  for (const span of spans) {
    assert.ok(!(span.name in out), `span names must be unique in a scenario: ${span.name}`);
    const parentId = span.parentSpanContext?.spanId;
    const parent =
      parentId === undefined
        ? null
        : (byId.get(parentId)?.name ?? `remote ${span.spanContext().traceId}/${parentId}`);
    const attributes = Object.fromEntries(Object.entries(span.attributes).filter(([k]) => !PROCESSOR_KEYS.has(k)));
    const status: WireSpan["status"] = { code: span.status.code };
    if (span.status.message !== undefined) status.message = span.status.message;
    out[span.name] = { parent, scope: span.instrumentationScope.name, attributes, status, events: span.events.map((e) => e.name) };
  }
  return out;
}

async function record(sdk: SdkName, scenario: (api: Api) => unknown): Promise<Record<string, WireSpan>> {
  await scenario(SDKS[sdk]);
  if (sdk === "sightline") return wire(takeSpans());
  await langfuseProcessor.forceFlush();
  const spans = [...langfuseExporter.getFinishedSpans()];
  langfuseExporter.reset();
  return wire(spans);
}

/** Runs `scenario` through both SDKs. */
async function both(scenario: (api: Api) => unknown): Promise<{ langfuse: Record<string, WireSpan>; sightline: Record<string, WireSpan> }> {
  const lf = await record("langfuse", scenario);
  const sl = await record("sightline", scenario);
  assert.ok(Object.keys(lf).length > 0, "the scenario recorded spans");
  return { langfuse: lf, sightline: sl };
}

/** Runs `scenario` through both SDKs and asserts identical wire spans. */
async function assertSameWire(scenario: (api: Api) => unknown): Promise<Record<string, WireSpan>> {
  const { langfuse: lf, sightline: sl } = await both(scenario);
  assert.deepEqual(sl, lf);
  return sl;
}

const UNSET = { code: SpanStatusCode.UNSET };

describe("wire compatibility with @langfuse/tracing 5.11.1", () => {
  describe("observation types and names", () => {
    it("writes the same type attribute for every observation type, through startObservation, startActiveObservation and observe", async () => {
      const spans = await assertSameWire((sdk) => {
        for (const asType of OBSERVATION_TYPES) {
          const manual = sdk.startObservation(`manual ${asType}`, { input: { asType } }, { asType });
          if (asType !== "event") manual.end();
          sdk.startActiveObservation(`active ${asType}`, () => undefined, { asType });
          // Langfuse's observe() throws for "event" (see the deliberate differences below).
          if (asType !== "event") sdk.observe(() => asType, { name: `observed ${asType}`, asType })();
        }
      });
      assert.equal(Object.keys(spans).length, 3 * OBSERVATION_TYPES.length - 1);
      for (const asType of OBSERVATION_TYPES) {
        assert.equal(spans[`manual ${asType}`]?.attributes[A.OBSERVATION_TYPE], asType);
        assert.equal(spans[`active ${asType}`]?.attributes[A.OBSERVATION_TYPE], asType);
        if (asType !== "event") assert.equal(spans[`observed ${asType}`]?.attributes[A.OBSERVATION_OUTPUT], asType);
      }
    });

    it("defaults to span and keeps names verbatim, including unicode, spaces and the empty name", async () => {
      await assertSameWire((sdk) => {
        sdk.startObservation("").end();
        sdk.startObservation("naïve name / with spaces 🚀").end();
        sdk.startActiveObservation("  padded  ", () => undefined);
        sdk.observe(function namedByFunction() {})();
        sdk.observe(() => undefined)(); // an inline arrow has no name: "anonymous-function"
      });
    });

    it("uses the instrumentation scope name langfuse-sdk, with its own version", async () => {
      const spans = await assertSameWire((sdk) => sdk.startObservation("scoped").end());
      assert.equal(spans.scoped?.scope, "langfuse-sdk");
      takeSpans();
      sightline.startObservation("versioned").end();
      assert.equal(takeSpans()[0]?.instrumentationScope.version, "0.1.0"); // Langfuse writes "5.11.1"
    });

    it("links children to parents the same way: active context, manual children and parentSpanContext", async () => {
      const spans = await assertSameWire(async (sdk) => {
        await sdk.startActiveObservation("root", async (root) => {
          const manual = sdk.startObservation("manual child");
          const grandchild = manual.startObservation("manual grandchild", { input: "g" }, { asType: "tool" });
          grandchild.end();
          manual.end();
          await sdk.startActiveObservation("active child", async () => {
            sdk.startObservation("nested", {}, { asType: "generation" }).end();
          });
          root.update({ output: "done" });
        });
        sdk
          .startObservation(
            "joined",
            {},
            { parentSpanContext: { traceId: "abcdef1234567890abcdef1234567890", spanId: "fedcba0987654321", traceFlags: 1 } },
          )
          .end();
      });
      assert.equal(spans["manual grandchild"]?.parent, "manual child");
      assert.equal(spans.nested?.parent, "active child");
      assert.equal(spans.joined?.parent, "remote abcdef1234567890abcdef1234567890/fedcba0987654321");
    });
  });

  describe("observation attributes", () => {
    it("encodes input and output the same way: strings raw, everything else JSON, null and undefined omitted", async () => {
      const values: unknown[] = [
        "plain text",
        "",
        '{"already":"json"}',
        42,
        0,
        -1.5,
        true,
        false,
        null,
        undefined,
        [1, "two", { three: 3 }],
        { nested: { deep: [1, 2, { x: null }] } },
        new Date("2026-01-02T03:04:05.678Z"),
        "unicodé ✓ 🚀",
      ];
      const spans = await assertSameWire((sdk) => {
        values.forEach((value, i) => sdk.startObservation(`io ${i}`, { input: value, output: value }).end());
        values.forEach((value, i) =>
          sdk.startActiveObservation(`io updated ${i}`, (obs) => {
            obs.update({ input: value });
            obs.update({ output: value });
          }),
        );
      });
      assert.equal(spans["io 0"]?.attributes[A.OBSERVATION_INPUT], "plain text");
      assert.equal(spans["io 3"]?.attributes[A.OBSERVATION_OUTPUT], "42");
      assert.equal(spans["io 8"]?.attributes[A.OBSERVATION_INPUT], undefined);
      assert.equal(spans["io 12"]?.attributes[A.OBSERVATION_INPUT], '"2026-01-02T03:04:05.678Z"');
    });

    it("omits values JSON cannot represent (a function, a symbol), like Langfuse, instead of sending a function's source code", async () => {
      const spans = await assertSameWire((sdk) => {
        const callback = function computeSecretScore(x: number) {
          return x * 42;
        };
        sdk.startObservation("function input", { input: callback, output: Symbol("result") }).end();
        sdk.startObservation("function metadata", { metadata: { callback, kept: "yes" } }).end();
        // The common case: an observed function whose single argument is a callback.
        sdk.observe((fn: (x: number) => number) => fn(1), { name: "callback argument" })(callback);
      });
      assert.equal(spans["function input"]?.attributes[A.OBSERVATION_INPUT], undefined);
      assert.equal(spans["function input"]?.attributes[A.OBSERVATION_OUTPUT], undefined);
      assert.equal(spans["callback argument"]?.attributes[A.OBSERVATION_INPUT], undefined);
      assert.equal(spans["callback argument"]?.attributes[A.OBSERVATION_OUTPUT], "42");
    });

    it("writes generation fields the same way: model, modelParameters, usage (ours and OpenAI shapes), cost, completionStartTime, prompt", async () => {
      const completionStartTime = new Date("2026-11-24T23:18:48.593Z");
      const spans = await assertSameWire((sdk) => {
        sdk
          .startObservation(
            "full generation",
            {
              model: "gpt-4o",
              modelParameters: { temperature: 0.2, max_tokens: 100, stop: "###" },
              usageDetails: { input: 10, output: 5, total: 15, cache_read_input_tokens: 2 },
              costDetails: { input: 6e-8, output: 0.0003, total: 0.00030006 },
              completionStartTime,
              prompt: { name: "joke-prompt", version: 3, isFallback: false },
              input: [{ role: "user", content: "hi" }],
              output: { role: "assistant", content: "hello" },
            },
            { asType: "generation" },
          )
          .end();
        sdk
          .startObservation(
            "openai chat usage",
            {
              usageDetails: {
                prompt_tokens: 11,
                completion_tokens: 7,
                total_tokens: 18,
                prompt_tokens_details: { cached_tokens: 3, audio_tokens: 0 },
                completion_tokens_details: { reasoning_tokens: 4 },
              },
            },
            { asType: "generation" },
          )
          .end();
        sdk
          .startObservation(
            "openai responses usage",
            {
              usageDetails: {
                input_tokens: 20,
                output_tokens: 9,
                total_tokens: 29,
                input_tokens_details: { cached_tokens: 5 },
                output_tokens_details: { reasoning_tokens: 2 },
              },
            },
            { asType: "generation" },
          )
          .end();
        sdk
          .startObservation("fallback prompt", { prompt: { name: "local", version: 1, isFallback: true } }, { asType: "generation" })
          .end();
        sdk
          .startObservation("embedding call", { model: "text-embedding-3-small", usageDetails: { input: 8 } }, { asType: "embedding" })
          .end();
        const updated = sdk.startObservation("updated generation", { model: "first" }, { asType: "generation" });
        updated.update({ model: "second", completionStartTime, usageDetails: { output: 1 } });
        updated.end();
      });
      const full = spans["full generation"]!.attributes;
      assert.equal(full[A.OBSERVATION_MODEL], "gpt-4o");
      assert.equal(full[A.OBSERVATION_COMPLETION_START_TIME], '"2026-11-24T23:18:48.593Z"');
      assert.equal(full[A.OBSERVATION_PROMPT_NAME], "joke-prompt");
      assert.equal(full[A.OBSERVATION_PROMPT_VERSION], 3);
      assert.deepEqual(JSON.parse(String(full[A.OBSERVATION_COST_DETAILS])), { input: 6e-8, output: 0.0003, total: 0.00030006 });
      assert.equal(spans["fallback prompt"]!.attributes[A.OBSERVATION_PROMPT_NAME], undefined);
      assert.equal(spans["updated generation"]!.attributes[A.OBSERVATION_MODEL], "second");
    });

    it("flattens metadata one attribute per key the same way (strings raw, others JSON, null dropped)", async () => {
      const spans = await assertSameWire((sdk) => {
        sdk
          .startObservation("metadata", {
            metadata: {
              str: "s",
              num: 1,
              float: 0.5,
              yes: true,
              no: false,
              obj: { a: [1] },
              arr: [1, 2],
              nil: null,
              undef: undefined,
              "dotted.key": "d",
            },
          })
          .end();
        const merged = sdk.startObservation("metadata merged", { metadata: { first: 1, shared: "a" } });
        merged.update({ metadata: { second: 2, shared: "b" } });
        merged.end();
        // Non-object metadata goes whole to the bare key (the types forbid it; JS callers do it).
        sdk.startObservation("metadata array", { metadata: ["x", 1] as unknown as Record<string, unknown> }).end();
      });
      const m = spans.metadata!.attributes;
      assert.equal(m[`${A.OBSERVATION_METADATA_PREFIX}str`], "s");
      assert.equal(m[`${A.OBSERVATION_METADATA_PREFIX}num`], "1");
      assert.equal(m[`${A.OBSERVATION_METADATA_PREFIX}no`], "false");
      assert.equal(m[`${A.OBSERVATION_METADATA_PREFIX}obj`], '{"a":[1]}');
      assert.equal(m[`${A.OBSERVATION_METADATA_PREFIX}nil`], undefined);
      assert.equal(spans["metadata merged"]!.attributes[`${A.OBSERVATION_METADATA_PREFIX}shared`], "b");
      assert.equal(spans["metadata array"]!.attributes[A.OBSERVATION_METADATA], '["x",1]');
    });

    it("writes level, statusMessage, version and environment the same way (for levels other than ERROR)", async () => {
      const spans = await assertSameWire((sdk) => {
        sdk.startObservation("warning", { level: "WARNING", statusMessage: "slow", version: "v2", environment: "staging" }).end();
        const debug = sdk.startObservation("debug", { level: "DEBUG" });
        debug.update({ level: "DEFAULT", statusMessage: "fine", version: "v3" });
        debug.end();
      });
      assert.deepEqual(spans.warning?.status, UNSET);
      assert.equal(spans.warning?.attributes[A.OBSERVATION_LEVEL], "WARNING");
      assert.equal(spans.warning?.attributes[A.VERSION], "v2");
      assert.equal(spans.warning?.attributes[A.ENVIRONMENT], "staging");
      assert.equal(spans.debug?.attributes[A.OBSERVATION_LEVEL], "DEFAULT");
    });

    it("updateActiveObservation keeps the type without asType and changes it with asType", async () => {
      const spans = await assertSameWire(async (sdk) => {
        await sdk.startActiveObservation("kept type", async () => {
          sdk.updateActiveObservation({ output: "o", metadata: { k: "v" } });
        });
        await sdk.startActiveObservation(
          "changed type",
          async () => {
            sdk.updateActiveObservation({ model: "gpt-4o", usageDetails: { input: 1 } }, { asType: "generation" });
          },
          { asType: "span" },
        );
        await sdk.startActiveObservation(
          "kept tool",
          async () => {
            sdk.updateActiveObservation({ input: "i" });
          },
          { asType: "tool" },
        );
      });
      assert.equal(spans["kept type"]?.attributes[A.OBSERVATION_TYPE], "span");
      assert.equal(spans["changed type"]?.attributes[A.OBSERVATION_TYPE], "generation");
      assert.equal(spans["kept tool"]?.attributes[A.OBSERVATION_TYPE], "tool");
    });

    it("ignores updates after end() in both SDKs", async () => {
      const spans = await assertSameWire((sdk) => {
        const obs = sdk.startObservation("ended", { output: "before" });
        obs.end();
        obs.update({ output: "after" });
      });
      assert.equal(spans.ended?.attributes[A.OBSERVATION_OUTPUT], "before");
    });
  });

  describe("trace attributes", () => {
    it("propagateAttributes writes user, session, version, trace name, tags and metadata on the active and every new observation", async () => {
      const spans = await assertSameWire(async (sdk) => {
        await sdk.startActiveObservation("outer", async () => {
          await sdk.propagateAttributes(
            {
              userId: "user_123",
              sessionId: "session_abc",
              version: "1.0",
              traceName: "my-trace",
              tags: ["a", "b"],
              metadata: { experiment: "variant_a", env: "prod" },
            },
            async () => {
              sdk.startObservation("manual inside", { input: "x" }).end();
              await sdk.startActiveObservation("active inside", async () => undefined, { asType: "agent" });
              sdk.observe(() => "r", { name: "observed inside" })();
            },
          );
        });
        sdk.startObservation("after the scope").end();
      });
      for (const name of ["outer", "manual inside", "active inside", "observed inside"]) {
        const a = spans[name]!.attributes;
        assert.equal(a[A.TRACE_USER_ID], "user_123", name);
        assert.equal(a[A.TRACE_SESSION_ID], "session_abc", name);
        assert.equal(a[A.VERSION], "1.0", name);
        assert.equal(a[A.TRACE_NAME], "my-trace", name);
        assert.deepEqual(a[A.TRACE_TAGS], ["a", "b"], name);
        assert.equal(a[`${A.TRACE_METADATA_PREFIX}experiment`], "variant_a", name);
      }
      assert.equal(spans["after the scope"]!.attributes[A.TRACE_USER_ID], undefined);
    });

    it("nested propagateAttributes unions tags, merges metadata and lets inner values win, the same way", async () => {
      const spans = await assertSameWire((sdk) =>
        sdk.propagateAttributes({ userId: "outer-user", tags: ["outer", "shared"], metadata: { a: "1", b: "1" } }, () =>
          sdk.propagateAttributes({ userId: "inner-user", tags: ["shared", "inner"], metadata: { b: "2", c: "2" } }, () =>
            sdk.startObservation("innermost").end(),
          ),
        ),
      );
      const a = spans.innermost!.attributes;
      assert.equal(a[A.TRACE_USER_ID], "inner-user");
      assert.deepEqual(a[A.TRACE_TAGS], ["outer", "shared", "inner"]);
      assert.deepEqual(
        [a[`${A.TRACE_METADATA_PREFIX}a`], a[`${A.TRACE_METADATA_PREFIX}b`], a[`${A.TRACE_METADATA_PREFIX}c`]],
        ["1", "2", "2"],
      );
    });

    it("an observation's own version wins over the propagated version, on the one shared key", async () => {
      const spans = await assertSameWire((sdk) =>
        sdk.propagateAttributes({ version: "trace-1.0" }, () => {
          sdk.startObservation("own version", { version: "obs-2.0" }).end();
          sdk.startObservation("propagated version").end();
        }),
      );
      assert.equal(spans["own version"]!.attributes[A.VERSION], "obs-2.0");
      assert.equal(spans["propagated version"]!.attributes[A.VERSION], "trace-1.0");
    });

    it("propagates a valid environment and drops invalid values (too long, not strings, bad environment) the same way", async () => {
      const spans = await assertSameWire((sdk) =>
        sdk.propagateAttributes(
          {
            userId: "u".repeat(201),
            sessionId: 42 as unknown as string,
            environment: "production",
            tags: ["ok", "t".repeat(201)],
            metadata: { ok: "yes", long: "v".repeat(201), num: 1 as unknown as string },
          },
          () =>
            sdk.propagateAttributes({ environment: "Langfuse-Bad" }, () => sdk.startObservation("validated").end()),
        ),
      );
      const a = spans.validated!.attributes;
      assert.equal(a[A.TRACE_USER_ID], undefined);
      assert.equal(a[A.TRACE_SESSION_ID], undefined);
      assert.equal(a[A.ENVIRONMENT], "production");
      assert.deepEqual(a[A.TRACE_TAGS], ["ok"]);
      assert.deepEqual(
        Object.keys(a).filter((k) => k.startsWith(A.TRACE_METADATA_PREFIX)),
        [`${A.TRACE_METADATA_PREFIX}ok`],
      );
    });

    it("setTraceIO, setActiveTraceIO, setTraceAsPublic and setActiveTraceAsPublic write the same trace keys", async () => {
      const spans = await assertSameWire(async (sdk) => {
        const manual = sdk.startObservation("manual trace io");
        manual.setTraceIO({ input: { question: "q" }, output: "plain answer" }).setTraceAsPublic();
        manual.end();
        await sdk.startActiveObservation("active trace io", async () => {
          sdk.setActiveTraceIO({ input: "in", output: { answer: 42 } });
          sdk.setActiveTraceAsPublic();
        });
      });
      const manual = spans["manual trace io"]!.attributes;
      assert.equal(manual[A.TRACE_INPUT], '{"question":"q"}');
      assert.equal(manual[A.TRACE_OUTPUT], "plain answer");
      assert.equal(manual[A.TRACE_PUBLIC], true);
      const active = spans["active trace io"]!.attributes;
      assert.equal(active[A.TRACE_INPUT], "in");
      assert.equal(active[A.TRACE_OUTPUT], '{"answer":42}');
      assert.equal(active[A.TRACE_PUBLIC], true);
    });
  });

  describe("createTraceId", () => {
    it("gives the same deterministic id as Langfuse's (async) createTraceId for every seed", async () => {
      const seeds = ["external-request-42", "order-12345", "x", "req_12345", "support-ticket-54321", "ünïcödé 🚀", "a".repeat(10_000), " "];
      for (const seed of seeds) {
        assert.equal(sightline.createTraceId(seed), await langfuse.createTraceId(seed), JSON.stringify(seed.slice(0, 20)));
      }
      assert.equal(sightline.createTraceId("external-request-42"), "664929cbfa03d357d9af462757e9a30d");
      assert.equal(sightline.createTraceId("order-12345"), "a6d3b229b92ec35f2132c14632d73ab4");
      assert.equal(sightline.createTraceId("x"), "2d711642b726b04401627ca9fbac32f5");
    });

    it("is random (32 hex characters) without a seed or with an empty one, like Langfuse's", async () => {
      for (const id of [sightline.createTraceId(), sightline.createTraceId(""), await langfuse.createTraceId(), await langfuse.createTraceId("")]) {
        assert.match(id, /^[0-9a-f]{32}$/);
      }
      assert.notEqual(sightline.createTraceId(""), sightline.createTraceId(""));
    });
  });

  describe("observe", () => {
    it("captures input as undefined for no argument, the argument for one, an array for several, and the (resolved) return value as output", async () => {
      const spans = await assertSameWire(async (sdk) => {
        sdk.observe(() => "zero", { name: "no args" })();
        sdk.observe((o: object) => o, { name: "one object" })({ a: 1 });
        sdk.observe((s: string) => s.length, { name: "one string" })("text");
        sdk.observe((a: number, b: number) => a + b, { name: "two args" })(1, 2);
        sdk.observe((a: unknown, b: unknown, c: unknown) => [a, b, c], { name: "three args" })("x", undefined, null);
        await sdk.observe(async (x: number) => ({ doubled: x * 2 }), { name: "async" })(21);
        sdk.observe(() => undefined, { name: "undefined result" })();
        sdk.observe(() => null, { name: "null result" })();
        sdk.observe(() => 0, { name: "zero result" })();
        sdk.observe((x: string) => x, { name: "no capture", captureInput: false, captureOutput: false })("secret");
        await sdk.observe(async () => "generated", { name: "generation", asType: "generation" })();
      });
      assert.equal(spans["no args"]!.attributes[A.OBSERVATION_INPUT], undefined);
      assert.equal(spans["one object"]!.attributes[A.OBSERVATION_INPUT], '{"a":1}');
      assert.equal(spans["one string"]!.attributes[A.OBSERVATION_INPUT], "text");
      assert.equal(spans["two args"]!.attributes[A.OBSERVATION_INPUT], "[1,2]");
      assert.equal(spans["three args"]!.attributes[A.OBSERVATION_INPUT], '["x",null,null]');
      assert.equal(spans.async!.attributes[A.OBSERVATION_OUTPUT], '{"doubled":42}');
      assert.equal(spans["zero result"]!.attributes[A.OBSERVATION_OUTPUT], "0");
      assert.equal(spans["no capture"]!.attributes[A.OBSERVATION_INPUT], undefined);
    });

    it("nests observed functions the same way", async () => {
      const spans = await assertSameWire(async (sdk) => {
        const first = sdk.observe(async (x: number) => x + 1, { name: "first" });
        const second = sdk.observe(async (x: number) => x * 10, { name: "second", asType: "tool" });
        const outer = sdk.observe(async (x: number) => second(await first(x)), { name: "outer" });
        assert.equal(await outer(1), 20);
      });
      assert.equal(spans.first?.parent, "outer");
      assert.equal(spans.second?.parent, "outer");
      assert.equal(spans.outer?.attributes[A.OBSERVATION_OUTPUT], "20");
    });
  });

  describe("deliberate differences (docs/adr/0002-wire-compatibility.md)", () => {
    it("observe records a single falsy argument (0, '', false) as input; Langfuse drops it", async () => {
      const { langfuse: lf, sightline: sl } = await both((sdk) => {
        sdk.observe((x: number) => x, { name: "zero" })(0);
        sdk.observe((x: string) => x, { name: "empty" })("");
        sdk.observe((x: boolean) => x, { name: "false" })(false);
      });
      for (const [name, wireValue] of [["zero", "0"], ["empty", ""], ["false", "false"]] as const) {
        assert.equal(lf[name]!.attributes[A.OBSERVATION_INPUT], undefined, `Langfuse drops ${name}`);
        assert.equal(sl[name]!.attributes[A.OBSERVATION_INPUT], wireValue, `we keep ${name}`);
        // Everything else is the same.
        const { [A.OBSERVATION_INPUT]: _dropped, ...rest } = sl[name]!.attributes;
        assert.deepEqual({ ...sl[name], attributes: rest }, lf[name]);
      }
    });

    it("observe with asType event returns the function's result and records the event with its input; Langfuse's observe throws", async () => {
      const traced = (sdk: Api) => sdk.observe((x: string) => `seen ${x}`, { name: "observed event", asType: "event" });
      assert.throws(() => traced(SDKS.langfuse)("it"), /update is not a function/);
      await langfuseProcessor.forceFlush();
      langfuseExporter.reset();
      assert.equal(traced(SDKS.sightline)("it"), "seen it");
      const [span, ...others] = takeSpans();
      assert.equal(others.length, 0);
      assert.equal(span?.attributes[A.OBSERVATION_TYPE], "event");
      assert.equal(span?.attributes[A.OBSERVATION_INPUT], "it");
      // An event ends when it starts, so the output of the function cannot be recorded on it.
      assert.equal(span?.attributes[A.OBSERVATION_OUTPUT], undefined);
    });

    it("startActiveObservation records a throw or rejection as level ERROR, status message and status ERROR; Langfuse sets only the status", async () => {
      const { langfuse: lf, sightline: sl } = await both(async (sdk) => {
        assert.throws(() =>
          sdk.startActiveObservation("sync throw", () => {
            throw new Error("sync boom");
          }),
        );
        await assert.rejects(
          sdk.startActiveObservation("async reject", async () => {
            throw new Error("async boom");
          }),
        );
      });
      for (const [name, message] of [["sync throw", "sync boom"], ["async reject", "async boom"]] as const) {
        assert.deepEqual(lf[name], {
          parent: null,
          scope: "langfuse-sdk",
          attributes: { [A.OBSERVATION_TYPE]: "span" },
          status: { code: SpanStatusCode.ERROR, message },
          events: [],
        });
        assert.deepEqual(sl[name], {
          parent: null,
          scope: "langfuse-sdk",
          attributes: { [A.OBSERVATION_TYPE]: "span", [A.OBSERVATION_LEVEL]: "ERROR", [A.OBSERVATION_STATUS_MESSAGE]: message },
          status: { code: SpanStatusCode.ERROR, message },
          events: ["exception"],
        });
      }
    });

    it("observe records a throw or rejection with the span status ERROR too; Langfuse sets level and message and writes {error} as output", async () => {
      const { langfuse: lf, sightline: sl } = await both(async (sdk) => {
        assert.throws(() =>
          sdk.observe(
            (_x: number) => {
              throw new Error("sync boom");
            },
            { name: "sync throw" },
          )(1),
        );
        await assert.rejects(
          sdk.observe(
            async (_x: number) => {
              throw new TypeError("async boom");
            },
            { name: "async reject" },
          )(2),
        );
      });
      for (const [name, message, text, input] of [
        ["sync throw", "sync boom", "Error: sync boom", "1"],
        ["async reject", "async boom", "TypeError: async boom", "2"],
      ] as const) {
        assert.deepEqual(lf[name], {
          parent: null,
          scope: "langfuse-sdk",
          attributes: {
            [A.OBSERVATION_TYPE]: "span",
            [A.OBSERVATION_INPUT]: input,
            [A.OBSERVATION_LEVEL]: "ERROR",
            [A.OBSERVATION_STATUS_MESSAGE]: message,
            [A.OBSERVATION_OUTPUT]: JSON.stringify({ error: text }),
          },
          status: UNSET,
          events: [],
        });
        // Ours: the same attributes (including the `{"error": "<String(err)>"}` output) plus the
        // one error convention's span status ERROR and exception event.
        assert.deepEqual(sl[name], {
          parent: null,
          scope: "langfuse-sdk",
          attributes: {
            [A.OBSERVATION_TYPE]: "span",
            [A.OBSERVATION_INPUT]: input,
            [A.OBSERVATION_LEVEL]: "ERROR",
            [A.OBSERVATION_STATUS_MESSAGE]: message,
            [A.OBSERVATION_OUTPUT]: JSON.stringify({ error: text }),
          },
          status: { code: SpanStatusCode.ERROR, message },
          events: ["exception"],
        });
      }
    });

    it("update({ level: 'ERROR' }) also sets the span status ERROR; Langfuse writes only the attributes", async () => {
      const { langfuse: lf, sightline: sl } = await both((sdk) => {
        sdk.startObservation("error level", { level: "ERROR", statusMessage: "bad input" }).end();
        const updated = sdk.startObservation("error update");
        updated.update({ level: "ERROR", statusMessage: "failed later" });
        updated.end();
      });
      for (const [name, message] of [["error level", "bad input"], ["error update", "failed later"]] as const) {
        assert.deepEqual(sl[name]!.attributes, lf[name]!.attributes, "same attributes");
        assert.deepEqual(lf[name]!.status, UNSET);
        assert.deepEqual(sl[name]!.status, { code: SpanStatusCode.ERROR, message });
      }
    });

    it("metadata with more than 32 keys is one JSON attribute; Langfuse writes one attribute per key", async () => {
      const metadata = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i % 2 === 0 ? `v${i}` : i]));
      const { langfuse: lf, sightline: sl } = await both((sdk) => {
        sdk.startObservation("wide metadata", { metadata }).end();
        sdk.startObservation("32 keys", { metadata: Object.fromEntries(Object.entries(metadata).slice(0, 32)) }).end();
      });
      const lfKeys = Object.keys(lf["wide metadata"]!.attributes).filter((k) => k.startsWith(A.OBSERVATION_METADATA_PREFIX));
      assert.equal(lfKeys.length, 40);
      assert.deepEqual(sl["wide metadata"]!.attributes, {
        [A.OBSERVATION_TYPE]: "span",
        [A.OBSERVATION_METADATA]: JSON.stringify(metadata),
      });
      assert.deepEqual(sl["32 keys"], lf["32 keys"], "up to 32 keys: flattened exactly like Langfuse");
    });

    it("an empty-string metadata value is kept; Langfuse drops it", async () => {
      const { langfuse: lf, sightline: sl } = await both((sdk) => sdk.startObservation("empty value", { metadata: { empty: "", full: "x" } }).end());
      assert.equal(lf["empty value"]!.attributes[`${A.OBSERVATION_METADATA_PREFIX}empty`], undefined);
      assert.equal(sl["empty value"]!.attributes[`${A.OBSERVATION_METADATA_PREFIX}empty`], "");
      assert.equal(sl["empty value"]!.attributes[`${A.OBSERVATION_METADATA_PREFIX}full`], "x");
    });

    it("values JSON cannot encode (BigInt, circular, Error) are still serialised; Langfuse sends a placeholder or {}", async () => {
      const circular: Record<string, unknown> = { name: "loop" };
      circular.self = circular;
      const { langfuse: lf, sightline: sl } = await both((sdk) => {
        sdk.startObservation("bigint", { input: { big: 10n } }).end();
        sdk.startObservation("circular", { input: circular }).end();
        sdk.startObservation("error", { output: new Error("kaput") }).end();
      });
      assert.equal(lf.bigint!.attributes[A.OBSERVATION_INPUT], "<failed to serialize>");
      assert.equal(sl.bigint!.attributes[A.OBSERVATION_INPUT], '{"big":"10"}');
      assert.equal(lf.circular!.attributes[A.OBSERVATION_INPUT], "<failed to serialize>");
      assert.deepEqual(JSON.parse(String(sl.circular!.attributes[A.OBSERVATION_INPUT])), { name: "loop", self: "[Circular]" });
      assert.equal(lf.error!.attributes[A.OBSERVATION_OUTPUT], "{}");
      const error = JSON.parse(String(sl.error!.attributes[A.OBSERVATION_OUTPUT])) as Record<string, unknown>;
      assert.equal(error.name, "Error");
      assert.equal(error.message, "kaput");
    });

    it("propagated metadata keys must be alphanumeric (the spec's rule): we drop 'bad key' with a warning; Langfuse accepts it", async () => {
      let lines: string[] = [];
      const { langfuse: lf, sightline: sl } = await both(async (sdk) => {
        const run = (): void => sdk.propagateAttributes({ metadata: { "bad key": "x", good_key: "y" } }, () => sdk.startObservation("keys").end());
        if (sdk === SDKS.sightline) lines = (await captureLogs(run)).lines;
        else run();
      });
      assert.equal(lf.keys!.attributes[`${A.TRACE_METADATA_PREFIX}bad key`], "x");
      assert.equal(sl.keys!.attributes[`${A.TRACE_METADATA_PREFIX}bad key`], undefined);
      assert.equal(sl.keys!.attributes[`${A.TRACE_METADATA_PREFIX}good_key`], "y");
      assert.ok(lines.some((l) => l.startsWith("WARN") && l.includes('"bad key"')), lines.join("\n"));
    });

    it("a parentSpanContext parent is marked remote (OTLP flags 0x301); Langfuse leaves isRemote unset (0x101)", async () => {
      const parentSpanContext = { traceId: "abcdef1234567890abcdef1234567890", spanId: "fedcba0987654321", traceFlags: 1 };
      langfuse.startObservation("remote parent", {}, { parentSpanContext }).end();
      await langfuseProcessor.forceFlush();
      const [lf] = langfuseExporter.getFinishedSpans();
      langfuseExporter.reset();
      sightline.startObservation("remote parent", {}, { parentSpanContext }).end();
      const [sl] = takeSpans();
      assert.notEqual(lf?.parentSpanContext?.isRemote, true);
      assert.equal(sl?.parentSpanContext?.isRemote, true);
      assert.deepEqual(
        { ...sl?.parentSpanContext, isRemote: undefined },
        { ...lf?.parentSpanContext, isRemote: undefined },
        "same parent ids and flags otherwise",
      );
    });

    it("parentSpanContext ids in uppercase are normalised to lowercase; Langfuse exports them as given", async () => {
      const { langfuse: lf, sightline: sl } = await both((sdk) =>
        sdk
          .startObservation("uppercase parent", {}, {
            parentSpanContext: { traceId: "ABCDEF1234567890ABCDEF1234567890", spanId: "FEDCBA0987654321", traceFlags: 1 },
          })
          .end(),
      );
      assert.equal(lf["uppercase parent"]!.parent, "remote ABCDEF1234567890ABCDEF1234567890/FEDCBA0987654321");
      assert.equal(sl["uppercase parent"]!.parent, "remote abcdef1234567890abcdef1234567890/fedcba0987654321");
      assert.deepEqual(sl["uppercase parent"]!.attributes, lf["uppercase parent"]!.attributes);
    });
  });
});
