import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SDK_VERSION } from "@sightline/core";
import { SightlineSpanProcessor } from "@sightline/otel";
import type { DropEvent, SightlineSpanProcessorOptions } from "@sightline/otel";
import { CaptureServer } from "./helpers/capture-server.js";
import { captureLogs, delay, endSpans, tracingWith } from "./helpers/tracing.js";
import type { LogLine } from "./helpers/tracing.js";

describe("SightlineSpanProcessor export", () => {
  let server: CaptureServer;
  let logs: LogLine[];
  const processors: SightlineSpanProcessor[] = [];

  function newProcessor(options: SightlineSpanProcessorOptions = {}): SightlineSpanProcessor {
    const processor = new SightlineSpanProcessor({
      baseUrl: server.url,
      publicKey: "pk-test",
      secretKey: "sk-test",
      flushIntervalMillis: 60_000,
      ...options,
    });
    processors.push(processor);
    return processor;
  }

  beforeEach(async () => {
    logs = captureLogs();
    server = await CaptureServer.start();
  });

  afterEach(async () => {
    await Promise.all(processors.splice(0).map((p) => p.shutdown()));
    await server.close();
  });

  it("sends a request as soon as flushAt spans are queued, and keeps the rest for later", async () => {
    const processor = newProcessor({ flushAt: 3 });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 7);
    await server.waitForRequests(2);
    await delay(100);
    assert.equal(server.requests.length, 2, "the 7th span waits for its batch or the interval");
    assert.deepEqual(
      server.requests.map((r) => r.body.resourceSpans[0]?.scopeSpans[0]?.spans.length),
      [3, 3],
    );
    await processor.forceFlush();
    assert.equal(server.requests.length, 3);
    assert.deepEqual(server.spanNames().sort(), ["span-0", "span-1", "span-2", "span-3", "span-4", "span-5", "span-6"]);
  });

  it("sends a partial batch flushIntervalMillis after the first queued span", async () => {
    const processor = newProcessor({ flushAt: 100, flushIntervalMillis: 200 });
    const { sdkTracer } = tracingWith(processor);
    const started = Date.now();
    endSpans(sdkTracer, 2);
    await delay(80);
    assert.equal(server.requests.length, 0);
    await server.waitForRequests(1);
    const elapsed = (server.requests[0]?.receivedAtMillis ?? 0) - started;
    assert.ok(elapsed >= 180, `sent after ${elapsed} ms`);
    assert.deepEqual(server.spanNames(), ["span-0", "span-1"]);
  });

  it("in immediate mode sends all spans ended in one tick in one request", async () => {
    const processor = newProcessor({ exportMode: "immediate" });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 5, "first");
    await server.waitForRequests(1);
    await delay(50);
    assert.equal(server.requests.length, 1);
    endSpans(sdkTracer, 2, "second");
    await server.waitForRequests(2);
    assert.deepEqual(
      server.requests.map((r) => r.body.resourceSpans[0]?.scopeSpans[0]?.spans.map((s) => s.name)),
      [
        ["first-0", "first-1", "first-2", "first-3", "first-4"],
        ["second-0", "second-1"],
      ],
    );
  });

  it("splits a forceFlush into flushAt-sized requests", async () => {
    const processor = newProcessor({ flushAt: 4, maxQueueSize: 100 });
    const { sdkTracer } = tracingWith(processor);
    // A full batch leaves on the next tick; end spans across ticks so that only the flush sends them.
    endSpans(sdkTracer, 3, "a");
    await processor.forceFlush();
    endSpans(sdkTracer, 10, "b");
    await processor.forceFlush();
    const sizes = server.requests.map((r) => r.body.resourceSpans[0]?.scopeSpans[0]?.spans.length);
    assert.deepEqual(sizes.slice(0, 1), [3]);
    assert.deepEqual(sizes.slice(1).sort(), [2, 4, 4]);
    assert.equal(processor.getStats().exported, 13);
  });

  it("authenticates with Basic auth and sends the SDK headers on the OTLP path", async () => {
    const processor = newProcessor({ additionalHeaders: { "X-Tenant": "acme" } });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 1);
    await processor.forceFlush();
    const request = server.requests[0];
    assert.ok(request);
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/api/public/otel/v1/traces");
    assert.equal(request.headers.authorization, "Basic " + Buffer.from("pk-test:sk-test").toString("base64"));
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers["x-langfuse-public-key"], "pk-test");
    assert.equal(request.headers["x-sightline-sdk-name"], "javascript");
    assert.equal(request.headers["x-sightline-sdk-version"], SDK_VERSION);
    assert.equal(request.headers["x-tenant"], "acme");
    assert.equal(request.headers["content-encoding"], undefined);
  });

  it("lets additionalHeaders override the SDK's headers", async () => {
    const processor = newProcessor({ additionalHeaders: { Authorization: "Bearer custom" } });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 1);
    await processor.forceFlush();
    assert.equal(server.requests[0]?.headers.authorization, "Bearer custom");
  });

  it("gzips the body when compression is gzip", async () => {
    const processor = newProcessor({ compression: "gzip" });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 3);
    await processor.forceFlush();
    const request = server.requests[0];
    assert.ok(request);
    assert.equal(request.headers["content-encoding"], "gzip");
    assert.deepEqual([...request.rawBody.subarray(0, 2)], [0x1f, 0x8b]);
    assert.deepEqual(server.spanNames(), ["span-0", "span-1", "span-2"]);
  });

  it("drops spans past maxQueueSize, counts them, warns once and reports them to onDrop", async () => {
    const drops: DropEvent[] = [];
    const processor = newProcessor({ maxQueueSize: 5, flushAt: 5, onDrop: (event) => drops.push(event) });
    const { sdkTracer } = tracingWith(processor);
    // All in one tick: the full batch cannot leave before the queue overflows.
    endSpans(sdkTracer, 12, "burst1");
    assert.equal(processor.getStats().dropped, 7);
    await delay(20);
    endSpans(sdkTracer, 9, "burst2");
    await processor.forceFlush();

    const stats = processor.getStats();
    assert.equal(stats.dropped, 7 + 4);
    assert.equal(stats.exported, 10);
    assert.deepEqual(server.spanNames().sort(), [
      ...["burst1-0", "burst1-1", "burst1-2", "burst1-3", "burst1-4"],
      ...["burst2-0", "burst2-1", "burst2-2", "burst2-3", "burst2-4"],
    ]);
    const warnings = logs.filter((l) => l.message.includes("queue full"));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? "", /^7 spans dropped: queue full \(maxQueueSize=5\)/);
    assert.deepEqual(drops, [
      { reason: "queue_full", count: 7, totalDropped: 7 },
      { reason: "queue_full", count: 4, totalDropped: 11 },
    ]);
  });

  it("counts queued, in-flight and exported spans", async () => {
    server.replyByDefault("hang");
    const processor = newProcessor({ flushAt: 2, maxQueueSize: 10, timeoutMillis: 300, maxRetries: 0 });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 5);
    assert.equal(processor.getStats().queued, 5);
    await server.waitForRequests(2);
    const during = processor.getStats();
    assert.equal(during.inFlight, 4, "two requests of two spans each are in flight");
    assert.equal(during.queued, 1);
    server.replyByDefault({ status: 200, body: "{}" });
    await processor.forceFlush();
    const after = processor.getStats();
    assert.equal(after.inFlight, 0);
    assert.equal(after.queued, 0);
    assert.equal(after.failed, 4, "the hanging requests timed out");
    assert.equal(after.exported, 1);
  });

  it("shuts down idempotently, ignores later spans and removes its exit hook", async () => {
    const listenersBefore = process.listenerCount("beforeExit");
    const processor = newProcessor();
    assert.equal(process.listenerCount("beforeExit"), listenersBefore + 1);
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 2);
    const first = processor.shutdown();
    const second = processor.shutdown();
    assert.equal(first, second);
    await first;
    assert.equal(server.requests.length, 1, "shutdown flushed");
    assert.equal(process.listenerCount("beforeExit"), listenersBefore);
    endSpans(sdkTracer, 2, "late");
    await processor.forceFlush();
    await processor.shutdown();
    assert.equal(server.requests.length, 1);
    assert.deepEqual(server.spanNames(), ["span-0", "span-1"]);
  });

  it("does nothing when disabled", async () => {
    const listenersBefore = process.listenerCount("beforeExit");
    const processor = newProcessor({ enabled: false });
    assert.equal(process.listenerCount("beforeExit"), listenersBefore);
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 3);
    await processor.forceFlush();
    assert.equal(server.requests.length, 0);
    assert.equal(processor.getStats().queued, 0);
  });
});
