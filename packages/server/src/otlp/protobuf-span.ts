import { protobufId } from "./otlp-ids.js";
import type { AttributeMap, DecodedScope, DecodedSpan, DecodedSpanEvent, DecodedSpanLink } from "./otlp-span.js";
import { WireType } from "./protobuf-reader.js";
import type { FieldTable, ProtobufReader } from "./protobuf-reader.js";
import { attribute } from "./protobuf-values.js";
import { SpanProblem, within } from "./span-problem.js";
import { resolveSpanTimes } from "./span-times.js";

// Span, Span.Event, Span.Link and Status of opentelemetry/proto/trace/v1/trace.proto.

const tag = (field: number, wireType: number): number => (field << 3) | wireType;

const SPAN_TRACE_ID = tag(1, WireType.LEN);
const SPAN_SPAN_ID = tag(2, WireType.LEN);
const SPAN_PARENT_SPAN_ID = tag(4, WireType.LEN);
const SPAN_NAME = tag(5, WireType.LEN);
const SPAN_KIND = tag(6, WireType.VARINT);
const SPAN_START = tag(7, WireType.I64);
const SPAN_END = tag(8, WireType.I64);
const SPAN_ATTRIBUTES = tag(9, WireType.LEN);
const SPAN_DROPPED_ATTRIBUTES = tag(10, WireType.VARINT);
const SPAN_EVENTS = tag(11, WireType.LEN);
const SPAN_LINKS = tag(13, WireType.LEN);
const SPAN_STATUS = tag(15, WireType.LEN);
/** Span fields; trace_state (3), the dropped counts (12, 14) and flags (16) are read past. */
const SPAN_FIELDS: FieldTable = [
  undefined,
  ["trace_id", WireType.LEN],
  ["span_id", WireType.LEN],
  ["trace_state", WireType.LEN],
  ["parent_span_id", WireType.LEN],
  ["name", WireType.LEN],
  ["kind", WireType.VARINT],
  ["start_time_unix_nano", WireType.I64],
  ["end_time_unix_nano", WireType.I64],
  ["attributes", WireType.LEN],
  ["dropped_attributes_count", WireType.VARINT],
  ["events", WireType.LEN],
  ["dropped_events_count", WireType.VARINT],
  ["links", WireType.LEN],
  ["dropped_links_count", WireType.VARINT],
  ["status", WireType.LEN],
  ["flags", WireType.I32],
];

const EVENT_TIME = tag(1, WireType.I64);
const EVENT_NAME = tag(2, WireType.LEN);
const EVENT_ATTRIBUTES = tag(3, WireType.LEN);
const EVENT_FIELDS: FieldTable = [
  undefined,
  ["time_unix_nano", WireType.I64],
  ["name", WireType.LEN],
  ["attributes", WireType.LEN],
  ["dropped_attributes_count", WireType.VARINT],
];

const LINK_TRACE_ID = tag(1, WireType.LEN);
const LINK_SPAN_ID = tag(2, WireType.LEN);
const LINK_ATTRIBUTES = tag(4, WireType.LEN);
const LINK_FIELDS: FieldTable = [
  undefined,
  ["trace_id", WireType.LEN],
  ["span_id", WireType.LEN],
  ["trace_state", WireType.LEN],
  ["attributes", WireType.LEN],
  ["dropped_attributes_count", WireType.VARINT],
  ["flags", WireType.I32],
];

const STATUS_MESSAGE = tag(2, WireType.LEN);
const STATUS_CODE = tag(3, WireType.VARINT);
const STATUS_FIELDS: FieldTable = [undefined, ["deprecated_code", WireType.VARINT], ["message", WireType.LEN], ["code", WireType.VARINT]];

function event(r: ProtobufReader, end: number): DecodedSpanEvent {
  let name = "";
  let timeUnixNano = 0n;
  const attributes: AttributeMap = {};
  let attributeCount = 0;
  while (r.pos < end) {
    const t = r.uint32(end);
    if (t === EVENT_TIME) timeUnixNano = r.fixed64(end);
    else if (t === EVENT_NAME) {
      const nameEnd = r.lengthEnd(end);
      name = r.recurringString(r.pos, nameEnd);
      r.pos = nameEnd;
    } else if (t === EVENT_ATTRIBUTES) attribute(r, r.lengthEnd(end), attributes, attributeCount++);
    else r.skip(t, end, EVENT_FIELDS);
  }
  return { name, timeUnixNano, attributes };
}

function link(r: ProtobufReader, end: number): DecodedSpanLink {
  const buf = r.buf;
  let traceId: string | undefined;
  let spanId: string | undefined;
  const attributes: AttributeMap = {};
  let attributeCount = 0;
  while (r.pos < end) {
    const t = r.uint32(end);
    if (t === LINK_TRACE_ID) {
      const idEnd = r.lengthEnd(end);
      traceId = protobufId(buf, r.pos, idEnd, 16, "traceId");
      r.pos = idEnd;
    } else if (t === LINK_SPAN_ID) {
      const idEnd = r.lengthEnd(end);
      spanId = protobufId(buf, r.pos, idEnd, 8, "spanId");
      r.pos = idEnd;
    } else if (t === LINK_ATTRIBUTES) attribute(r, r.lengthEnd(end), attributes, attributeCount++);
    else r.skip(t, end, LINK_FIELDS);
  }
  if (traceId === undefined) throw new SpanProblem("traceId", "missing");
  if (spanId === undefined) throw new SpanProblem("spanId", "missing");
  return { traceId, spanId, attributes };
}

function status(r: ProtobufReader, end: number): { code: number; message?: string } {
  let code = 0;
  let message = "";
  while (r.pos < end) {
    const t = r.uint32(end);
    if (t === STATUS_CODE) code = r.uint32(end) | 0;
    else if (t === STATUS_MESSAGE) {
      const messageEnd = r.lengthEnd(end);
      message = r.string(r.pos, messageEnd);
      r.pos = messageEnd;
    } else r.skip(t, end, STATUS_FIELDS);
  }
  return message === "" ? { code } : { code, message };
}

/**
 * Decodes one Span message in `[r.pos, end)`. Wire-level damage is a WireError (the body is
 * refused); a span that is well-formed protobuf but not acceptable (bad ids, no time, attributes
 * nested too deep) is a {@link SpanProblem} with the path inside the span.
 */
export function decodeProtobufSpan(r: ProtobufReader, end: number, resource: AttributeMap, scope: DecodedScope): DecodedSpan {
  const buf = r.buf;
  // Ids are located first and validated at the end: fields may come in any order, the last wins.
  let traceIdStart = 0;
  let traceIdEnd = 0;
  let spanIdStart = 0;
  let spanIdEnd = 0;
  let parentStart = 0;
  let parentEnd = 0;
  let name = "";
  let kind = 0;
  let start = 0n;
  let finish = 0n;
  const attributes: AttributeMap = {};
  let attributeCount = 0;
  let droppedAttributesCount = 0;
  const events: DecodedSpanEvent[] = [];
  const links: DecodedSpanLink[] = [];
  let spanStatus: { code: number; message?: string } = { code: 0 };
  let where = "";
  try {
    while (r.pos < end) {
      where = "";
      const t = r.uint32(end);
      switch (t) {
        case SPAN_TRACE_ID:
          where = "traceId";
          traceIdEnd = r.lengthEnd(end);
          traceIdStart = r.pos;
          r.pos = traceIdEnd;
          break;
        case SPAN_SPAN_ID:
          where = "spanId";
          spanIdEnd = r.lengthEnd(end);
          spanIdStart = r.pos;
          r.pos = spanIdEnd;
          break;
        case SPAN_PARENT_SPAN_ID:
          where = "parentSpanId";
          parentEnd = r.lengthEnd(end);
          parentStart = r.pos;
          r.pos = parentEnd;
          break;
        case SPAN_NAME: {
          where = "name";
          const nameEnd = r.lengthEnd(end);
          name = r.recurringString(r.pos, nameEnd);
          r.pos = nameEnd;
          break;
        }
        case SPAN_KIND:
          where = "kind";
          kind = r.uint32(end) | 0;
          break;
        case SPAN_START:
          where = "startTimeUnixNano";
          start = r.fixed64(end);
          break;
        case SPAN_END:
          where = "endTimeUnixNano";
          finish = r.fixed64(end);
          break;
        case SPAN_ATTRIBUTES:
          attribute(r, r.lengthEnd(end), attributes, attributeCount++);
          break;
        case SPAN_DROPPED_ATTRIBUTES:
          where = "droppedAttributesCount";
          droppedAttributesCount = r.uint32(end);
          break;
        case SPAN_EVENTS: {
          where = `events[${events.length}]`;
          const eventEnd = r.lengthEnd(end);
          events.push(event(r, eventEnd));
          break;
        }
        case SPAN_LINKS: {
          where = `links[${links.length}]`;
          const linkEnd = r.lengthEnd(end);
          links.push(link(r, linkEnd));
          break;
        }
        case SPAN_STATUS: {
          where = "status";
          const statusEnd = r.lengthEnd(end);
          spanStatus = status(r, statusEnd);
          break;
        }
        default:
          r.skip(t, end, SPAN_FIELDS);
      }
    }
  } catch (error) {
    throw within(error, where);
  }
  const traceId = protobufId(buf, traceIdStart, traceIdEnd, 16, "traceId");
  const spanId = protobufId(buf, spanIdStart, spanIdEnd, 8, "spanId");
  // An empty or all-zero parent id means "root"; any other length is malformed.
  const parentSpanId = parentEnd === parentStart ? undefined : protobufParentId(buf, parentStart, parentEnd);
  const times = resolveSpanTimes(start, finish);
  const span: DecodedSpan = {
    traceId,
    spanId,
    name,
    kind,
    startTimeUnixNano: times.startTimeUnixNano,
    endTimeUnixNano: times.endTimeUnixNano,
    attributes,
    droppedAttributesCount,
    events,
    links,
    status: spanStatus,
    resource,
    scope,
  };
  if (parentSpanId !== undefined) span.parentSpanId = parentSpanId;
  return span;
}

function protobufParentId(buf: Buffer, start: number, end: number): string | undefined {
  if (end - start === 8) {
    let zero = true;
    for (let i = start; i < end; i++) if (buf[i] !== 0) zero = false;
    if (zero) return undefined;
  }
  return protobufId(buf, start, end, 8, "parentSpanId");
}
