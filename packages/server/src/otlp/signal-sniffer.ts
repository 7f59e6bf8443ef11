import { ProtobufReader, WireType } from "./protobuf-reader.js";

/** An OTLP signal other than traces. */
export type OtherSignal = "logs" | "metrics";

const RECORD_LIST = (1 << 3) | WireType.LEN; // resource_spans / resource_logs / resource_metrics
const SCOPE_LIST = (2 << 3) | WireType.LEN; // scope_spans / scope_logs / scope_metrics
const ITEM_LIST = (2 << 3) | WireType.LEN; // spans / log_records / metrics
const DATA_POINTS = (1 << 3) | WireType.LEN; // Gauge.data_points, Summary.data_points, ...

/** Start and end of each length-delimited field with `wantedTag` in `[r.pos, end)`, in order. */
function* fieldsWithTag(r: ProtobufReader, end: number, wantedTag: number): Generator<[number, number]> {
  while (r.pos < end) {
    const t = r.uint32(end);
    if (t === wantedTag) {
      const valueEnd = r.lengthEnd(end);
      const valueStart = r.pos;
      yield [valueStart, valueEnd];
      r.pos = valueEnd;
    } else r.skip(t, end, []);
  }
}

/** The first span / log record / metric of the request, wherever it is. */
function firstItem(r: ProtobufReader): [number, number] | undefined {
  for (const [, resourceEnd] of fieldsWithTag(r, r.buf.length, RECORD_LIST)) {
    for (const [, scopeEnd] of fieldsWithTag(r, resourceEnd, SCOPE_LIST)) {
      for (const item of fieldsWithTag(r, scopeEnd, ITEM_LIST)) return item;
    }
  }
  return undefined;
}

/**
 * Tells whether protobuf bytes that did not decode as traces are an OTLP logs or metrics export,
 * from the field numbers and wire types of their first item: a LogRecord has fixed64 times in
 * fields 1 and 11 and a varint severity in field 2; a Metric has its data (gauge, sum, histogram,
 * ...) as messages in fields 5, 7, 9, 10 or 11, where a Span has fixed64 times and counters.
 * Never throws; `undefined` when it cannot tell.
 */
export function sniffOtherSignal(bytes: Uint8Array): OtherSignal | undefined {
  try {
    const r = new ProtobufReader(bytes);
    const item = firstItem(r);
    if (item === undefined) return undefined;
    const [start, end] = item;
    r.pos = start;
    let logLike = false;
    let spanLike = false;
    let metricData = false;
    let dataMessage = false;
    while (r.pos < end) {
      const t = r.uint32(end);
      const field = t >>> 3;
      const wireType = t & 7;
      if (wireType === WireType.I64 && (field === 1 || field === 11)) logLike = true;
      else if (wireType === WireType.VARINT && field === 2) logLike = true;
      else if (wireType === WireType.I32 && field === 8) logLike = true;
      else if (wireType === WireType.I64 && (field === 7 || field === 8)) spanLike = true;
      else if (wireType === WireType.LEN && (field === 7 || field === 10)) metricData = true;
      if (wireType === WireType.LEN) {
        const valueEnd = r.lengthEnd(end);
        // Gauge and Summary start with `data_points`; a span name or event does not start with byte 0x0a.
        if ((field === 5 || field === 11) && valueEnd > r.pos && r.buf[r.pos] === DATA_POINTS) dataMessage = true;
        r.pos = valueEnd;
      } else r.skip(t, end, []);
    }
    if (logLike) return "logs";
    if (spanLike) return undefined;
    if (metricData || dataMessage) return "metrics";
    return undefined;
  } catch {
    return undefined;
  }
}
