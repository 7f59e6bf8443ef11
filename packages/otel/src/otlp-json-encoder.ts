import type { Attributes, HrTime, Link, SpanContext } from "@opentelemetry/api";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";

/*
 * Writes an OTLP `ExportTraceServiceRequest` in the protobuf JSON mapping straight from
 * ReadableSpans, as one string built by concatenation: no intermediate object tree, and
 * JSON.stringify only on strings. The output has the same fields, in the same order, as
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
function count(value: number | undefined): string {
  return typeof value === "number" ? String(value) : "0";
}

function encodeAnyValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return '{"stringValue":' + JSON.stringify(value) + "}";
    case "number":
      if (Number.isSafeInteger(value)) return '{"intValue":' + String(value) + "}";
      if (Number.isFinite(value)) return '{"doubleValue":' + String(value) + "}";
      return '{"doubleValue":"' + (Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity") + '"}';
    case "boolean":
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    case "object":
      if (value === null) return "{}";
      if (value instanceof Uint8Array) {
        return '{"bytesValue":"' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") + '"}';
      }
      if (Array.isArray(value)) {
        let out = '{"arrayValue":{"values":[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ",";
          out += encodeAnyValue(value[i]);
        }
        return out + "]}}";
      }
      return '{"kvlistValue":{"values":' + encodeKeyValues(value as Record<string, unknown>) + "}}";
    default:
      return "{}";
  }
}

// Attribute keys repeat across spans: their encoded prefix is cached (bounded, so that
// high-cardinality keys cannot grow it without limit).
const KEY_PREFIX_CACHE_LIMIT = 4096;
const keyPrefixCache = new Map<string, string>();

function keyPrefix(key: string): string {
  let prefix = keyPrefixCache.get(key);
  if (prefix === undefined) {
    prefix = '{"key":' + JSON.stringify(key) + ',"value":';
    if (keyPrefixCache.size < KEY_PREFIX_CACHE_LIMIT) keyPrefixCache.set(key, prefix);
  }
  return prefix;
}

function encodeKeyValues(attributes: Readonly<Record<string, unknown>>): string {
  let out = "[";
  let first = true;
  // Object.keys, not for..in: the reference serializer ignores inherited keys.
  for (const key of Object.keys(attributes)) {
    if (first) first = false;
    else out += ",";
    out += keyPrefix(key) + encodeAnyValue(attributes[key]) + "}";
  }
  return out + "]";
}

function encodeAttributes(attributes: Attributes | undefined): string {
  return attributes === undefined ? "[]" : encodeKeyValues(attributes);
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (isRemote === true ? FLAGS_IS_REMOTE : 0);
}

function encodeEvent(event: TimedEvent): string {
  return (
    '{"attributes":' +
    encodeAttributes(event.attributes) +
    ',"name":' +
    JSON.stringify(event.name) +
    ',"timeUnixNano":"' +
    hrTimeToNanosString(event.time) +
    '","droppedAttributesCount":' +
    count(event.droppedAttributesCount) +
    "}"
  );
}

function encodeLink(link: Link): string {
  const context = link.context;
  const traceState = context.traceState?.serialize();
  return (
    '{"attributes":' +
    encodeAttributes(link.attributes) +
    ',"spanId":' +
    JSON.stringify(context.spanId) +
    ',"traceId":' +
    JSON.stringify(context.traceId) +
    (traceState === undefined ? "" : ',"traceState":' + JSON.stringify(traceState)) +
    ',"droppedAttributesCount":' +
    count(link.droppedAttributesCount) +
    ',"flags":' +
    String(spanFlags(context.traceFlags, context.isRemote)) +
    "}"
  );
}

function encodeList<T>(items: readonly T[], encode: (item: T) => string): string {
  if (items.length === 0) return "[]";
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += encode(items[i] as T);
  }
  return out + "]";
}

/** One span, with the fields in the reference serializer's order. */
function encodeSpan(span: ReadableSpan): string {
  const context: SpanContext = span.spanContext();
  const parent = span.parentSpanContext;
  const traceState = context.traceState?.serialize();
  const status = span.status;
  let out = '{"traceId":' + JSON.stringify(context.traceId) + ',"spanId":' + JSON.stringify(context.spanId);
  if (parent?.spanId) out += ',"parentSpanId":' + JSON.stringify(parent.spanId);
  if (traceState !== undefined) out += ',"traceState":' + JSON.stringify(traceState);
  out +=
    ',"name":' +
    JSON.stringify(span.name) +
    // The API's SpanKind starts at INTERNAL = 0; OTLP reserves 0 for UNSPECIFIED.
    ',"kind":' +
    String(span.kind == null ? 0 : span.kind + 1) +
    ',"startTimeUnixNano":"' +
    hrTimeToNanosString(span.startTime) +
    '","endTimeUnixNano":"' +
    hrTimeToNanosString(span.endTime) +
    '","attributes":' +
    encodeKeyValues(span.attributes) +
    ',"droppedAttributesCount":' +
    count(span.droppedAttributesCount) +
    ',"events":' +
    encodeList(span.events, encodeEvent) +
    ',"droppedEventsCount":' +
    count(span.droppedEventsCount) +
    ',"status":{"code":' +
    String(status.code) +
    (status.message === undefined ? "" : ',"message":' + JSON.stringify(status.message)) +
    '},"links":' +
    encodeList(span.links, encodeLink) +
    ',"droppedLinksCount":' +
    count(span.droppedLinksCount) +
    ',"flags":' +
    String(spanFlags(context.traceFlags, parent?.isRemote)) +
    "}";
  return out;
}

function encodeScope(scope: Scope): string {
  const attributes = (scope as { attributes?: Attributes }).attributes;
  const dropped = (scope as { droppedAttributesCount?: number }).droppedAttributesCount;
  let out = '{"name":' + JSON.stringify(scope.name);
  if (scope.version !== undefined) out += ',"version":' + JSON.stringify(scope.version);
  if (attributes !== undefined && Object.keys(attributes).length > 0) {
    out += ',"attributes":' + encodeKeyValues(attributes) + ',"droppedAttributesCount":' + String(dropped ?? 0);
  }
  return out + "}";
}

/** The `resource` object and the trailing `schemaUrl` field of a ResourceSpans. */
interface EncodedResource {
  readonly resource: string;
  readonly schemaUrlField: string;
}

// Resources are long-lived and shared by all spans of a provider: encode each once.
const resourceCache = new WeakMap<Resource, EncodedResource>();

function encodeResource(resource: Resource): EncodedResource {
  const cached = resourceCache.get(resource);
  if (cached !== undefined) return cached;
  const schemaUrl = resource.schemaUrl;
  const schemaUrlField = schemaUrl ? ',"schemaUrl":' + JSON.stringify(schemaUrl) : "";
  const encoded: EncodedResource = {
    resource: '{"attributes":' + encodeKeyValues(resource.attributes) + ',"droppedAttributesCount":0' + schemaUrlField + "}",
    schemaUrlField,
  };
  // Attributes still being detected may change: only settled resources are cached.
  if (resource.asyncAttributesPending !== true) resourceCache.set(resource, encoded);
  return encoded;
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

  let out = '{"resourceSpans":[';
  let firstResource = true;
  for (const [resource, byScope] of byResource) {
    if (firstResource) firstResource = false;
    else out += ",";
    const encoded = encodeResource(resource);
    out += '{"resource":' + encoded.resource + ',"scopeSpans":[';
    let firstScope = true;
    for (const group of byScope.values()) {
      const head = group[0];
      if (head === undefined) continue;
      if (firstScope) firstScope = false;
      else out += ",";
      const scope = head.instrumentationScope;
      out += '{"scope":' + encodeScope(scope) + ',"spans":[';
      for (let i = 0; i < group.length; i++) {
        if (i > 0) out += ",";
        out += encodeSpan(group[i] as ReadableSpan);
      }
      out += "]";
      if (scope.schemaUrl !== undefined) out += ',"schemaUrl":' + JSON.stringify(scope.schemaUrl);
      out += "}";
    }
    out += "]" + encoded.schemaUrlField + "}";
  }
  return out + "]}";
}
