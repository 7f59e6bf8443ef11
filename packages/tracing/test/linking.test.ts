import { describe, it, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTraceId, startActiveObservation, startObservation } from "@sightline/tracing";
import { byName, captureLogs, recordSpans, takeSpans, trees } from "./support/in-memory.js";

before(() => recordSpans());
beforeEach(() => takeSpans());

describe("linking to existing traces", () => {
  it("joins the trace and parent given by parentSpanContext, and its children follow", () => {
    startActiveObservation(
      "process-downstream-task",
      () => startObservation("child").end(),
      { parentSpanContext: { traceId: "abcdef1234567890abcdef1234567890", spanId: "fedcba0987654321", traceFlags: 1 } },
    );
    const spans = takeSpans();
    const root = byName(spans, "process-downstream-task");
    assert.equal(root.spanContext().traceId, "abcdef1234567890abcdef1234567890");
    assert.equal(root.parentSpanContext?.spanId, "fedcba0987654321");
    assert.equal(byName(spans, "child").parentSpanContext?.spanId, root.spanContext().spanId);
    assert.equal(byName(spans, "child").spanContext().traceId, "abcdef1234567890abcdef1234567890");
  });

  it("uses a deterministic trace id from createTraceId to correlate with an external id", async () => {
    const traceId = await createTraceId("support-ticket-54321");
    const span = startObservation("process-ticket", {}, { parentSpanContext: { traceId, spanId: "0123456789abcdef", traceFlags: 1 } });
    span.end();
    assert.equal(span.traceId, createTraceId("support-ticket-54321"));
    assert.equal(byName(takeSpans(), "process-ticket").spanContext().traceId, traceId);
  });

  it("defaults traceFlags to sampled", () => {
    startObservation("no-flags", {}, { parentSpanContext: { traceId: createTraceId("f"), spanId: "0123456789abcdef" } }).end();
    assert.equal(takeSpans().length, 1);
  });

  it("normalises uppercase and UUID-style ids instead of starting a new trace", async () => {
    const { lines } = await captureLogs(() => {
      startObservation("upper", {}, { parentSpanContext: { traceId: "ABCDEF1234567890ABCDEF1234567890", spanId: "FEDCBA0987654321" } }).end();
      startObservation("uuid", {}, { parentSpanContext: { traceId: "123e4567-e89b-12d3-a456-426614174000", spanId: "fedcba0987654321" } }).end();
    });
    const spans = takeSpans();
    assert.equal(byName(spans, "upper").spanContext().traceId, "abcdef1234567890abcdef1234567890");
    assert.equal(byName(spans, "upper").parentSpanContext?.spanId, "fedcba0987654321");
    assert.equal(byName(spans, "uuid").spanContext().traceId, "123e4567e89b12d3a456426614174000");
    assert.match(lines.join("\n"), /normalised to lowercase hex/);
  });

  it("warns loudly, never silently, when the ids cannot be used", async () => {
    const { lines } = await captureLogs(() => {
      startObservation("bad", {}, { parentSpanContext: { traceId: "not-a-trace-id", spanId: "123" } }).end();
    });
    const span = byName(takeSpans(), "bad");
    assert.equal(span.parentSpanContext, undefined);
    const log = lines.join("\n");
    assert.match(log, /^WARN parentSpanContext is invalid/m);
    assert.match(log, /starts a NEW trace/);
    assert.match(log, /span id "123"/);
  });

  it("warns that traceFlags 0 means nothing is recorded", async () => {
    const { lines } = await captureLogs(() => {
      startObservation("unsampled", {}, { parentSpanContext: { traceId: createTraceId("u"), spanId: "0123456789abcdef", traceFlags: 0 } }).end();
    });
    assert.equal(takeSpans().length, 0);
    assert.match(lines.join("\n"), /traceFlags without the sampled bit/);
  });

  it("gives manual children of a linked observation the same trace", () => {
    const parent = startObservation("linked", {}, { parentSpanContext: { traceId: createTraceId("t"), spanId: "0123456789abcdef" } });
    parent.startObservation("kid", {}, { asType: "tool" }).end();
    parent.end();
    assert.deepEqual(trees(takeSpans()), [
      { name: "linked", type: "span", children: [{ name: "kid", type: "tool", children: [] }] },
    ]);
  });
});

describe("context propagation check", () => {
  it("says loudly, once, when no context manager is registered", () => {
    const script = fileURLToPath(new URL("./support/no-context-manager.ts", import.meta.url));
    const child = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
    assert.equal(child.status, 0, child.stderr);
    const matches = child.stderr.match(/context propagation is not working/g) ?? [];
    assert.equal(matches.length, 1, child.stderr);
    assert.match(child.stderr, /registerSightline\(\)/);
    assert.match(child.stdout, /traces=2/, "without a context manager the nested observation became its own trace");
  });
});
