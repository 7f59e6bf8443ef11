import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ROOT_CONTEXT, TraceFlags, context, propagation, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SamplingDecision } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan, Sampler } from "@opentelemetry/sdk-trace-base";
import { SDK_SCOPE_NAME, SightlineAttributes } from "@sightline/core";
import {
  SightlineSpanProcessor,
  exportAllSpans,
  isDefaultExportSpan,
  isGenAISpan,
  isKnownLLMInstrumentor,
  isSightlineSpan,
  isTraceSampled,
} from "@sightline/otel";
import type { SightlineSpanProcessorOptions } from "@sightline/otel";
import { captureLogs, installContextManager, tracingWith } from "./helpers/tracing.js";
import type { LogLine } from "./helpers/tracing.js";

/** A processor that exports into memory, so the tests read the spans it let through. */
function memoryProcessor(options: SightlineSpanProcessorOptions = {}): {
  processor: SightlineSpanProcessor;
  exported: () => ReadableSpan[];
} {
  const exporter = new InMemorySpanExporter();
  const processor = new SightlineSpanProcessor({ exporter, flushIntervalMillis: 60_000, ...options });
  return {
    processor,
    exported: () => exporter.getFinishedSpans(),
  };
}

function spanLike(scope: string, attributes: Record<string, string> = {}): ReadableSpan {
  return { instrumentationScope: { name: scope }, attributes } as unknown as ReadableSpan;
}

describe("SightlineSpanProcessor filtering", () => {
  let logs: LogLine[];
  const processors: SightlineSpanProcessor[] = [];
  const track = <T extends { processor: SightlineSpanProcessor }>(created: T): T => {
    processors.push(created.processor);
    return created;
  };

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(async () => {
    await Promise.all(processors.splice(0).map((p) => p.shutdown()));
  });

  it("samples by trace id: whole traces are kept or dropped, about sampleRate of them", async () => {
    const { processor, exported } = track(memoryProcessor({ sampleRate: 0.5, maxQueueSize: 5_000, flushAt: 5_000 }));
    const { sdkTracer } = tracingWith(processor);
    const traces = 400;
    for (let i = 0; i < traces; i++) {
      sdkTracer.startActiveSpan("root", (root) => {
        sdkTracer.startSpan("child-a").end();
        sdkTracer.startSpan("child-b").end();
        root.end();
      });
    }
    await processor.forceFlush();
    const byTrace = new Map<string, number>();
    for (const span of exported()) {
      const id = span.spanContext().traceId;
      byTrace.set(id, (byTrace.get(id) ?? 0) + 1);
    }
    assert.ok([...byTrace.values()].every((n) => n === 3), "every kept trace is complete");
    assert.ok(byTrace.size > 140 && byTrace.size < 260, `kept ${byTrace.size} of ${traces} traces`);
    for (const id of byTrace.keys()) assert.ok(isTraceSampled(id, 0.5));
  });

  it("decides sampling from the last 8 hex digits of the trace id, the same in every process", () => {
    assert.equal(isTraceSampled("0000000000000000000000007fffffff", 0.5), true);
    assert.equal(isTraceSampled("00000000000000000000000080000000", 0.5), false);
    assert.equal(isTraceSampled("ffffffffffffffffffffffff00000000", 0.000001), true);
    assert.equal(isTraceSampled("ffffffffffffffffffffffffffffffff", 1), true);
    assert.equal(isTraceSampled("00000000000000000000000000000000", 0), false);
  });

  it("does not export spans that are recorded but not sampled", async () => {
    const { processor, exported } = track(memoryProcessor());
    installContextManager();
    // A sampler that records every span but samples only some (RECORD without the sampled flag).
    const sampler: Sampler = {
      shouldSample: (_ctx, _traceId, name) => ({
        decision: name === "record-only" ? SamplingDecision.RECORD : SamplingDecision.RECORD_AND_SAMPLED,
      }),
      toString: () => "test sampler",
    };
    const tracer = new BasicTracerProvider({ sampler, spanProcessors: [processor] }).getTracer(SDK_SCOPE_NAME);
    const recordOnly = tracer.startSpan("record-only");
    assert.equal(recordOnly.isRecording(), true);
    recordOnly.end();
    tracer.startSpan("sampled").end();
    await processor.forceFlush();
    assert.deepEqual(
      exported().map((s) => s.name),
      ["sampled"],
    );
  });

  it("exports by default Sightline spans, GenAI spans and spans of known LLM instrumentations only", async () => {
    const { processor, exported } = track(memoryProcessor());
    const { provider, sdkTracer, foreignTracer } = tracingWith(processor);
    sdkTracer.startSpan("ours").end();
    foreignTracer.startSpan("GET /health").end();
    foreignTracer.startSpan("chat gpt-4o", { attributes: { "gen_ai.system": "openai" } }).end();
    provider.getTracer("openinference.instrumentation.openai").startSpan("openinference").end();
    provider.getTracer("ai").startSpan("vercel-ai").end();
    provider.getTracer("ai.unrelated").startSpan("not-vercel").end();
    provider.getTracer("opentelemetry.instrumentation.openai_v2.chat").startSpan("openai-v2").end();
    await processor.forceFlush();
    assert.deepEqual(exported().map((s) => s.name).sort(), [
      "chat gpt-4o",
      "openai-v2",
      "openinference",
      "ours",
      "vercel-ai",
    ]);
  });

  it("offers the default filter's parts as functions", () => {
    assert.equal(isSightlineSpan(spanLike(SDK_SCOPE_NAME)), true);
    assert.equal(isSightlineSpan(spanLike("other")), false);
    assert.equal(isGenAISpan(spanLike("x", { "gen_ai.request.model": "m" })), true);
    assert.equal(isGenAISpan(spanLike("x", { "genai.model": "m" })), false);
    assert.equal(isKnownLLMInstrumentor(spanLike("litellm")), true);
    assert.equal(isKnownLLMInstrumentor(spanLike("litellm.proxy")), true);
    assert.equal(isKnownLLMInstrumentor(spanLike("litellmx")), false);
    assert.equal(isKnownLLMInstrumentor(spanLike("ai")), true);
    assert.equal(isKnownLLMInstrumentor(spanLike("ai.x")), false);
    assert.equal(isDefaultExportSpan(spanLike("pg")), false);
    assert.equal(exportAllSpans({ otelSpan: spanLike("pg") }), true);
  });

  it("uses shouldExportSpan instead of the default filter", async () => {
    const { processor, exported } = track(
      memoryProcessor({ shouldExportSpan: ({ otelSpan }) => otelSpan.name.startsWith("keep") }),
    );
    const { sdkTracer, foreignTracer } = tracingWith(processor);
    sdkTracer.startSpan("drop-ours").end();
    foreignTracer.startSpan("keep-foreign").end();
    await processor.forceFlush();
    assert.deepEqual(
      exported().map((s) => s.name),
      ["keep-foreign"],
    );
  });

  it("exports the span when shouldExportSpan throws, and warns once", async () => {
    const { processor, exported } = track(
      memoryProcessor({
        shouldExportSpan: () => {
          throw new Error("filter bug");
        },
      }),
    );
    const { foreignTracer } = tracingWith(processor);
    foreignTracer.startSpan("a").end();
    foreignTracer.startSpan("b").end();
    await processor.forceFlush();
    assert.deepEqual(
      exported().map((s) => s.name),
      ["a", "b"],
    );
    const warnings = logs.filter((l) => l.message.includes("shouldExportSpan threw"));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? "", /filter bug/);
  });

  it("counts attributes OpenTelemetry dropped and warns once, naming OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", async () => {
    const { processor, exported } = track(memoryProcessor());
    const { sdkTracer } = tracingWith(processor, { attributeCountLimit: 3 });
    const attributes = { a: 1, b: 2, c: 3, d: 4, e: 5 };
    sdkTracer.startSpan("wide", { attributes }).end();
    sdkTracer.startSpan("wide-too", { attributes }).end();
    await processor.forceFlush();
    assert.equal(exported().length, 2, "the spans are still exported");
    // Five attributes plus the processor's app-root marker, three of them over the limit, twice.
    assert.equal(processor.getStats().droppedAttributes, 6);
    const warnings = logs.filter((l) => l.message.includes("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT"));
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.level, "WARN");
    assert.match(warnings[0]?.message ?? "", /lost 3 attributes/);
  });

  it("writes the default environment and release at start unless the span carries its own", async () => {
    const { processor, exported } = track(memoryProcessor({ environment: "staging", release: "v1.2.3" }));
    const { sdkTracer } = tracingWith(processor);
    sdkTracer.startSpan("defaults").end();
    const ownValues = { [SightlineAttributes.ENVIRONMENT]: "production", [SightlineAttributes.RELEASE]: "v9" };
    sdkTracer.startSpan("own", { attributes: ownValues }).end();
    await processor.forceFlush();
    const [defaults, own] = exported();
    assert.equal(defaults?.attributes[SightlineAttributes.ENVIRONMENT], "staging");
    assert.equal(defaults?.attributes[SightlineAttributes.RELEASE], "v1.2.3");
    assert.equal(own?.attributes[SightlineAttributes.ENVIRONMENT], "production");
    assert.equal(own?.attributes[SightlineAttributes.RELEASE], "v9");
  });

  it("marks spans without a local parent as app roots", async () => {
    const { processor, exported } = track(memoryProcessor());
    const { sdkTracer } = tracingWith(processor);
    sdkTracer.startActiveSpan("root", (root) => {
      sdkTracer.startSpan("child").end();
      root.end();
    });
    const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    sdkTracer.startSpan("remote-child", {}, remoteParent).end();
    await processor.forceFlush();
    const isRoot = Object.fromEntries(exported().map((s) => [s.name, s.attributes[SightlineAttributes.APP_ROOT]]));
    assert.deepEqual(isRoot, { root: true, child: undefined, "remote-child": true });
  });

  it("gives spans of other instrumentations the propagated trace attributes, without overriding theirs", async () => {
    const { processor, exported } = track(memoryProcessor({ shouldExportSpan: exportAllSpans }));
    const { sdkTracer, foreignTracer } = tracingWith(processor);
    const baggage = propagation.createBaggage({
      langfuse_user_id: { value: "user-1" },
      langfuse_session_id: { value: "session-1" },
    });
    context.with(propagation.setBaggage(ROOT_CONTEXT, baggage), () => {
      foreignTracer.startSpan("foreign").end();
      foreignTracer.startSpan("foreign-own", { attributes: { [SightlineAttributes.TRACE_USER_ID]: "mine" } }).end();
      // The tracing SDK writes these on its own spans; the processor leaves them alone.
      sdkTracer.startSpan("ours").end();
    });
    await processor.forceFlush();
    const byName = new Map(exported().map((s) => [s.name, s.attributes]));
    assert.equal(byName.get("foreign")?.[SightlineAttributes.TRACE_USER_ID], "user-1");
    assert.equal(byName.get("foreign")?.[SightlineAttributes.TRACE_SESSION_ID], "session-1");
    assert.equal(byName.get("foreign-own")?.[SightlineAttributes.TRACE_USER_ID], "mine");
    assert.equal(byName.get("ours")?.[SightlineAttributes.TRACE_USER_ID], undefined);
  });
});
