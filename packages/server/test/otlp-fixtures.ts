// Test fixtures for the OTLP decoders: real spans from the OpenTelemetry SDK, their bodies as the
// real OTLP serializers write them, a tiny protobuf writer for hand-made (and broken) bodies, and a
// seeded random generator.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { TraceState } from "@opentelemetry/core";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SightlineAttributes } from "@sightline/core";

let contextManagerInstalled = false;

function installContextManager(): void {
  if (contextManagerInstalled) return;
  contextManagerInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** A provider with `resource` attributes whose finished spans land in the returned exporter. */
export function recordingProvider(resource: Record<string, string | number | boolean | string[]> = { "service.name": "test" }): {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
} {
  installContextManager();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { provider, exporter };
}

/**
 * Real spans of many shapes: two resources, several scopes (one with attributes), all span kinds,
 * statuses with and without messages, events and links with attributes, a remote parent, a
 * nanosecond-precise start, unicode and control characters, int64 beyond 2^53, and attribute
 * kinds the API cannot set but the serializers write (kvlists, bytes, nested arrays).
 */
export function variedSpans(): ReadableSpan[] {
  const a = recordingProvider({ "service.name": "svc-a", "process.pid": 4242, "deployment.tags": ["a", "b"] });
  const b = recordingProvider({ "service.name": "svc-b", "ünï.côdé": "✓" });
  const sdk = a.provider.getTracer("langfuse-sdk", "0.1.0");
  const versionless = a.provider.getTracer("no-version");
  const other = b.provider.getTracer("openinference.instrumentation.openai", "1.2.3");

  sdk.startActiveSpan("root \"quoted\" \u2028 ünïcödé 🚀", { kind: SpanKind.SERVER, startTime: [1_700_000_000, 123_456_789] }, (root) => {
    root.setAttributes({
      [SightlineAttributes.OBSERVATION_INPUT]: JSON.stringify({ messages: [{ role: "user", content: "hi \"there\" 👋" }] }),
      [SightlineAttributes.OBSERVATION_TYPE]: "agent",
      "str.empty": "",
      "str.long": "x".repeat(5000) + "é",
      "int.zero": 0,
      "int.negative": -42,
      "int.max.safe": Number.MAX_SAFE_INTEGER,
      "int.min.safe": Number.MIN_SAFE_INTEGER,
      "double.value": 3.14159,
      "double.tiny": 1e-300,
      "bool.true": true,
      "bool.false": false,
      "array.strings": ["a", "b\"c", "", "日本語"],
      "array.numbers": [1, 2.5, -3],
      "array.bools": [true, false],
      "array.empty": [],
      "control\tkey\u0001": "value\u0000with\u001fcontrols",
    });
    root.addEvent("event-no-attrs", [1_700_000_000, 500_000_001]);
    root.addEvent("event-with-attrs", { "event.key": "v", "event.n": 7 }, [1_700_000_000, 600_000_000]);
    const kinds = [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
    for (const kind of kinds) sdk.startSpan(`kind-${kind}`, { kind }).end();
    const child = sdk.startSpan("child", {
      kind: SpanKind.CLIENT,
      links: [
        {
          context: {
            traceId: "0af7651916cd43dd8448eb211c80319c",
            spanId: "b7ad6b7169203331",
            traceFlags: TraceFlags.SAMPLED,
            isRemote: true,
            traceState: new TraceState("vendor=value"),
          },
          attributes: { "link.key": "lv", "link.n": 3 },
        },
        { context: { traceId: "1af7651916cd43dd8448eb211c80319c", spanId: "c7ad6b7169203331", traceFlags: TraceFlags.NONE } },
      ],
    });
    child.setStatus({ code: SpanStatusCode.ERROR, message: "boom: \"bad\" ✗" });
    child.end([1_700_000_000, 999_999_999]);
    sdk.startSpan("error-without-message").setStatus({ code: SpanStatusCode.ERROR }).end();
    root.setStatus({ code: SpanStatusCode.OK });
    root.end([1_700_000_001, 987_654_321]);
  });

  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  context.with(remoteParent, () => {
    versionless.startSpan("remote-child", { kind: SpanKind.CONSUMER }).end();
  });
  other.startSpan("other-resource", { attributes: { "gen_ai.system": "openai", "gen_ai.usage.input_tokens": 12 } }).end();
  versionless.startSpan("short-nanos", { startTime: [1_700_000_002, 7] }).end([1_700_000_002, 70]);

  const spans = [...a.exporter.getFinishedSpans(), ...b.exporter.getFinishedSpans()];
  const root = spans.find((s) => s.name.startsWith("root"));
  // Values the API does not accept but OTLP carries; the serializers write them as they are.
  Object.assign(root?.attributes ?? {}, {
    "int.big": 2 ** 60,
    "int.big.negative": -(2 ** 60),
    "int.2^53": 2 ** 53,
    kvlist: { a: 1, nested: { b: [true, "x"], empty: {} }, "": "empty key" },
    bytes: new Uint8Array([0, 255, 10, 13]),
    "array.nested": [[1, 2], ["a", [false]], []],
    "array.mixed": ["s", 1, 2.5, true, { k: "v" }],
  });
  const scoped = spans.find((s) => s.name === "other-resource");
  Object.assign(scoped?.instrumentationScope ?? {}, { attributes: { "scope.attr": "yes", "scope.n": 2 } });
  return spans;
}

/** The OTLP/protobuf body OpenTelemetry's exporter sends for `spans`. */
export function protobufBody(spans: ReadableSpan[]): Uint8Array {
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  if (body === undefined) throw new Error("ProtobufTraceSerializer returned nothing");
  return body;
}

/** The OTLP/JSON body OpenTelemetry's exporter sends for `spans`. */
export function jsonBody(spans: ReadableSpan[]): Uint8Array {
  const body = JsonTraceSerializer.serializeRequest(spans);
  if (body === undefined) throw new Error("JsonTraceSerializer returned nothing");
  return body;
}

// ---- A tiny protobuf writer, for bodies the real serializers would never produce. ----

/** Concatenates byte arrays. */
export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A varint (two's complement for negative numbers, as int64 fields use). */
export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** A field tag. */
export function tag(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

/** Protobuf field encoders: `pb.len(5, pb.str(1, "x"))` and so on. */
export const pb = {
  varint: (field: number, value: number | bigint): Uint8Array => concat(tag(field, 0), varint(value)),
  fixed64: (field: number, value: bigint): Uint8Array => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, value, true);
    return concat(tag(field, 1), bytes);
  },
  double: (field: number, value: number): Uint8Array => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return concat(tag(field, 1), bytes);
  },
  fixed32: (field: number, value: number): Uint8Array => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    return concat(tag(field, 5), bytes);
  },
  len: (field: number, ...parts: (Uint8Array | number[])[]): Uint8Array => {
    const payload = concat(...parts);
    return concat(tag(field, 2), varint(payload.length), payload);
  },
  str: (field: number, text: string): Uint8Array => pb.len(field, Buffer.from(text, "utf8")),
  hex: (field: number, hex: string): Uint8Array => pb.len(field, Buffer.from(hex, "hex")),
};

/** AnyValue encoders (common.proto). */
export const anyValue = {
  string: (s: string): Uint8Array => pb.str(1, s),
  bool: (b: boolean): Uint8Array => pb.varint(2, b ? 1 : 0),
  int: (n: number | bigint): Uint8Array => pb.varint(3, n),
  double: (d: number): Uint8Array => pb.double(4, d),
  array: (...values: Uint8Array[]): Uint8Array => pb.len(5, ...values.map((v) => pb.len(1, v))),
  kvlist: (...kvs: Uint8Array[]): Uint8Array => pb.len(6, ...kvs.map((kv) => pb.len(1, kv))),
  bytes: (bytes: number[]): Uint8Array => pb.len(7, bytes),
};

/** A KeyValue message body (no tag). */
export function keyValue(key: string, value: Uint8Array): Uint8Array {
  return concat(pb.str(1, key), pb.len(2, value));
}

export const TRACE_ID = "5b8efff798038103d269b633813fc60c";
export const SPAN_ID = "eee19b7ec3c1b174";
export const PARENT_ID = "eee19b7ec3c1b173";

/** The fields of a valid Span message (no tag), plus `extra` fields appended. */
export function spanFields(extra: Uint8Array[] = [], ids: { traceId?: string; spanId?: string } = {}): Uint8Array {
  return concat(
    pb.hex(1, ids.traceId ?? TRACE_ID),
    pb.hex(2, ids.spanId ?? SPAN_ID),
    pb.str(5, "span"),
    pb.varint(6, 1),
    pb.fixed64(7, 1_700_000_000_000_000_001n),
    pb.fixed64(8, 1_700_000_000_500_000_000n),
    ...extra,
  );
}

/** An ExportTraceServiceRequest with one resource and one scope holding the given Span bodies. */
export function protobufRequest(...spans: Uint8Array[]): Uint8Array {
  const scopeSpans = pb.len(2, pb.len(1, pb.str(1, "scope")), ...spans.map((s) => pb.len(2, s)));
  return pb.len(1, pb.len(1, pb.len(1, keyValue("service.name", anyValue.string("svc")))), scopeSpans);
}

/** A JSON span with valid ids and times, with `fields` merged over it. */
export function jsonSpan(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    name: "span",
    kind: 1,
    startTimeUnixNano: "1700000000000000001",
    endTimeUnixNano: "1700000000500000000",
    ...fields,
  };
}

/** An OTLP/JSON ExportTraceServiceRequest text with one resource and one scope holding `spans`. */
export function jsonRequest(...spans: unknown[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
        scopeSpans: [{ scope: { name: "scope" }, spans }],
      },
    ],
  });
}

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
