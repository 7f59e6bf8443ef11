// The spec's serverless example ("Client lifecycle & flushing"): a real OpenTelemetry NodeSDK with
// a SightlineSpanProcessor in immediate mode (the spec's LangfuseSpanProcessor), configured from
// the environment as a deployed function would be, and a handler that calls forceFlush() before
// it returns. The modules are in fixtures/serverless/ (verbatim but for the names); they export
// over HTTP to a local OTLP endpoint.
//
// One NodeSDK per test file: NodeSDK registers process-wide OpenTelemetry globals.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SightlineAttributes as A } from "@sightline/tracing";
import { basicAuth, capturedSpan, setEnv, startOtlpCapture } from "./support/otlp-capture.js";
import type { OtlpCapture } from "./support/otlp-capture.js";

let capture: OtlpCapture;
let restoreEnv: () => void;
let processor: { shutdown(): Promise<void> } | undefined;

before(async () => {
  capture = await startOtlpCapture();
  restoreEnv = setEnv({
    SIGHTLINE_BASE_URL: capture.origin,
    SIGHTLINE_PUBLIC_KEY: "pk-sl-test",
    SIGHTLINE_SECRET_KEY: "sk-sl-test",
    // NodeSDK would otherwise also start OTLP metrics and logs exporters aimed at localhost:4318.
    OTEL_METRICS_EXPORTER: "none",
    OTEL_LOGS_EXPORTER: "none",
  });
});
after(async () => {
  await processor?.shutdown();
  restoreEnv();
  await capture.close();
  assert.deepEqual(capture.errors, [], "the endpoint decoded every request");
});

describe("spec: Client lifecycle & flushing, serverless (exportMode immediate, forceFlush in the handler)", () => {
  it("the handler's forceFlush() has delivered the whole trace to the configured server when the handler returns", async () => {
    const { handler } = await import("./fixtures/serverless/handler.js");
    processor = (await import("./fixtures/serverless/instrumentation.js")).langfuseSpanProcessor;

    const result = await handler({ question: "The answer?" }, { awsRequestId: "req-1" });

    assert.deepEqual(result, { statusCode: 200, body: "42" });
    const spans = capture.spans(); // read right away: nothing may still be in flight
    const root = capturedSpan(spans, "handle-event");
    const generation = capturedSpan(spans, "llm-call");
    assert.equal(root.parentSpanId, undefined);
    assert.equal(generation.parentSpanId, root.spanId);
    assert.equal(generation.traceId, root.traceId);
    assert.equal(root.scope, "langfuse-sdk");
    assert.deepEqual(JSON.parse(String(root.attributes[A.OBSERVATION_INPUT])), { question: "The answer?" });
    assert.deepEqual(JSON.parse(String(root.attributes[A.OBSERVATION_OUTPUT])), { answer: "42" });
    assert.equal(root.attributes[`${A.OBSERVATION_METADATA_PREFIX}requestId`], "req-1");
    assert.equal(generation.attributes[A.OBSERVATION_TYPE], "generation");
    assert.equal(generation.attributes[A.OBSERVATION_MODEL], "gpt-4o");
    assert.equal(generation.attributes[A.OBSERVATION_INPUT], "The answer?");
    assert.deepEqual(JSON.parse(String(generation.attributes[A.OBSERVATION_USAGE_DETAILS])), { input: 5, output: 1 });

    assert.ok(capture.requests.length > 0);
    for (const request of capture.requests) {
      assert.equal(request.path, "/api/public/otel/v1/traces");
      assert.equal(request.headers.authorization, basicAuth("pk-sl-test", "sk-sl-test"));
    }
  });
});
