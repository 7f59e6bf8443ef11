import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, trace } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { encodeOtlpJson, hrTimeToNanosString } from "@sightline/otel";
import { installContextManager } from "./helpers/tracing.js";

/** Real spans of many shapes, from two providers (two resources) and several scopes. */
function variedSpans(): ReadableSpan[] {
  installContextManager();
  const exporter = new InMemorySpanExporter();
  const providerA = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "svc-a", "process.pid": 4242, "deployment.tags": ["a", "b"] }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const providerB = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "svc-b" }, { schemaUrl: "https://opentelemetry.io/schemas/1.26.0" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const sdk = providerA.getTracer("langfuse-sdk", "0.1.0");
  const sdkAgain = providerA.getTracer("langfuse-sdk", "0.1.0"); // same scope key, different object
  const versionless = providerA.getTracer("no-version");
  const withSchema = providerA.getTracer("with-schema", "2.0.0", { schemaUrl: "https://example.com/schema" });
  const other = providerB.getTracer("openinference.instrumentation.openai", "1.2.3");

  const nanosStart: [number, number] = [1_700_000_000, 123_456_789];
  const nanosEnd: [number, number] = [1_700_000_001, 987_654_321];

  sdk.startActiveSpan("root \"quoted\" \u2028 ünïcödé 🚀", { kind: SpanKind.SERVER, startTime: nanosStart }, (root) => {
    root.setAttributes({
      "langfuse.observation.input": '{"messages":[{"role":"user","content":"hi\\n\\"there\\""}]}',
      "str.empty": "",
      "int.zero": 0,
      "int.negative": -42,
      "int.big.safe": Number.MAX_SAFE_INTEGER,
      "double.value": 3.14159,
      "double.tiny": 1e-7,
      "bool.true": true,
      "bool.false": false,
      "array.strings": ["a", "b\"c", ""],
      "array.numbers": [1, 2.5, -3],
      "array.bools": [true, false],
      "array.empty": [],
      "control\tkey\u0001": "value\u0000with\u001fcontrols",
    });
    root.addEvent("event-no-attrs", [1_700_000_000, 500_000_001]);
    root.addEvent("event-with-attrs", { "event.key": "v", "event.n": 7 }, [1_700_000_000, 600_000_000]);
    const child = sdk.startSpan("child", {
      kind: SpanKind.CLIENT,
      links: [
        {
          context: {
            traceId: "0af7651916cd43dd8448eb211c80319c",
            spanId: "b7ad6b7169203331",
            traceFlags: TraceFlags.SAMPLED,
            isRemote: true,
            traceState: new TraceState("vendor=value,other=x"),
          },
          attributes: { "link.key": "lv" },
        },
        { context: { traceId: "1af7651916cd43dd8448eb211c80319c", spanId: "c7ad6b7169203331", traceFlags: TraceFlags.NONE } },
      ],
    });
    child.setStatus({ code: SpanStatusCode.ERROR, message: "boom: \"bad\"" });
    child.end([1_700_000_000, 999_999_999]);
    sdkAgain.startSpan("same-scope-other-tracer").end();
    root.setStatus({ code: SpanStatusCode.OK });
    root.end(nanosEnd);
  });

  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState("congo=t61rcWkgMzE"),
  });
  context.with(remoteParent, () => {
    versionless.startSpan("remote-child", { kind: SpanKind.CONSUMER }).end();
    withSchema.startSpan("producer", { kind: SpanKind.PRODUCER, startTime: [0, 5] }).end([1, 0]);
  });
  other.startSpan("other-resource", { attributes: { "gen_ai.system": "openai", "gen_ai.usage.input_tokens": 12 } }).end();
  versionless.startSpan("short-nanos", { startTime: [1_700_000_002, 7] }).end([1_700_000_002, 70]);
  return exporter.getFinishedSpans();
}

function reference(spans: ReadableSpan[]): string {
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
}

describe("encodeOtlpJson", () => {
  it("writes the same JSON as OpenTelemetry's JsonTraceSerializer, byte for byte", () => {
    const spans = variedSpans();
    assert.ok(spans.length >= 7);
    const ours = encodeOtlpJson(spans);
    const theirs = reference(spans);
    assert.deepEqual(JSON.parse(ours), JSON.parse(theirs));
    assert.equal(ours, theirs);
  });

  it("keeps full nanosecond precision in timestamps", () => {
    const spans = variedSpans();
    const parsed = JSON.parse(encodeOtlpJson(spans)) as {
      resourceSpans: { scopeSpans: { spans: { name: string; startTimeUnixNano: string; endTimeUnixNano: string }[] }[] }[];
    };
    const all = parsed.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const root = all.find((s) => s.name.startsWith("root"));
    assert.equal(root?.startTimeUnixNano, "1700000000123456789");
    assert.equal(root?.endTimeUnixNano, "1700000001987654321");
    const short = all.find((s) => s.name === "short-nanos");
    assert.equal(short?.startTimeUnixNano, "1700000002000000007");
    assert.equal(short?.endTimeUnixNano, "1700000002000000070");
    const producer = all.find((s) => s.name === "producer");
    assert.equal(producer?.startTimeUnixNano, "5");
    assert.equal(producer?.endTimeUnixNano, "1000000000");
  });

  it("converts HrTime exactly, where a detour through milliseconds would round", () => {
    assert.equal(hrTimeToNanosString([1_700_000_000, 123_456_789]), "1700000000123456789");
    assert.equal(hrTimeToNanosString([1_700_000_000, 0]), "1700000000000000000");
    assert.equal(hrTimeToNanosString([1_700_000_000, 1]), "1700000000000000001");
    assert.equal(hrTimeToNanosString([0, 0]), "0");
    assert.equal(hrTimeToNanosString([0, 999_999_999]), "999999999");
    assert.equal(hrTimeToNanosString([2, 1_500_000_000]), "3500000000", "unnormalised nanoseconds still add up");
    assert.notEqual(String((1_700_000_000 * 1e3 + 123.456789) * 1e6), "1700000000123456789");
  });

  it("groups spans by resource, then by scope name, version and schema URL", () => {
    const parsed = JSON.parse(encodeOtlpJson(variedSpans())) as {
      resourceSpans: { resource: { attributes: { key: string }[] }; scopeSpans: { scope: { name: string } }[] }[];
    };
    assert.equal(parsed.resourceSpans.length, 2);
    const scopes = parsed.resourceSpans.map((r) => r.scopeSpans.map((s) => s.scope.name));
    assert.deepEqual(scopes, [["langfuse-sdk", "no-version", "with-schema"], ["openinference.instrumentation.openai"]]);
  });

  it("sends integers beyond 2^53 and non-finite numbers as doubles, where the reference loses them", () => {
    const [span] = variedSpans();
    assert.ok(span);
    Object.assign(span.attributes, { huge: 2 ** 60, nan: Number.NaN, inf: Infinity, ninf: -Infinity });
    const parsed = JSON.parse(encodeOtlpJson([span])) as {
      resourceSpans: { scopeSpans: { spans: { attributes: { key: string; value: unknown }[] }[] }[] }[];
    };
    const values = Object.fromEntries(
      (parsed.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes ?? []).map((a) => [a.key, a.value]),
    );
    assert.deepEqual(values.huge, { doubleValue: 2 ** 60 });
    assert.deepEqual(values.nan, { doubleValue: "NaN" });
    assert.deepEqual(values.inf, { doubleValue: "Infinity" });
    assert.deepEqual(values.ninf, { doubleValue: "-Infinity" });
  });

  it("encodes an empty batch as an empty request", () => {
    assert.equal(encodeOtlpJson([]), '{"resourceSpans":[]}');
    assert.equal(encodeOtlpJson([]), reference([]));
  });
});
