// The mapper on spans produced by the real SDKs: @langfuse/tracing + @langfuse/otel 5.x (what
// people switching from Langfuse send) and our @sightline/tracing. The same scenarios run through
// both SDKs, and the mapped observations must be the same, field by field.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as langfuse from "@langfuse/tracing";
import * as sightline from "@sightline/tracing";
import { OBSERVATION_TYPES } from "@sightline/core";
import { mapSpan } from "@sightline/server";
import type { ObservationRecord } from "@sightline/server";
import { named, recordLangfuse, recordSightline } from "./fixtures/mapping/sdk-recorders.js";
import type { Recorder } from "./fixtures/mapping/sdk-recorders.js";

/** The API both SDKs share, typed as ours (the scenarios only use calls that mean the same in both). */
type Api = Pick<
  typeof sightline,
  "startObservation" | "startActiveObservation" | "observe" | "updateActiveObservation" | "propagateAttributes" | "setActiveTraceIO" | "setActiveTraceAsPublic"
>;

const SDKS: ReadonlyArray<{ name: string; api: Api; recorder: Recorder }> = [
  { name: "@langfuse/tracing 5 with LangfuseSpanProcessor", api: langfuse as unknown as Api, recorder: recordLangfuse({ environment: "staging", release: "r-42" }) },
  { name: "@sightline/tracing", api: sightline, recorder: recordSightline() },
];

/** Runs a scenario and maps every span it produced, by span name. */
async function run(recorder: Recorder, scenario: () => unknown): Promise<(name: string) => ObservationRecord> {
  await recorder.take();
  await scenario();
  const spans = await recorder.take();
  return (name) => mapSpan(named(spans, name));
}

const COMPLETION_START = new Date("2026-01-02T03:04:05.678Z");
const CHAT_USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 300,
  total_tokens: 1300,
  prompt_tokens_details: { cached_tokens: 400, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 200 },
};
const RESPONSES_USAGE = {
  input_tokens: 120,
  output_tokens: 80,
  total_tokens: 200,
  input_tokens_details: { cached_tokens: 20 },
  output_tokens_details: { reasoning_tokens: 50 },
};

for (const { name, api, recorder } of SDKS) {
  describe(`spans of ${name}`, () => {
    it("map to each of the ten observation types", async () => {
      const get = await run(recorder, () => {
        for (const asType of OBSERVATION_TYPES) {
          const o = api.startObservation(`manual-${asType}`, {}, { asType });
          if (asType !== "event") o.end();
          api.startActiveObservation(`active-${asType}`, () => undefined, { asType });
        }
      });
      for (const asType of OBSERVATION_TYPES) {
        assert.equal(get(`manual-${asType}`).type, asType.toUpperCase());
        assert.equal(get(`active-${asType}`).type, asType.toUpperCase());
      }
    });

    it("map every generation field", async () => {
      const get = await run(recorder, () => {
        api
          .startObservation(
            "llm-call",
            {
              input: [{ role: "user", content: "What is 2+2?" }],
              output: { role: "assistant", content: "4" },
              model: "gpt-4o",
              modelParameters: { temperature: 0.2, max_tokens: 100 },
              usageDetails: { input: 10, output: 5 },
              costDetails: { input: 0.001, output: 0.002 },
              completionStartTime: COMPLETION_START,
              prompt: { name: "math-prompt", version: 3, isFallback: false },
              metadata: { feature: "calc", attempt: 2 },
              version: "v2",
            },
            { asType: "generation" },
          )
          .end();
      });
      const o = get("llm-call");
      assert.equal(o.type, "GENERATION");
      assert.deepEqual(o.input, [{ role: "user", content: "What is 2+2?" }]);
      assert.deepEqual(o.output, { role: "assistant", content: "4" });
      assert.equal(o.model, "gpt-4o");
      assert.deepEqual(o.modelParameters, { temperature: 0.2, max_tokens: 100 });
      assert.deepEqual(o.usageDetails, { input: 10, output: 5, total: 15 });
      assert.deepEqual(o.costDetails, { input: 0.001, output: 0.002, total: 0.003 });
      assert.equal(o.completionStartTimeNs, BigInt(COMPLETION_START.getTime()) * 1_000_000n);
      assert.deepEqual([o.promptName, o.promptVersion], ["math-prompt", 3]);
      assert.deepEqual(o.metadata, { feature: "calc", attempt: 2 });
      assert.equal(o.version, "v2");
      assert.equal(o.level, "DEFAULT");
      assert.deepEqual(o.scope.name, "langfuse-sdk");
      assert.ok(o.endTimeNs !== null && o.endTimeNs >= o.startTimeNs);
    });

    it("normalise OpenAI Chat Completions and Responses usage objects", async () => {
      const get = await run(recorder, () => {
        api.startObservation("chat-usage", { usageDetails: CHAT_USAGE }, { asType: "generation" }).end();
        api.startObservation("responses-usage", { usageDetails: RESPONSES_USAGE }, { asType: "generation" }).end();
      });
      assert.deepEqual(get("chat-usage").usageDetails, {
        input: 600,
        output: 100,
        total: 1300,
        input_cached_tokens: 400,
        input_audio_tokens: 0,
        output_reasoning_tokens: 200,
      });
      assert.deepEqual(get("responses-usage").usageDetails, {
        input: 100,
        output: 30,
        total: 200,
        input_cached_tokens: 20,
        output_reasoning_tokens: 50,
      });
    });

    it("carry propagated user, session, tags, metadata, version and trace name to every observation", async () => {
      const get = await run(recorder, () =>
        api.startActiveObservation("workflow", () =>
          api.propagateAttributes(
            { userId: "user_123", sessionId: "session_abc", tags: ["beta", "eu"], metadata: { experiment: "variant_a" }, version: "1.0", traceName: "user-workflow" },
            () => {
              api.startObservation("step", { input: "x" }).end();
              api.startObservation("llm", { model: "gpt-4o" }, { asType: "generation" }).end();
            },
          ),
        ),
      );
      for (const spanName of ["workflow", "step", "llm"]) {
        const t = get(spanName).trace;
        assert.equal(t.userId, "user_123", spanName);
        assert.equal(t.sessionId, "session_abc", spanName);
        assert.deepEqual(t.tags, ["beta", "eu"], spanName);
        assert.deepEqual(t.metadata, { experiment: "variant_a" }, spanName);
        assert.equal(t.version, "1.0", spanName);
        assert.equal(t.name, "user-workflow", spanName);
        assert.equal(get(spanName).version, "1.0", spanName);
      }
      assert.deepEqual(get("step").metadata, {}, "trace metadata is not observation metadata");
    });

    it("set trace input, output and public flag from setActiveTraceIO and setActiveTraceAsPublic", async () => {
      const get = await run(recorder, () =>
        api.startActiveObservation("request", (span) => {
          api.setActiveTraceIO({ input: { question: "hi" }, output: "hello" });
          api.setActiveTraceAsPublic();
          span.update({ input: "observation input" });
        }),
      );
      const o = get("request");
      assert.deepEqual(o.trace.input, { question: "hi" });
      assert.equal(o.trace.output, "hello");
      assert.equal(o.trace.public, true);
      assert.equal(o.input, "observation input");
    });

    it("record errors as level ERROR with the message, whichever way they happen", async () => {
      const get = await run(recorder, async () => {
        const failing = api.observe(
          () => {
            throw new Error("observed failure");
          },
          { name: "observe-throw" },
        );
        assert.throws(() => failing());
        await assert.rejects(
          api.startActiveObservation("active-throw", async () => {
            await Promise.resolve();
            throw new Error("active failure");
          }),
        );
        api.startObservation("updated").update({ level: "WARNING", statusMessage: "slow answer" }).end();
        api.startActiveObservation("active-update", () => api.updateActiveObservation({ level: "ERROR", statusMessage: "bad input" }));
      });
      assert.deepEqual([get("observe-throw").level, get("observe-throw").statusMessage], ["ERROR", "observed failure"]);
      assert.deepEqual([get("active-throw").level, get("active-throw").statusMessage], ["ERROR", "active failure"]);
      assert.deepEqual([get("updated").level, get("updated").statusMessage], ["WARNING", "slow answer"]);
      assert.deepEqual([get("active-update").level, get("active-update").statusMessage], ["ERROR", "bad input"]);
    });

    it("link parents and mark the trace root", async () => {
      const get = await run(recorder, () =>
        api.startActiveObservation("root", () => {
          api.startObservation("child").end();
        }),
      );
      const root = get("root");
      const child = get("child");
      assert.equal(root.parentObservationId, null);
      assert.equal(root.isAppRoot, true);
      assert.equal(child.parentObservationId, root.id);
      assert.equal(child.traceId, root.traceId);
      assert.equal(child.isAppRoot, false);
      assert.match(root.id, /^[0-9a-f]{16}$/);
      assert.match(root.traceId, /^[0-9a-f]{32}$/);
      assert.ok(child.startTimeNs >= root.startTimeNs);
    });

    it("take the version from the resource's service.version when the SDK sets none", async () => {
      const get = await run(recorder, () => api.startObservation("plain").end());
      assert.equal(get("plain").version, "9.9.9");
    });
  });
}

describe("spans of the Langfuse span processor", () => {
  it("carry the processor's environment and release", async () => {
    const { recorder, api } = { recorder: SDKS[0]!.recorder, api: SDKS[0]!.api };
    const get = await run(recorder, () => api.startObservation("configured").end());
    const o = get("configured");
    assert.equal(o.environment, "staging");
    assert.equal(o.trace.environment, "staging");
    assert.equal(o.trace.release, "r-42");
  });
});
