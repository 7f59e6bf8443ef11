import { jsonAttributes, jsonCount, jsonEnum, jsonString, jsonTime, isJsonObject } from "./json-values.js";
import type { JsonObject } from "./json-values.js";
import { SPAN_KIND_BY_NAME, STATUS_CODE_BY_NAME } from "./otlp-enums.js";
import { isZeroId, jsonIdHex, parseJsonId } from "./otlp-ids.js";
import type { AttributeMap, DecodedScope, DecodedSpan, DecodedSpanEvent, DecodedSpanLink } from "./otlp-span.js";
import { SpanProblem, describeValue, within } from "./span-problem.js";
import { resolveSpanTimes } from "./span-times.js";

// One OTLP/JSON span to a DecodedSpan. Both the proto3 JSON names (lowerCamelCase) and the original
// proto field names (snake_case) are accepted, as the proto3 JSON mapping requires of parsers.

function list(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw new SpanProblem(path, `expected an array, got ${describeValue(value)}`);
}

function attributesAt(value: unknown, path: string): AttributeMap {
  try {
    return jsonAttributes(value, 0);
  } catch (error) {
    throw within(error, path);
  }
}

/** An empty or all-zero parent id means "root"; anything else must be a valid span id. */
function parentSpanIdOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const hex = jsonIdHex(value, 8, "parentSpanId");
  return isZeroId(hex) ? undefined : hex;
}

function eventOf(value: unknown): DecodedSpanEvent {
  if (!isJsonObject(value)) throw new SpanProblem("", `expected an event object, got ${describeValue(value)}`);
  return {
    name: jsonString(value.name, "name"),
    timeUnixNano: jsonTime(value.timeUnixNano ?? value.time_unix_nano, "timeUnixNano"),
    attributes: attributesAt(value.attributes, "attributes"),
  };
}

function linkOf(value: unknown): DecodedSpanLink {
  if (!isJsonObject(value)) throw new SpanProblem("", `expected a link object, got ${describeValue(value)}`);
  return {
    traceId: parseJsonId(value.traceId ?? value.trace_id, 16, "traceId"),
    spanId: parseJsonId(value.spanId ?? value.span_id, 8, "spanId"),
    attributes: attributesAt(value.attributes, "attributes"),
  };
}

function eachOf<T>(value: unknown, path: string, decode: (item: unknown) => T): T[] {
  const items = list(value, path);
  const out = new Array<T>(items.length);
  let i = 0;
  try {
    for (; i < items.length; i++) out[i] = decode(items[i]);
  } catch (error) {
    throw within(error, `${path}[${i}]`);
  }
  return out;
}

function statusOf(value: unknown): { code: number; message?: string } {
  if (value === undefined || value === null) return { code: 0 };
  if (!isJsonObject(value)) throw new SpanProblem("status", `expected an object, got ${describeValue(value)}`);
  const code = jsonEnum(value.code, STATUS_CODE_BY_NAME, "status.code");
  const message = jsonString(value.message, "status.message");
  return message === "" ? { code } : { code, message };
}

/**
 * Decodes one OTLP/JSON span. Throws a {@link SpanProblem} (with the path inside the span) when the
 * span must be rejected: bad or missing ids, a malformed value, no time at all.
 */
export function decodeJsonSpan(value: unknown, resource: AttributeMap, scope: DecodedScope): DecodedSpan {
  if (!isJsonObject(value)) throw new SpanProblem("", `expected a span object, got ${describeValue(value)}`);
  const s: JsonObject = value;
  const traceId = parseJsonId(s.traceId ?? s.trace_id, 16, "traceId");
  const spanId = parseJsonId(s.spanId ?? s.span_id, 8, "spanId");
  const parentSpanId = parentSpanIdOf(s.parentSpanId ?? s.parent_span_id);
  const times = resolveSpanTimes(
    jsonTime(s.startTimeUnixNano ?? s.start_time_unix_nano, "startTimeUnixNano"),
    jsonTime(s.endTimeUnixNano ?? s.end_time_unix_nano, "endTimeUnixNano"),
  );
  const span: DecodedSpan = {
    traceId,
    spanId,
    name: jsonString(s.name, "name"),
    kind: jsonEnum(s.kind, SPAN_KIND_BY_NAME, "kind"),
    startTimeUnixNano: times.startTimeUnixNano,
    endTimeUnixNano: times.endTimeUnixNano,
    attributes: attributesAt(s.attributes, "attributes"),
    droppedAttributesCount: jsonCount(s.droppedAttributesCount ?? s.dropped_attributes_count, "droppedAttributesCount"),
    events: eachOf(s.events, "events", eventOf),
    links: eachOf(s.links, "links", linkOf),
    status: statusOf(s.status),
    resource,
    scope,
  };
  if (parentSpanId !== undefined) span.parentSpanId = parentSpanId;
  return span;
}
