import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { context, propagation, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { SDK_SCOPE_NAME } from "@sightline/core";
import { registerSightline } from "@sightline/otel";
import { getSightlineTracerProvider, startActiveObservation, startObservation } from "@sightline/tracing";
import { captureLogs, delay } from "./helpers/tracing.js";

// Runs in its own process (node --test isolates files), so the globals start empty.
describe("registerSightline", () => {
  it("gives nested observations the right parent across awaits with no other setup", async () => {
    captureLogs();
    const exporter = new InMemorySpanExporter();
    const sightline = registerSightline({ exporter, flushIntervalMillis: 60_000 });
    try {
      let outerId = "";
      let innerId = "";
      await startActiveObservation("outer", async (outer) => {
        outerId = outer.id;
        await delay(5);
        await startActiveObservation("inner", async (inner) => {
          innerId = inner.id;
          await delay(5);
          startObservation("leaf").end();
        });
      });
      await sightline.forceFlush();
      const spans = new Map(exporter.getFinishedSpans().map((s) => [s.name, s]));
      assert.deepEqual([...spans.keys()].sort(), ["inner", "leaf", "outer"]);
      assert.equal(spans.get("outer")?.parentSpanContext, undefined);
      assert.equal(spans.get("inner")?.parentSpanContext?.spanId, outerId);
      assert.equal(spans.get("leaf")?.parentSpanContext?.spanId, innerId);
      const traceIds = new Set([...spans.values()].map((s) => s.spanContext().traceId));
      assert.equal(traceIds.size, 1);
      assert.equal(spans.get("outer")?.attributes["langfuse.internal.is_app_root"], true);

      // The provider is the global one, with the generous attribute limit.
      assert.equal(trace.getTracerProvider().getTracer(SDK_SCOPE_NAME).startSpan("x").isRecording(), true);
      const wide = trace.getTracer(SDK_SCOPE_NAME).startSpan("wide");
      for (let i = 0; i < 600; i++) wide.setAttribute(`k${i}`, i);
      wide.end();
      await sightline.forceFlush();
      const wideSpan = exporter.getFinishedSpans().find((s) => s.name === "wide");
      assert.equal(wideSpan?.droppedAttributesCount, 0);

      // The W3C propagator is registered.
      const carrier: Record<string, string> = {};
      startActiveObservation("outbound", () => propagation.inject(context.active(), carrier));
      assert.match(carrier.traceparent ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    } finally {
      await sightline.shutdown();
    }
  });

  it("uses the isolated provider slot when a global tracer provider already exists, and frees it at shutdown", async () => {
    const logs = captureLogs();
    const exporter = new InMemorySpanExporter();
    // The app's own provider (a no-op when the previous test already registered one).
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    const globalBefore = trace.getTracerProvider();
    const sightline = registerSightline({ exporter, exportMode: "immediate" });
    assert.equal(getSightlineTracerProvider(), sightline.tracerProvider);
    assert.equal(trace.getTracerProvider(), globalBefore);
    assert.ok(logs.some((l) => l.level === "INFO" && l.message.includes("already registered")));
    startObservation("isolated").end();
    await sightline.forceFlush();
    assert.deepEqual(
      exporter.getFinishedSpans().map((s) => s.name),
      ["isolated"],
    );
    const first = sightline.shutdown();
    assert.equal(sightline.shutdown(), first);
    await first;
    assert.notEqual(getSightlineTracerProvider(), sightline.tracerProvider);
  });
});
