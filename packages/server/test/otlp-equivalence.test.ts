import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { encodeOtlpJson } from "@sightline/otel";
import { decodeOtlpJson, decodeOtlpProtobuf } from "@sightline/server";
import type { DecodedSpan } from "@sightline/server";
import { jsonBody, protobufBody, recordingProvider, seededRandom, variedSpans } from "./otlp-fixtures.js";

function byName(spans: DecodedSpan[], name: string): DecodedSpan {
  const span = spans.find((s) => s.name === name || s.name.startsWith(name));
  assert.ok(span, `no span named ${name}`);
  return span;
}

const STRING_POOL = ["", "a", "héllo", "日本語", "🚀 rocket", "quote\"back\\slash", "tab\tnew\nline", "\u0000\u001f", "x".repeat(40)];

/**
 * A random attribute value, `depth` levels of nesting at most. `exotic` adds what only OTLP (not the
 * OpenTelemetry API) carries: int64 beyond 2^53, bytes, nested arrays and kvlists.
 */
function randomValue(rand: () => number, depth: number, exotic: boolean): unknown {
  const kinds = exotic ? (depth > 0 ? 8 : 6) : 5;
  switch (Math.floor(rand() * kinds)) {
    case 0:
      return STRING_POOL[Math.floor(rand() * STRING_POOL.length)] + String(Math.floor(rand() * 1000));
    case 1:
      return Math.floor((rand() - 0.5) * 2 ** 40);
    case 2:
      return (rand() - 0.5) * 1e6 + 0.5;
    case 3:
      return rand() < 0.5;
    case 4: {
      const item = Math.floor(rand() * 3);
      return Array.from({ length: Math.floor(rand() * 4) }, () => (item === 0 ? `s${rand()}` : item === 1 ? Math.floor(rand() * 100) : rand() < 0.5));
    }
    case 5:
      return rand() < 0.5
        ? [2 ** 53, 2 ** 60, -(2 ** 62), -1][Math.floor(rand() * 4)]
        : Uint8Array.from({ length: Math.floor(rand() * 6) }, () => Math.floor(rand() * 256));
    case 6:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth - 1, exotic));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [`k${i}`, randomValue(rand, depth - 1, exotic)]));
  }
}

/** `count` real spans with random names, kinds, times, statuses, events and attributes. */
function randomSpans(seed: number, count: number, exotic = true): ReadableSpan[] {
  const rand = seededRandom(seed);
  const { provider, exporter } = recordingProvider({ "service.name": "random", "host.cpus": 2 });
  const tracer = provider.getTracer("random-scope", "9.9.9");
  const kinds = [SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
  for (let i = 0; i < count; i++) {
    const seconds = 1_600_000_000 + Math.floor(rand() * 1e8);
    const span = tracer.startSpan(`span-${i}-${STRING_POOL[i % STRING_POOL.length]}`, {
      kind: kinds[Math.floor(rand() * kinds.length)],
      startTime: [seconds, Math.floor(rand() * 1e9)],
    });
    if (rand() < 0.3) span.addEvent(`event-${i}`, { n: i }, [seconds, Math.floor(rand() * 1e9)]);
    if (rand() < 0.3) span.setStatus({ code: SpanStatusCode.ERROR, message: rand() < 0.5 ? "" : `failed ${i}` });
    span.end([seconds + 1, Math.floor(rand() * 1e9)]);
  }
  const spans = exporter.getFinishedSpans();
  for (const span of spans) {
    const extra = Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, j) => [`attr.${j}`, randomValue(rand, 3, exotic)]));
    Object.assign(span.attributes, extra);
  }
  return spans;
}

describe("decodeOtlpJson and decodeOtlpProtobuf", () => {
  it("give deep-equal results for the same real spans in both encodings", () => {
    const spans = variedSpans();
    const fromProtobuf = decodeOtlpProtobuf(protobufBody(spans));
    const fromJson = decodeOtlpJson(jsonBody(spans));
    assert.equal(fromProtobuf.spans.length, spans.length);
    assert.deepEqual(fromProtobuf.rejected, []);
    assert.deepStrictEqual(fromJson, fromProtobuf);
  });

  it("give deep-equal results for hundreds of random spans with attributes of every kind", () => {
    for (const seed of [1, 2, 3]) {
      const spans = randomSpans(seed, 150);
      const fromProtobuf = decodeOtlpProtobuf(protobufBody(spans));
      assert.equal(fromProtobuf.spans.length, 150);
      assert.deepStrictEqual(decodeOtlpJson(jsonBody(spans)), fromProtobuf, `seed ${seed}`);
    }
  });

  it("decode Sightline's own OTLP/JSON exporter body to the same spans as the protobuf one", () => {
    const spans = randomSpans(7, 100, false);
    assert.deepStrictEqual(decodeOtlpJson(encodeOtlpJson(spans)), decodeOtlpProtobuf(protobufBody(spans)));
  });

  it("keep every field of a span: ids, parent, kind, nanosecond times, status, events, links, resource and scope", () => {
    const { spans } = decodeOtlpProtobuf(protobufBody(variedSpans()));
    const root = byName(spans, "root");
    assert.equal(root.name, "root \"quoted\" \u2028 ünïcödé 🚀");
    assert.equal(root.kind, 2);
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.startTimeUnixNano, 1_700_000_000_123_456_789n);
    assert.equal(root.endTimeUnixNano, 1_700_000_001_987_654_321n);
    assert.deepEqual(root.status, { code: 1 });
    assert.match(root.traceId, /^[0-9a-f]{32}$/);
    assert.match(root.spanId, /^[0-9a-f]{16}$/);
    assert.deepEqual(
      root.events.map((e) => [e.name, e.timeUnixNano, e.attributes]),
      [
        ["event-no-attrs", 1_700_000_000_500_000_001n, {}],
        ["event-with-attrs", 1_700_000_000_600_000_000n, { "event.key": "v", "event.n": 7 }],
      ],
    );
    assert.deepEqual(root.resource, { "service.name": "svc-a", "process.pid": 4242, "deployment.tags": ["a", "b"] });
    assert.deepEqual(root.scope, { name: "langfuse-sdk", version: "0.1.0", attributes: {} });

    const child = byName(spans, "child");
    assert.equal(child.parentSpanId, root.spanId);
    assert.equal(child.traceId, root.traceId);
    assert.equal(child.kind, 3);
    assert.deepEqual(child.status, { code: 2, message: "boom: \"bad\" ✗" });
    assert.deepEqual(child.links, [
      { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", attributes: { "link.key": "lv", "link.n": 3 } },
      { traceId: "1af7651916cd43dd8448eb211c80319c", spanId: "c7ad6b7169203331", attributes: {} },
    ]);
    assert.deepEqual(byName(spans, "error-without-message").status, { code: 2 });
    assert.deepEqual(
      [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER].map((k) => byName(spans, `kind-${k}`).kind),
      [1, 3, 4, 5],
      "SpanKind INTERNAL..CONSUMER map to OTLP 1, 3, 4, 5",
    );

    const remote = byName(spans, "remote-child");
    assert.equal(remote.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert.equal(remote.parentSpanId, "00f067aa0ba902b7");
    assert.deepEqual(remote.scope, { name: "no-version", attributes: {} });

    const other = byName(spans, "other-resource");
    assert.deepEqual(other.resource, { "service.name": "svc-b", "ünï.côdé": "✓" });
    assert.deepEqual(other.scope, { name: "openinference.instrumentation.openai", version: "1.2.3", attributes: { "scope.attr": "yes", "scope.n": 2 } });
    assert.equal(byName(spans, "short-nanos").endTimeUnixNano - byName(spans, "short-nanos").startTimeUnixNano, 63n);
  });

  it("decode attribute values of every kind, with int64 beyond 2^53 as exact decimal strings", () => {
    const root = byName(decodeOtlpProtobuf(protobufBody(variedSpans())).spans, "root");
    const a = root.attributes;
    assert.equal(a["str.empty"], "");
    assert.equal(a["str.long"], "x".repeat(5000) + "é");
    assert.equal(a["int.zero"], 0);
    assert.equal(a["int.negative"], -42);
    assert.equal(a["int.max.safe"], Number.MAX_SAFE_INTEGER);
    assert.equal(a["int.min.safe"], Number.MIN_SAFE_INTEGER);
    assert.equal(a["int.big"], "1152921504606846976");
    assert.equal(a["int.big.negative"], "-1152921504606846976");
    assert.equal(a["int.2^53"], "9007199254740992");
    assert.equal(a["double.value"], 3.14159);
    assert.equal(a["double.tiny"], 1e-300);
    assert.equal(a["bool.true"], true);
    assert.equal(a["bool.false"], false);
    assert.deepEqual(a["array.strings"], ["a", "b\"c", "", "日本語"]);
    assert.deepEqual(a["array.numbers"], [1, 2.5, -3]);
    assert.deepEqual(a["array.empty"], []);
    assert.deepEqual(a["array.nested"], [[1, 2], ["a", [false]], []]);
    assert.deepEqual(a["array.mixed"], ["s", 1, 2.5, true, { k: "v" }]);
    assert.deepEqual(a.kvlist, { a: 1, nested: { b: [true, "x"], empty: {} }, "": "empty key" });
    assert.equal(a.bytes, Buffer.from([0, 255, 10, 13]).toString("base64"));
    assert.equal(a["control\tkey\u0001"], "value\u0000with\u001fcontrols");
  });

  it("share one resource object and one scope object among the spans that have them", () => {
    const { spans } = decodeOtlpJson(jsonBody(variedSpans()));
    const fromA = spans.filter((s) => s.resource["service.name"] === "svc-a");
    assert.ok(fromA.length > 3);
    assert.ok(fromA.every((s) => s.resource === fromA[0]?.resource));
    const sdkScope = fromA.filter((s) => s.scope.name === "langfuse-sdk");
    assert.ok(sdkScope.every((s) => s.scope === sdkScope[0]?.scope));
  });

  it("decode an empty request to no spans in both encodings", () => {
    assert.deepEqual(decodeOtlpProtobuf(protobufBody([])), { spans: [], rejected: [] });
    assert.deepEqual(decodeOtlpJson(jsonBody([])), { spans: [], rejected: [] });
    assert.deepEqual(decodeOtlpProtobuf(new Uint8Array(0)), { spans: [], rejected: [] });
    assert.deepEqual(decodeOtlpJson("{}"), { spans: [], rejected: [] });
  });
});
