// The spec's Next.js / Vercel example ("Client lifecycle & flushing"): instrumentation.ts with a
// real OpenTelemetry NodeSDK and a default SightlineSpanProcessor (the spec's
// LangfuseSpanProcessor, batched), configured from an existing Langfuse setup's environment
// variables, and a route handler that schedules forceFlush() with after(). Also the Python
// flush() / shutdown() counterparts. The modules are in fixtures/nextjs/ (verbatim but for the
// names and the `after` stand-in); they export over HTTP to a local OTLP endpoint.
//
// One NodeSDK per test file: NodeSDK registers process-wide OpenTelemetry globals (the serverless
// example is in spec-examples-otel-serverless.test.ts).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SightlineAttributes as A, startObservation } from "@sightline/tracing";
import { basicAuth, capturedSpan, setEnv, startOtlpCapture } from "./support/otlp-capture.js";
import type { OtlpCapture } from "./support/otlp-capture.js";

let capture: OtlpCapture;
let restoreEnv: () => void;
let processor: { forceFlush(): Promise<void>; shutdown(): Promise<void> };
let runAfterResponse: () => Promise<void>;
let POST: () => Promise<Response>;

before(async () => {
  capture = await startOtlpCapture();
  restoreEnv = setEnv({
    // An existing Langfuse setup's variables work unchanged.
    LANGFUSE_BASE_URL: capture.origin,
    LANGFUSE_PUBLIC_KEY: "pk-lf-test",
    LANGFUSE_SECRET_KEY: "sk-lf-test",
    SIGHTLINE_BASE_URL: undefined,
    SIGHTLINE_PUBLIC_KEY: undefined,
    SIGHTLINE_SECRET_KEY: undefined,
    // NodeSDK would otherwise also start OTLP metrics and logs exporters aimed at localhost:4318.
    OTEL_METRICS_EXPORTER: "none",
    OTEL_LOGS_EXPORTER: "none",
  });
  ({ POST } = await import("./fixtures/nextjs/route.js"));
  ({ runAfterResponse } = await import("./fixtures/nextjs/next-server.js"));
  processor = (await import("./fixtures/nextjs/instrumentation.js")).langfuseSpanProcessor;
});
after(async () => {
  await processor.shutdown();
  restoreEnv();
  await capture.close();
  assert.deepEqual(capture.errors, [], "the endpoint decoded every request");
});

describe("spec: Client lifecycle & flushing, Next.js on Vercel (batched, flush scheduled with after())", () => {
  it("the response is sent before the spans, and the flush scheduled with after() delivers them", async () => {
    const response = await POST();
    assert.equal(await response.text(), "Paris");
    assert.deepEqual(capture.spans(), [], "batched: nothing is sent while the request is handled");

    await runAfterResponse();

    const spans = capture.spans();
    const handler = capturedSpan(spans, "post-handler");
    const retriever = capturedSpan(spans, "retrieve-docs");
    assert.equal(retriever.parentSpanId, handler.spanId);
    assert.equal(retriever.traceId, handler.traceId);
    assert.equal(retriever.attributes[A.OBSERVATION_TYPE], "retriever");
    assert.equal(retriever.attributes[A.OBSERVATION_INPUT], "capital of France");
    assert.deepEqual(JSON.parse(String(retriever.attributes[A.OBSERVATION_OUTPUT])), ["doc-1", "doc-2"]);
    assert.equal(handler.attributes[A.OBSERVATION_OUTPUT], "Paris");
    assert.ok(capture.requests.length > 0);
    for (const request of capture.requests) {
      assert.equal(request.path, "/api/public/otel/v1/traces");
      assert.equal(request.headers.authorization, basicAuth("pk-lf-test", "sk-lf-test"));
    }
  });

  it("Python counterpart: flush() sends every buffered observation", async () => {
    capture.requests.length = 0;
    startObservation("buffered-1").end();
    startObservation("buffered-2", { input: "x" }, { asType: "event" });
    assert.deepEqual(capture.spans(), []);

    await processor.forceFlush(); // langfuse.flush()

    assert.deepEqual(capture.spans().map((s) => s.name).sort(), ["buffered-1", "buffered-2"]);
  });

  it("Python counterpart: shutdown() flushes what is buffered, and nothing is sent afterwards", async () => {
    capture.requests.length = 0;
    startObservation("before-shutdown").end();

    await processor.shutdown(); // langfuse.shutdown()

    assert.deepEqual(capture.spans().map((s) => s.name), ["before-shutdown"]);
    startObservation("after-shutdown").end();
    await processor.forceFlush();
    assert.deepEqual(capture.spans().map((s) => s.name), ["before-shutdown"]);
  });
});
