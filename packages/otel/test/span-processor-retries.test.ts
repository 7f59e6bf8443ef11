import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ExportError } from "@sightline/core";
import { SightlineSpanProcessor } from "@sightline/otel";
import type { ExportErrorEvent, SightlineSpanProcessorOptions } from "@sightline/otel";
import { CaptureServer, refusingUrl } from "./helpers/capture-server.js";
import { captureLogs, delay, endSpans, tracingWith } from "./helpers/tracing.js";
import type { LogLine } from "./helpers/tracing.js";

describe("SightlineSpanProcessor retries", () => {
  let server: CaptureServer | undefined;
  let logs: LogLine[];
  const processors: SightlineSpanProcessor[] = [];

  function newProcessor(baseUrl: string, options: SightlineSpanProcessorOptions = {}): SightlineSpanProcessor {
    const processor = new SightlineSpanProcessor({
      baseUrl,
      publicKey: "pk-test",
      secretKey: "sk-test",
      flushIntervalMillis: 60_000,
      retryInitialDelayMillis: 5,
      retryMaxDelayMillis: 20,
      ...options,
    });
    processors.push(processor);
    return processor;
  }

  async function startServer(): Promise<CaptureServer> {
    server = await CaptureServer.start();
    return server;
  }

  /** Asserts that the last request holds every span once and that the processor counted them exported. */
  function assertDeliveredOnce(s: CaptureServer, processor: SightlineSpanProcessor, names: string[]): void {
    const last = s.requests.at(-1);
    assert.ok(last);
    const delivered = last.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => sp.name)));
    assert.deepEqual(delivered.sort(), [...names].sort());
    const stats = processor.getStats();
    assert.equal(stats.exported, names.length);
    assert.equal(stats.failed, 0);
  }

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(async () => {
    await Promise.all(processors.splice(0).map((p) => p.shutdown()));
    await server?.close();
    server = undefined;
  });

  it("retries a 429 after the delay its Retry-After header asks for", async () => {
    const s = await startServer();
    s.reply({ status: 429, headers: { "retry-after": "1" }, body: "slow down" });
    const processor = newProcessor(s.url);
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 3);
    await processor.forceFlush();
    assert.equal(s.requests.length, 2);
    const gap = (s.requests[1]?.receivedAtMillis ?? 0) - (s.requests[0]?.receivedAtMillis ?? 0);
    assert.ok(gap >= 950, `retried after ${gap} ms, the backoff alone is at most 20 ms`);
    assertDeliveredOnce(s, processor, ["span-0", "span-1", "span-2"]);
    assert.equal(processor.getStats().retries, 1);
  });

  for (const statuses of [[500], [503, 503], [502, 504, 408]]) {
    it(`retries HTTP ${statuses.join(", ")} and then delivers each span once`, async () => {
      const s = await startServer();
      s.reply(...statuses.map((status) => ({ status, body: "oops" })));
      const processor = newProcessor(s.url);
      const { sdkTracer } = tracingWith(processor);
      endSpans(sdkTracer, 2);
      await processor.forceFlush();
      assert.equal(s.requests.length, statuses.length + 1);
      assertDeliveredOnce(s, processor, ["span-0", "span-1"]);
      assert.equal(processor.getStats().retries, statuses.length);
      assert.equal(logs.filter((l) => l.level === "ERROR").length, 0);
    });
  }

  it("retries a connection reset by the server", async () => {
    const s = await startServer();
    s.reply("reset");
    const processor = newProcessor(s.url);
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 2);
    await processor.forceFlush();
    assert.equal(s.requests.length, 2);
    assertDeliveredOnce(s, processor, ["span-0", "span-1"]);
  });

  it("retries a refused connection until the server comes up", async () => {
    const { url, port } = await refusingUrl();
    const processor = newProcessor(url, { retryInitialDelayMillis: 50, retryMaxDelayMillis: 200, maxRetries: 20 });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 4);
    const flushed = processor.forceFlush();
    while (processor.getStats().retries === 0) await delay(5);
    const s = (server = await CaptureServer.start(port));
    await flushed;
    assert.equal(s.requests.length, 1);
    assertDeliveredOnce(s, processor, ["span-0", "span-1", "span-2", "span-3"]);
  });

  it("does not retry a 401: it reports the failure to the logger, onError and the stats at once", async () => {
    const s = await startServer();
    s.replyByDefault({ status: 401, body: '{"message":"Invalid credentials"}' });
    const errors: ExportErrorEvent[] = [];
    const processor = newProcessor(s.url, { onError: (event) => errors.push(event) });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 3);
    await processor.forceFlush(); // resolves although the export failed
    assert.equal(s.requests.length, 1);
    assert.equal(errors.length, 1);
    const event = errors[0];
    assert.ok(event);
    assert.ok(event.error instanceof ExportError);
    assert.equal(event.error.status, 401);
    assert.equal(event.error.retryable, false);
    assert.equal(event.spanCount, 3);
    const errorLogs = logs.filter((l) => l.level === "ERROR");
    assert.equal(errorLogs.length, 1);
    const message = errorLogs[0]?.message ?? "";
    assert.match(message, /3 spans/);
    assert.match(message, /HTTP 401/);
    assert.match(message, /Invalid credentials/);
    assert.match(message, /SIGHTLINE_PUBLIC_KEY\/SIGHTLINE_SECRET_KEY/);
    const stats = processor.getStats();
    assert.equal(stats.failed, 3);
    assert.equal(stats.exported, 0);
    assert.equal(stats.retries, 0);
  });

  for (const status of [400, 403, 404, 413]) {
    it(`does not retry HTTP ${status}`, async () => {
      const s = await startServer();
      s.replyByDefault({ status, body: "no" });
      const processor = newProcessor(s.url);
      const { sdkTracer } = tracingWith(processor);
      endSpans(sdkTracer, 1);
      await processor.forceFlush();
      assert.equal(s.requests.length, 1);
      assert.equal(processor.getStats().failed, 1);
    });
  }

  it("gives up after maxRetries and reports the batch as failed and retryable", async () => {
    const s = await startServer();
    s.replyByDefault({ status: 503, body: "down" });
    const errors: ExportErrorEvent[] = [];
    const processor = newProcessor(s.url, { maxRetries: 2, onError: (event) => errors.push(event) });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 2);
    await processor.forceFlush();
    assert.equal(s.requests.length, 3);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.error.status, 503);
    assert.equal(errors[0]?.error.retryable, true);
    assert.match(errors[0]?.error.message ?? "", /after 3 attempts/);
    assert.deepEqual(
      { failed: processor.getStats().failed, retries: processor.getStats().retries },
      { failed: 2, retries: 2 },
    );
  });

  it("aborts a request that exceeds timeoutMillis and retries it", async () => {
    const s = await startServer();
    s.replyByDefault("hang");
    const errors: ExportErrorEvent[] = [];
    const processor = newProcessor(s.url, { timeoutMillis: 150, maxRetries: 1, onError: (event) => errors.push(event) });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 1);
    const started = Date.now();
    await processor.forceFlush();
    const elapsed = Date.now() - started;
    assert.equal(s.requests.length, 2);
    assert.ok(elapsed >= 290 && elapsed < 2_000, `flush took ${elapsed} ms`);
    assert.match(errors[0]?.error.message ?? "", /timed out after 150 ms/);
    assert.equal(processor.getStats().failed, 1);
  });

  it("keeps at most two exports in flight", async () => {
    const s = await startServer();
    s.replyByDefault("hang");
    const processor = newProcessor(s.url, { flushAt: 1, timeoutMillis: 300, maxRetries: 0 });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 5);
    await s.waitForRequests(2);
    await delay(100);
    assert.equal(s.requests.length, 2);
    s.replyByDefault({ status: 200, body: "{}" });
    await processor.forceFlush();
    assert.equal(s.requests.length, 5);
    assert.deepEqual(
      { failed: processor.getStats().failed, exported: processor.getStats().exported },
      { failed: 2, exported: 3 },
    );
  });

  it("calls onError in a try/catch: a throwing hook changes nothing", async () => {
    const s = await startServer();
    s.replyByDefault({ status: 401 });
    const processor = newProcessor(s.url, {
      onError: () => {
        throw new Error("hook bug");
      },
    });
    const { sdkTracer } = tracingWith(processor);
    endSpans(sdkTracer, 1);
    await processor.forceFlush();
    assert.equal(processor.getStats().failed, 1);
    assert.ok(logs.some((l) => l.message.includes("onError callback threw") && l.message.includes("hook bug")));
  });
});
