import { OtlpDecodeError } from "./otlp-decode-error.js";
import type { AttributeMap, DecodedRequest, DecodedScope } from "./otlp-span.js";
import { ProtobufReader, WireError, WireType } from "./protobuf-reader.js";
import type { FieldTable } from "./protobuf-reader.js";
import { decodeProtobufSpan } from "./protobuf-span.js";
import { attribute } from "./protobuf-values.js";
import { sniffOtherSignal } from "./signal-sniffer.js";
import { SpanProblem, within } from "./span-problem.js";

// ExportTraceServiceRequest, ResourceSpans, Resource, ScopeSpans and InstrumentationScope
// (opentelemetry/proto/collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
// resource/v1/resource.proto, common/v1/common.proto), decoded by hand: no generated code, no
// intermediate message objects, straight to DecodedSpan.

const tag = (field: number, wireType: number): number => (field << 3) | wireType;

const REQUEST_RESOURCE_SPANS = tag(1, WireType.LEN);
const REQUEST_FIELDS: FieldTable = [undefined, ["resource_spans", WireType.LEN]];

const RS_RESOURCE = tag(1, WireType.LEN);
const RS_SCOPE_SPANS = tag(2, WireType.LEN);
const RESOURCE_SPANS_FIELDS: FieldTable = [
  undefined,
  ["resource", WireType.LEN],
  ["scope_spans", WireType.LEN],
  ["schema_url", WireType.LEN],
];

const RESOURCE_ATTRIBUTES = tag(1, WireType.LEN);
const RESOURCE_FIELDS: FieldTable = [undefined, ["attributes", WireType.LEN], ["dropped_attributes_count", WireType.VARINT]];

const SS_SCOPE = tag(1, WireType.LEN);
const SS_SPANS = tag(2, WireType.LEN);
const SCOPE_SPANS_FIELDS: FieldTable = [undefined, ["scope", WireType.LEN], ["spans", WireType.LEN], ["schema_url", WireType.LEN]];

const SCOPE_NAME = tag(1, WireType.LEN);
const SCOPE_VERSION = tag(2, WireType.LEN);
const SCOPE_ATTRIBUTES = tag(3, WireType.LEN);
const SCOPE_FIELDS: FieldTable = [
  undefined,
  ["name", WireType.LEN],
  ["version", WireType.LEN],
  ["attributes", WireType.LEN],
  ["dropped_attributes_count", WireType.VARINT],
];

/**
 * A problem in resource or scope attributes concerns every span under them: the body is refused.
 * `local` is the location relative to the enclosing level (for wire errors still on their way up).
 */
function sharedProblem(error: unknown, local: string, fullPath: string): unknown {
  return error instanceof SpanProblem ? new OtlpDecodeError("invalid_structure", error.describe(fullPath)) : within(error, local);
}

/** Resource attributes are added to `into`, the object every span of the resource already shares. */
function resource(r: ProtobufReader, end: number, into: AttributeMap): void {
  let count = 0;
  while (r.pos < end) {
    const t = r.uint32(end);
    if (t === RESOURCE_ATTRIBUTES) attribute(r, r.lengthEnd(end), into, count++);
    else r.skip(t, end, RESOURCE_FIELDS);
  }
}

function scope(r: ProtobufReader, end: number, into: DecodedScope): void {
  let count = 0;
  while (r.pos < end) {
    const t = r.uint32(end);
    if (t === SCOPE_NAME || t === SCOPE_VERSION) {
      const valueEnd = r.lengthEnd(end);
      const text = r.string(r.pos, valueEnd);
      r.pos = valueEnd;
      if (t === SCOPE_NAME) into.name = text;
      else if (text !== "") into.version = text;
      else delete into.version;
    } else if (t === SCOPE_ATTRIBUTES) attribute(r, r.lengthEnd(end), into.attributes, count++);
    else r.skip(t, end, SCOPE_FIELDS);
  }
}

class RequestDecoder {
  readonly result: DecodedRequest = { spans: [], rejected: [] };
  private index = 0;

  constructor(private readonly r: ProtobufReader) {}

  request(): void {
    const r = this.r;
    const end = r.buf.length;
    let i = 0;
    while (r.pos < end) {
      const t = r.uint32(end);
      if (t === REQUEST_RESOURCE_SPANS) {
        const path = `resourceSpans[${i++}]`;
        const valueEnd = r.lengthEnd(end);
        try {
          this.resourceSpans(valueEnd, path);
        } catch (error) {
          throw within(error, path);
        }
      } else r.skip(t, end, REQUEST_FIELDS);
    }
  }

  private resourceSpans(end: number, path: string): void {
    const r = this.r;
    // Spans share these objects; fields may come in any order, so they are filled in place.
    const attributes: AttributeMap = {};
    let s = 0;
    while (r.pos < end) {
      const t = r.uint32(end);
      if (t === RS_SCOPE_SPANS) {
        const scopePath = `scopeSpans[${s++}]`;
        const valueEnd = r.lengthEnd(end);
        try {
          this.scopeSpans(valueEnd, attributes, `${path}.${scopePath}`);
        } catch (error) {
          throw within(error, scopePath);
        }
      } else if (t === RS_RESOURCE) {
        const valueEnd = r.lengthEnd(end);
        try {
          resource(r, valueEnd, attributes);
        } catch (error) {
          throw sharedProblem(error, "resource", `${path}.resource`);
        }
      } else r.skip(t, end, RESOURCE_SPANS_FIELDS);
    }
  }

  private scopeSpans(end: number, resourceAttributes: AttributeMap, path: string): void {
    const r = this.r;
    const shared: DecodedScope = { name: "", attributes: {} };
    let k = 0;
    while (r.pos < end) {
      const t = r.uint32(end);
      if (t === SS_SPANS) {
        const spanEnd = r.lengthEnd(end);
        try {
          this.result.spans.push(decodeProtobufSpan(r, spanEnd, resourceAttributes, shared));
        } catch (error) {
          if (!(error instanceof SpanProblem)) throw within(error, `spans[${k}]`);
          this.result.rejected.push({ index: this.index, reason: error.describe(`${path}.spans[${k}]`) });
          r.pos = spanEnd;
        }
        k++;
        this.index++;
      } else if (t === SS_SCOPE) {
        const valueEnd = r.lengthEnd(end);
        try {
          scope(r, valueEnd, shared);
        } catch (error) {
          throw sharedProblem(error, "scope", `${path}.scope`);
        }
      } else r.skip(t, end, SCOPE_SPANS_FIELDS);
    }
  }
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b || b === 0x5b; // `{` or `[`
  }
  return false;
}

function wrongSignal(signal: string): OtlpDecodeError {
  return new OtlpDecodeError(
    "wrong_signal",
    `body is an OTLP ${signal} export (Export${signal === "logs" ? "Logs" : "Metrics"}ServiceRequest), sent to the traces endpoint, which accepts traces only`,
  );
}

/**
 * Decodes an OTLP/protobuf `ExportTraceServiceRequest` with a hand-written, bounds-checked wire
 * decoder. Unknown fields of any wire type are skipped; strings are UTF-8 with invalid sequences
 * replaced; fixed64 times become BigInt nanoseconds. A span that is valid protobuf but not
 * acceptable (bad ids, no time, attributes nested deeper than 32) goes to `rejected` with its index
 * and reason, and the others are kept. An empty body is an empty request.
 *
 * @throws {OtlpDecodeError} `invalid_protobuf` for damaged bytes (truncated, a length past its
 *   message, a varint over 10 bytes, a bad wire type), with the path and byte offset; `wrong_signal`
 *   for OTLP logs or metrics; `invalid_structure` for bad resource or scope attributes.
 * @example
 * const { spans, rejected } = decodeOtlpProtobuf(new Uint8Array(body));
 */
export function decodeOtlpProtobuf(bytes: Uint8Array): DecodedRequest {
  const decoder = new RequestDecoder(new ProtobufReader(bytes));
  try {
    decoder.request();
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    const signal = sniffOtherSignal(bytes);
    if (signal !== undefined) throw wrongSignal(signal);
    const hint = looksLikeJson(bytes) ? " (the body looks like JSON: send it with Content-Type: application/json)" : "";
    throw new OtlpDecodeError("invalid_protobuf", `${error.describe(error.path === "" ? "body" : "")}${hint}`, { cause: error });
  }
  const { result } = decoder;
  if (result.spans.length === 0 && result.rejected.length > 0) {
    const signal = sniffOtherSignal(bytes);
    if (signal !== undefined) throw wrongSignal(signal);
  }
  return result;
}
