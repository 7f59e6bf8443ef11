// Counts what actually arrived in an OTLP/HTTP trace request (JSON or protobuf, optionally gzip):
// the number of spans, the characters of observation input/output and the observation types.
// Used by the sink, outside of any measured window, so a variant that drops or truncates data
// cannot look fast.
import { gunzipSync, inflateSync, brotliDecompressSync } from "node:zlib";

const INPUT_KEY = "langfuse.observation.input";
const OUTPUT_KEY = "langfuse.observation.output";
const TYPE_KEY = "langfuse.observation.type";

/**
 * @returns {{spans:number, ioChars:number, inputSpans:number, inputChars:number, outputSpans:number,
 *            outputChars:number, types:Record<string,number>, decodedBytes:number}}
 */
export function countOtlpRequest(body, contentType = "", contentEncoding = "") {
  let buf = body;
  const enc = String(contentEncoding || "").toLowerCase();
  if (enc === "gzip") buf = gunzipSync(buf);
  else if (enc === "deflate") buf = inflateSync(buf);
  else if (enc === "br") buf = brotliDecompressSync(buf);
  const ct = String(contentType || "").toLowerCase();
  const out = { spans: 0, ioChars: 0, inputSpans: 0, inputChars: 0, outputSpans: 0, outputChars: 0, types: {}, decodedBytes: buf.length };
  if (ct.includes("protobuf") || ct.includes("x-protobuf")) countProto(buf, out);
  else countJson(buf, out);
  return out;
}

function countJson(buf, out) {
  const msg = JSON.parse(buf.toString("utf8"));
  for (const rs of msg.resourceSpans ?? msg.resource_spans ?? []) {
    for (const ss of rs.scopeSpans ?? rs.scope_spans ?? []) {
      for (const span of ss.spans ?? []) {
        out.spans++;
        for (const kv of span.attributes ?? []) {
          const v = kv.value ?? {};
          const s = v.stringValue ?? v.string_value;
          attribute(out, kv.key, s);
        }
      }
    }
  }
}

function attribute(out, key, value) {
  if (typeof value !== "string") return;
  if (key === INPUT_KEY) {
    out.inputSpans++;
    out.inputChars += value.length;
    out.ioChars += value.length;
  } else if (key === OUTPUT_KEY) {
    out.outputSpans++;
    out.outputChars += value.length;
    out.ioChars += value.length;
  } else if (key === TYPE_KEY) {
    out.types[value] = (out.types[value] ?? 0) + 1;
  }
}

// --- minimal protobuf wire walker -------------------------------------------------------------

function readVarint(buf, pos) {
  let result = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error("truncated varint");
    result += (b & 0x7f) * mul;
    if (b < 0x80) return [result, pos];
    mul *= 128;
  }
}

/** Calls fn(fieldNo, start, end) for each length-delimited field in buf[start, end). */
function eachLenField(buf, start, end, fn) {
  let pos = start;
  while (pos < end) {
    let tag;
    [tag, pos] = readVarint(buf, pos);
    const field = Math.floor(tag / 8);
    const wt = tag & 7;
    if (wt === 0) [, pos] = readVarint(buf, pos);
    else if (wt === 1) pos += 8;
    else if (wt === 5) pos += 4;
    else if (wt === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      fn(field, pos, pos + len);
      pos += len;
    } else throw new Error(`unsupported wire type ${wt}`);
  }
  if (pos !== end) throw new Error("protobuf message overran its length");
}

function countProto(buf, out) {
  // ExportTraceServiceRequest.resource_spans = 1 -> ResourceSpans.scope_spans = 2
  // -> ScopeSpans.spans = 2 -> Span.attributes = 9 -> KeyValue{key = 1, value = 2 -> AnyValue.string_value = 1}
  eachLenField(buf, 0, buf.length, (f1, s1, e1) => {
    if (f1 !== 1) return;
    eachLenField(buf, s1, e1, (f2, s2, e2) => {
      if (f2 !== 2) return;
      eachLenField(buf, s2, e2, (f3, s3, e3) => {
        if (f3 !== 2) return;
        out.spans++;
        eachLenField(buf, s3, e3, (f4, s4, e4) => {
          if (f4 !== 9) return;
          let key = "";
          let strValue;
          eachLenField(buf, s4, e4, (f5, s5, e5) => {
            if (f5 === 1) key = buf.toString("utf8", s5, e5);
            else if (f5 === 2) {
              eachLenField(buf, s5, e5, (f6, s6, e6) => {
                if (f6 === 1) strValue = buf.toString("utf8", s6, e6);
              });
            }
          });
          attribute(out, key, strValue);
        });
      });
    });
  });
}
