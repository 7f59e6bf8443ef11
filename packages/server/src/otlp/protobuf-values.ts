import { MAX_ATTRIBUTE_DEPTH, setAttribute } from "./attribute-map.js";
import type { AnyValue, AttributeMap } from "./otlp-span.js";
import { WireType } from "./protobuf-reader.js";
import type { FieldTable, ProtobufReader } from "./protobuf-reader.js";
import { SpanProblem, within } from "./span-problem.js";

// AnyValue, KeyValue, ArrayValue and KeyValueList of opentelemetry/proto/common/v1/common.proto.
// Paths in errors use the OTLP/JSON names (`arrayValue.values[2]`) so both decoders report alike.

const tag = (field: number, wireType: number): number => (field << 3) | wireType;

const ANY_STRING = tag(1, WireType.LEN);
const ANY_BOOL = tag(2, WireType.VARINT);
const ANY_INT = tag(3, WireType.VARINT);
const ANY_DOUBLE = tag(4, WireType.I64);
const ANY_ARRAY = tag(5, WireType.LEN);
const ANY_KVLIST = tag(6, WireType.LEN);
const ANY_BYTES = tag(7, WireType.LEN);
const ANY_VALUE_FIELDS: FieldTable = [
  undefined,
  ["string_value", WireType.LEN],
  ["bool_value", WireType.VARINT],
  ["int_value", WireType.VARINT],
  ["double_value", WireType.I64],
  ["array_value", WireType.LEN],
  ["kvlist_value", WireType.LEN],
  ["bytes_value", WireType.LEN],
];

const KV_KEY = tag(1, WireType.LEN);
const KV_VALUE = tag(2, WireType.LEN);
const KEY_VALUE_FIELDS: FieldTable = [undefined, ["key", WireType.LEN], ["value", WireType.LEN]];

/** `values` (field 1) of ArrayValue and of KeyValueList. */
const LIST_VALUES = tag(1, WireType.LEN);
const LIST_FIELDS: FieldTable = [undefined, ["values", WireType.LEN]];

function arrayValue(r: ProtobufReader, end: number, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  try {
    while (r.pos < end) {
      const t = r.uint32(end);
      if (t === LIST_VALUES) {
        const valueEnd = r.lengthEnd(end);
        values.push(anyValue(r, valueEnd, depth + 1));
        r.pos = valueEnd;
      } else r.skip(t, end, LIST_FIELDS);
    }
  } catch (error) {
    throw within(error, `values[${values.length}]`);
  }
  return values;
}

/**
 * Decodes one AnyValue message in `[r.pos, end)` to a plain value: ints as numbers when exact, else
 * decimal strings; bytes as base64; kvlists as objects; an empty AnyValue as `null`. As for any
 * `oneof`, the last value on the wire wins. `depth` counts the enclosing arrays and kvlists.
 */
export function anyValue(r: ProtobufReader, end: number, depth: number): AnyValue {
  let value: AnyValue = null;
  while (r.pos < end) {
    const t = r.uint32(end);
    switch (t) {
      case ANY_STRING: {
        const valueEnd = r.lengthEnd(end);
        value = r.recurringString(r.pos, valueEnd);
        r.pos = valueEnd;
        break;
      }
      case ANY_INT:
        value = r.int64(end);
        break;
      case ANY_BOOL:
        r.varint64(end);
        value = r.lo !== 0 || r.hi !== 0;
        break;
      case ANY_DOUBLE:
        value = r.double(end);
        break;
      case ANY_ARRAY: {
        if (depth >= MAX_ATTRIBUTE_DEPTH) throw new SpanProblem("arrayValue", `nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
        const valueEnd = r.lengthEnd(end);
        try {
          value = arrayValue(r, valueEnd, depth);
        } catch (error) {
          throw within(error, "arrayValue");
        }
        r.pos = valueEnd;
        break;
      }
      case ANY_KVLIST: {
        if (depth >= MAX_ATTRIBUTE_DEPTH) throw new SpanProblem("kvlistValue", `nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
        const valueEnd = r.lengthEnd(end);
        const map: AttributeMap = {};
        try {
          keyValueList(r, valueEnd, map, depth + 1);
        } catch (error) {
          throw within(error, "kvlistValue");
        }
        value = map;
        r.pos = valueEnd;
        break;
      }
      case ANY_BYTES: {
        const valueEnd = r.lengthEnd(end);
        value = r.buf.toString("base64", r.pos, valueEnd);
        r.pos = valueEnd;
        break;
      }
      default:
        r.skip(t, end, ANY_VALUE_FIELDS);
    }
  }
  return value;
}

/** Decodes one KeyValue message in `[r.pos, end)` into `into` (a repeated key: the last one wins). */
export function keyValue(r: ProtobufReader, end: number, into: AttributeMap, depth: number): void {
  let key = "";
  let value: AnyValue = null;
  while (r.pos < end) {
    const t = r.uint32(end);
    if (t === KV_KEY) {
      const keyEnd = r.lengthEnd(end);
      key = r.recurringString(r.pos, keyEnd);
      r.pos = keyEnd;
    } else if (t === KV_VALUE) {
      const valueEnd = r.lengthEnd(end);
      try {
        value = anyValue(r, valueEnd, depth);
      } catch (error) {
        throw within(error, "value");
      }
      r.pos = valueEnd;
    } else r.skip(t, end, KEY_VALUE_FIELDS);
  }
  setAttribute(into, key, value);
}

function keyValueList(r: ProtobufReader, end: number, into: AttributeMap, depth: number): void {
  let i = 0;
  try {
    while (r.pos < end) {
      const t = r.uint32(end);
      if (t === LIST_VALUES) {
        const valueEnd = r.lengthEnd(end);
        keyValue(r, valueEnd, into, depth);
        r.pos = valueEnd;
        i++;
      } else r.skip(t, end, LIST_FIELDS);
    }
  } catch (error) {
    throw within(error, `values[${i}]`);
  }
}

/**
 * Decodes a repeated-KeyValue field occurrence (one KeyValue in `[r.pos, end)`) into `into`;
 * `index` is its position among the message's attributes, for the error path.
 */
export function attribute(r: ProtobufReader, end: number, into: AttributeMap, index: number): void {
  try {
    keyValue(r, end, into, 0);
  } catch (error) {
    throw within(error, `attributes[${index}]`);
  }
  r.pos = end;
}
