import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SightlineAttributes as A } from "@sightline/core";
import { MASK_FAILED_VALUE, SightlineSpanProcessor, truncateLongAttributeValues } from "@sightline/otel";
import type { MaskFunction, SightlineSpanProcessorOptions } from "@sightline/otel";
import { CaptureServer } from "./helpers/capture-server.js";
import { attributeOf, captureLogs, delay, tracingWith } from "./helpers/tracing.js";
import type { LogLine } from "./helpers/tracing.js";

const SECRET = "sk-live-1234";
const redact: MaskFunction = ({ data }) => data.replaceAll(SECRET, "***");

/** Every payload key a mask must cover, with a secret in each, plus keys it must leave alone. */
const PAYLOAD: Record<string, string> = {
  [A.OBSERVATION_INPUT]: `{"prompt":"key ${SECRET}"}`,
  [A.OBSERVATION_OUTPUT]: `answer ${SECRET}`,
  [A.OBSERVATION_METADATA]: `{"apiKey":"${SECRET}"}`,
  [`${A.OBSERVATION_METADATA_PREFIX}apiKey`]: SECRET,
  [A.TRACE_INPUT]: `trace in ${SECRET}`,
  [A.TRACE_OUTPUT]: `trace out ${SECRET}`,
  [A.TRACE_METADATA]: `{"k":"${SECRET}"}`,
  [`${A.TRACE_METADATA_PREFIX}customer.card`]: SECRET,
};
const UNMASKED: Record<string, string> = { [A.OBSERVATION_MODEL]: SECRET, "http.url": SECRET };

describe("SightlineSpanProcessor masking", () => {
  let logs: LogLine[];
  const processors: SightlineSpanProcessor[] = [];

  function memoryProcessor(options: SightlineSpanProcessorOptions): {
    processor: SightlineSpanProcessor;
    exported: () => ReadableSpan[];
  } {
    const exporter = new InMemorySpanExporter();
    const processor = new SightlineSpanProcessor({ exporter, flushIntervalMillis: 60_000, ...options });
    processors.push(processor);
    return { processor, exported: () => exporter.getFinishedSpans() };
  }

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(async () => {
    await Promise.all(processors.splice(0).map((p) => p.shutdown()));
  });

  it("masks input, output and metadata of observations and traces, flattened metadata keys included", async () => {
    const seenKeys: string[] = [];
    const { processor, exported } = memoryProcessor({
      mask: (params) => {
        seenKeys.push(params.key);
        return redact(params);
      },
    });
    const { sdkTracer } = tracingWith(processor);
    sdkTracer.startSpan("llm", { attributes: { ...PAYLOAD, ...UNMASKED } }).end();
    await processor.forceFlush();
    const span = exported()[0];
    assert.ok(span);
    for (const key of Object.keys(PAYLOAD)) {
      const value = span.attributes[key];
      assert.equal(typeof value, "string", key);
      assert.ok(!String(value).includes(SECRET), `${key} still holds the secret: ${String(value)}`);
      assert.ok(String(value).includes("***"), key);
    }
    for (const [key, value] of Object.entries(UNMASKED)) assert.equal(span.attributes[key], value);
    assert.deepEqual(seenKeys.sort(), Object.keys(PAYLOAD).sort());
    assert.equal(processor.getStats().masked, Object.keys(PAYLOAD).length);
  });

  it("sends a non-string mask result as JSON and removes the attribute when the mask returns undefined", async () => {
    const { processor, exported } = memoryProcessor({
      mask: ({ key }) => (key === A.OBSERVATION_INPUT ? { redacted: true } : undefined),
    });
    const { sdkTracer } = tracingWith(processor);
    sdkTracer.startSpan("llm", { attributes: { [A.OBSERVATION_INPUT]: "x", [A.OBSERVATION_OUTPUT]: "y" } }).end();
    await processor.forceFlush();
    const span = exported()[0];
    assert.equal(span?.attributes[A.OBSERVATION_INPUT], '{"redacted":true}');
    assert.equal(A.OBSERVATION_OUTPUT in (span?.attributes ?? {}), false);
  });

  it("fully masks the value when the mask throws, exports the span and warns once", async () => {
    const { processor, exported } = memoryProcessor({
      mask: () => {
        throw new Error("mask bug");
      },
    });
    const { sdkTracer } = tracingWith(processor);
    sdkTracer.startSpan("a", { attributes: { [A.OBSERVATION_INPUT]: SECRET } }).end();
    sdkTracer.startSpan("b", { attributes: { [`${A.TRACE_METADATA_PREFIX}k`]: SECRET } }).end();
    await processor.forceFlush();
    const spans = exported();
    assert.equal(spans[0]?.attributes[A.OBSERVATION_INPUT], MASK_FAILED_VALUE);
    assert.equal(spans[1]?.attributes[`${A.TRACE_METADATA_PREFIX}k`], MASK_FAILED_VALUE);
    const warnings = logs.filter((l) => l.message.includes("mask function failed"));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? "", /mask bug/);
  });

  it("waits for an asynchronous mask: the span is exported masked, and forceFlush waits for it", async () => {
    const { processor, exported } = memoryProcessor({
      mask: async (params) => {
        await delay(60);
        return redact(params);
      },
    });
    const { sdkTracer } = tracingWith(processor);
    sdkTracer.startSpan("llm", { attributes: { [A.OBSERVATION_INPUT]: `in ${SECRET}` } }).end();
    assert.equal(processor.getStats().queued, 1, "the span waits for its mask");
    await processor.forceFlush();
    assert.equal(exported().length, 1);
    assert.equal(exported()[0]?.attributes[A.OBSERVATION_INPUT], "in ***");
  });

  it("fully masks the value when an asynchronous mask rejects", async () => {
    const { processor, exported } = memoryProcessor({ mask: () => Promise.reject(new Error("async mask bug")) });
    const { sdkTracer } = tracingWith(processor);
    sdkTracer.startSpan("llm", { attributes: { [A.OBSERVATION_OUTPUT]: SECRET } }).end();
    await processor.forceFlush();
    assert.equal(exported()[0]?.attributes[A.OBSERVATION_OUTPUT], MASK_FAILED_VALUE);
  });
});

describe("Attribute truncation", () => {
  let server: CaptureServer;
  const processors: SightlineSpanProcessor[] = [];

  beforeEach(async () => {
    captureLogs();
    server = await CaptureServer.start();
  });

  afterEach(async () => {
    await Promise.all(processors.splice(0).map((p) => p.shutdown()));
    await server.close();
  });

  it("truncates values longer than maxAttributeValueLength visibly and lists their keys", async () => {
    const seenLengths: number[] = [];
    const processor = new SightlineSpanProcessor({
      baseUrl: server.url,
      publicKey: "pk",
      secretKey: "sk",
      maxAttributeValueLength: 1_000,
      mask: ({ data }) => {
        seenLengths.push(data.length);
        return data;
      },
    });
    processors.push(processor);
    const { sdkTracer } = tracingWith(processor);
    const long = "x".repeat(5_000);
    sdkTracer.startSpan("big", { attributes: { [A.OBSERVATION_INPUT]: long, "other.long": long, short: "ok" } }).end();
    await processor.forceFlush();
    const span = server.spans()[0];
    assert.ok(span);
    const input = String(attributeOf(span, A.OBSERVATION_INPUT));
    assert.ok(input.length <= 1_000, `length ${input.length}`);
    assert.match(input, /^x+\.\.\.\[truncated by Sightline: \d+ of 5000 characters kept\]$/);
    assert.equal(attributeOf(span, "short"), "ok");
    assert.deepEqual(JSON.parse(String(attributeOf(span, A.TRUNCATED_KEYS))), [A.OBSERVATION_INPUT, "other.long"]);
    assert.equal(processor.getStats().truncatedValues, 2);
    assert.deepEqual(seenLengths, [5_000], "the mask saw the whole value");
  });

  it("leaves attributes alone when every value fits", () => {
    const attributes = { a: "short", b: 42 };
    assert.equal(truncateLongAttributeValues(attributes, 10), 0);
    assert.deepEqual(attributes, { a: "short", b: 42 });
  });
});
