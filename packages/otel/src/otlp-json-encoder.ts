import type { Attributes, HrTime, Link, SpanContext } from "@opentelemetry/api";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";

/*
 * Writes an OTLP `ExportTraceServiceRequest` in the protobuf JSON mapping straight from
 * ReadableSpans: plain objects in the wire layout, serialised by one JSON.stringify (measured
 * faster than string concatenation, which leaves a long rope for Buffer.from to flatten). The output has the same fields, in the same order, as
 * @opentelemetry/otlp-transformer's JsonTraceSerializer (the JS OTLP/HTTP JSON exporter), so any
 * OTLP receiver and the Langfuse server read it. Deliberate differences, where the reference loses
 * data: integers beyond 2^53 are sent as doubleValue (they are not exact integers any more), and
 * NaN/Infinity as the proto3 JSON strings "NaN"/"Infinity"/"-Infinity" (the reference sends null).
 */

type Resource = ReadableSpan["resource"];
type Scope = ReadableSpan["instrumentationScope"];

// OTLP span flags: the low 8 bits are the W3C trace flags; 0x100 says whether the parent is
// remote is known, 0x200 that it is remote.
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;

const NANOS_ZEROS = ["", "0", "00", "000", "0000", "00000", "000000", "0000000", "00000000", "000000000"];
const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * An HrTime `[seconds, nanoseconds]` as a decimal string of nanoseconds since the epoch, exact to
 * the nanosecond (no detour through floating-point milliseconds).
 *
 * @example
 * hrTimeToNanosString([1700000000, 123456789]); // "1700000000123456789"
 */
export function hrTimeToNanosString(time: HrTime): string {
  const seconds = time[0];
  const nanos = time[1];
  if (seconds > 0 && Number.isSafeInteger(seconds) && Number.isInteger(nanos) && nanos >= 0 && nanos < 1e9) {
    const digits = String(nanos);
    return String(seconds) + NANOS_ZEROS[9 - digits.length] + digits;
  }
  // Unusual shapes (zero, negative, fractional or unnormalised parts): exact BigInt arithmetic,
  // truncating fractions as the reference serializer does.
  return (BigInt(Math.trunc(seconds)) * NANOS_PER_SECOND + BigInt(Math.trunc(nanos))).toString();
}

/** A count field; ReadableSpans from other SDKs may leave it out (proto3's default is 0). */
function count(value: number | undefined): number {
  return typeof value === "number" ? value : 0;
}

type JsonAnyValue = Record<string, unknown>;

function anyValue(value: unknown): JsonAnyValue {
  switch (typeof value) {
    case "string":
      return { stringValue: value };
    case "number":
      if (Number.isSafeInteger(value)) return { intValue: value };
      if (Number.isFinite(value)) return { doubleValue: value };
      return { doubleValue: Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity" };
    case "boolean":
      return { boolValue: value };
    case "object":
      if (value === null) return {};
      if (value instanceof Uint8Array) {
        return { bytesValue: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
      }
      if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
      return { kvlistValue: { values: keyValues(value as Record<string, unknown>) } };
    default:
      return {};
  }
}

function keyValues(attributes: Readonly<Record<string, unknown>>): { key: string; value: JsonAnyValue }[] {
  // Object.keys, not for..in: the reference serializer ignores inherited keys.
  const keys = Object.keys(attributes);
  const out = new Array<{ key: string; value: JsonAnyValue }>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out[i] = { key, value: anyValue(attributes[key]) };
  }
  return out;
}

function attributeList(attributes: Attributes | undefined): { key: string; value: JsonAnyValue }[] {
  return attributes === undefined ? [] : keyValues(attributes);
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (isRemote === true ? FLAGS_IS_REMOTE : 0);
}

function event(e: TimedEvent): object {
  return {
    attributes: attributeList(e.attributes),
    name: e.name,
    timeUnixNano: hrTimeToNanosString(e.time),
    droppedAttributesCount: count(e.droppedAttributesCount),
  };
}

function link(l: Link): object {
  const context = l.context;
  return {
    attributes: attributeList(l.attributes),
    spanId: context.spanId,
    traceId: context.traceId,
    traceState: context.traceState?.serialize(),
    droppedAttributesCount: count(l.droppedAttributesCount),
    flags: spanFlags(context.traceFlags, context.isRemote),
  };
}

/** One span, with the fields in the reference serializer's order (undefined fields are omitted). */
function spanObject(span: ReadableSpan): object {
  const context: SpanContext = span.spanContext();
  const parent = span.parentSpanContext;
  const status = span.status;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: parent?.spanId ? parent.spanId : undefined,
    traceState: context.traceState?.serialize(),
    name: span.name,
    // The API's SpanKind starts at INTERNAL = 0; OTLP reserves 0 for UNSPECIFIED.
    kind: span.kind == null ? 0 : span.kind + 1,
    startTimeUnixNano: hrTimeToNanosString(span.startTime),
    endTimeUnixNano: hrTimeToNanosString(span.endTime),
    attributes: keyValues(span.attributes),
    droppedAttributesCount: count(span.droppedAttributesCount),
    events: span.events.length === 0 ? [] : span.events.map(event),
    droppedEventsCount: count(span.droppedEventsCount),
    status: status.message === undefined ? { code: status.code } : { code: status.code, message: status.message },
    links: span.links.length === 0 ? [] : span.links.map(link),
    droppedLinksCount: count(span.droppedLinksCount),
    flags: spanFlags(context.traceFlags, parent?.isRemote),
  };
}

function scopeObject(scope: Scope): object {
  const attributes = (scope as { attributes?: Attributes }).attributes;
  const dropped = (scope as { droppedAttributesCount?: number }).droppedAttributesCount;
  const hasAttributes = attributes !== undefined && Object.keys(attributes).length > 0;
  return {
    name: scope.name,
    version: scope.version,
    attributes: hasAttributes ? keyValues(attributes) : undefined,
    droppedAttributesCount: hasAttributes ? (dropped ?? 0) : undefined,
  };
}

// Resources are long-lived and shared by all spans of a provider: build each once.
const resourceCache = new WeakMap<Resource, object>();

function resourceObject(resource: Resource): object {
  const cached = resourceCache.get(resource);
  if (cached !== undefined) return cached;
  const built = {
    attributes: keyValues(resource.attributes),
    droppedAttributesCount: 0,
    schemaUrl: resource.schemaUrl || undefined,
  };
  // Attributes still being detected may change: only settled resources are cached.
  if (resource.asyncAttributesPending !== true) resourceCache.set(resource, built);
  return built;
}

function scopeKey(scope: Scope): string {
  return scope.name + "@" + (scope.version || "") + ":" + (scope.schemaUrl || "");
}

/**
 * Encodes spans as an OTLP/JSON `ExportTraceServiceRequest`: grouped by resource, then by
 * instrumentation scope (name, version, schema URL); ids as lowercase hex strings, timestamps as
 * decimal nanosecond strings, kind and status code as numbers, integer attributes as JSON numbers.
 *
 * @example
 * const body = encodeOtlpJson(spans); // '{"resourceSpans":[{"resource":{...},"scopeSpans":[...]}]}'
 */
export function encodeOtlpJson(spans: readonly ReadableSpan[]): string {
  const byResource = new Map<Resource, Map<string, ReadableSpan[]>>();
  for (const span of spans) {
    let byScope = byResource.get(span.resource);
    if (byScope === undefined) {
      byScope = new Map();
      byResource.set(span.resource, byScope);
    }
    const key = scopeKey(span.instrumentationScope);
    const group = byScope.get(key);
    if (group === undefined) byScope.set(key, [span]);
    else group.push(span);
  }
  const resourceSpans: object[] = [];
  for (const [resource, byScope] of byResource) {
    const scopeSpans: object[] = [];
    for (const group of byScope.values()) {
      const head = group[0];
      if (head === undefined) continue;
      const scope = head.instrumentationScope;
      scopeSpans.push({ scope: scopeObject(scope), spans: group.map(spanObject), schemaUrl: scope.schemaUrl });
    }
    const resourceBuilt = resourceObject(resource) as { schemaUrl?: string };
    resourceSpans.push({ resource: resourceBuilt, scopeSpans, schemaUrl: resourceBuilt.schemaUrl });
  }
  // One JSON.stringify over plain objects is faster than string concatenation (no long rope to
  // flatten, far less garbage), and it omits the undefined fields exactly as the reference does.
  return JSON.stringify({ resourceSpans });
}
