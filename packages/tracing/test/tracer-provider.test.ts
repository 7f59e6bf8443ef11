// Which tracer provider Sightline observations go to, when the application changes it: the
// isolated slot (setSightlineTracerProvider) and the OpenTelemetry global provider, including a
// global provider registered again after `trace.disable()` (a restarted SDK, a test suite that
// resets OpenTelemetry between tests, a hot reload). The Langfuse SDK resolves the provider on
// every observation, so it follows such changes.
//
// Its own file: it registers and unregisters the OpenTelemetry global tracer provider.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { getLangfuseTracer } from "@langfuse/tracing";
import { setSightlineTracerProvider, startObservation } from "@sightline/tracing";

function recordingProvider(): { provider: BasicTracerProvider; names: () => string[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, names: () => exporter.getFinishedSpans().map((s) => s.name) };
}

afterEach(() => {
  setSightlineTracerProvider(null);
  trace.disable();
});

describe("tracer provider resolution", () => {
  it("observations go to the isolated provider while it is set, and to the global one after setSightlineTracerProvider(null)", () => {
    const global = recordingProvider();
    const isolated = recordingProvider();
    assert.ok(trace.setGlobalTracerProvider(global.provider));

    startObservation("to-global-1").end();
    setSightlineTracerProvider(isolated.provider);
    startObservation("to-isolated").end();
    setSightlineTracerProvider(null);
    startObservation("to-global-2").end();

    assert.deepEqual(global.names(), ["to-global-1", "to-global-2"]);
    assert.deepEqual(isolated.names(), ["to-isolated"]);
  });

  it("observations go to a global provider registered after trace.disable(), not to the one it replaced", () => {
    const first = recordingProvider();
    assert.ok(trace.setGlobalTracerProvider(first.provider));
    startObservation("before-restart").end();

    // The application restarts its OpenTelemetry setup.
    trace.disable();
    const second = recordingProvider();
    assert.ok(trace.setGlobalTracerProvider(second.provider));
    startObservation("after-restart").end();

    // Each provider gets the observation made while it was the global one (none is lost).
    assert.deepEqual({ first: first.names(), second: second.names() }, { first: ["before-restart"], second: ["after-restart"] });
  });

  it("(reference) the Langfuse SDK's tracer follows a global provider registered after trace.disable()", () => {
    const first = recordingProvider();
    assert.ok(trace.setGlobalTracerProvider(first.provider));
    getLangfuseTracer().startSpan("before-restart").end();
    trace.disable();
    const second = recordingProvider();
    assert.ok(trace.setGlobalTracerProvider(second.provider));
    getLangfuseTracer().startSpan("after-restart").end();

    assert.deepEqual(first.names(), ["before-restart"]);
    assert.deepEqual(second.names(), ["after-restart"]);
  });
});
