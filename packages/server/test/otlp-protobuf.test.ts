import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProtobufLogsSerializer, ProtobufMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { MAX_ATTRIBUTE_DEPTH, OtlpDecodeError, decodeOtlpJson, decodeOtlpProtobuf } from "@sightline/server";
import type { DecodedRequest, DecodedSpan } from "@sightline/server";
import {
  PARENT_ID,
  TRACE_ID,
  anyValue,
  concat,
  jsonRequest,
  jsonSpan,
  keyValue,
  pb,
  protobufBody,
  protobufRequest,
  seededRandom,
  spanFields,
  tag,
  varint,
  variedSpans,
} from "./otlp-fixtures.js";
import { logsExport, metricsExport } from "./otlp-other-signals.js";

function onlySpan(result: DecodedRequest): DecodedSpan {
  assert.deepEqual(result.rejected, []);
  assert.equal(result.spans.length, 1);
  return result.spans[0] as DecodedSpan;
}

function decodeSpan(...extra: Uint8Array[]): DecodedSpan {
  return onlySpan(decodeOtlpProtobuf(protobufRequest(spanFields(extra))));
}

function attributeValue(value: Uint8Array): unknown {
  return decodeSpan(pb.len(9, keyValue("k", value))).attributes.k;
}

function rejectionOf(span: Uint8Array): string {
  const result = decodeOtlpProtobuf(protobufRequest(span));
  assert.equal(result.spans.length, 0, "the span should be rejected");
  return result.rejected[0]?.reason ?? "";
}

function decodeError(body: Uint8Array): OtlpDecodeError {
  try {
    decodeOtlpProtobuf(body);
  } catch (error) {
    assert.ok(error instanceof OtlpDecodeError, `expected an OtlpDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the body to be refused");
}

/** An AnyValue of `levels` nested arrays around a string, built in O(n) (lengths are prefixes). */
function nestedArrays(levels: number): Uint8Array {
  const parts: number[][] = [];
  let length = anyValue.string("leaf").length;
  for (let i = 0; i < levels; i++) {
    const inner = [...tag(1, 2), ...varint(length)]; // ArrayValue.values
    const outer = [...tag(5, 2), ...varint(inner.length + length)]; // AnyValue.array_value
    parts.push(inner, outer);
    length += inner.length + outer.length;
  }
  return concat(...parts.reverse(), anyValue.string("leaf"));
}

/** Every kind of unknown field, including a nested deprecated group. */
const UNKNOWN_FIELDS = concat(
  pb.varint(1000, 123456789n),
  pb.fixed64(1001, 7n),
  pb.str(1002, "unknown"),
  pb.fixed32(1003, 9),
  tag(1004, 3),
  pb.varint(1, 1),
  tag(1005, 3),
  pb.str(2, "in a nested group"),
  tag(1005, 4),
  tag(1004, 4),
);

describe("decodeOtlpProtobuf: the wire format", () => {
  it("skips unknown fields of every wire type at every level", () => {
    const u = UNKNOWN_FIELDS;
    const plain = decodeOtlpProtobuf(protobufRequest(spanFields([pb.len(9, keyValue("k", anyValue.string("v")))])));
    const withUnknown = concat(
      u,
      pb.len(
        1,
        u,
        pb.len(1, u, pb.len(1, u, keyValue("service.name", anyValue.string("svc")), u), u),
        pb.len(2, u, pb.len(1, u, pb.str(1, "scope"), u), pb.len(2, spanFields([u, pb.len(9, u, keyValue("k", concat(u, anyValue.string("v"))))]))),
      ),
    );
    assert.deepStrictEqual(decodeOtlpProtobuf(withUnknown), plain);
  });

  it("accepts fields in any order: scope after spans, resource last, ids after attributes", () => {
    const span = concat(
      pb.len(9, keyValue("k", anyValue.int(1))),
      pb.fixed64(8, 20n),
      pb.fixed64(7, 10n),
      pb.hex(4, PARENT_ID),
      pb.hex(2, "00000000000000aa"),
      pb.hex(1, TRACE_ID),
    );
    const body = pb.len(
      1,
      pb.len(2, pb.len(2, span), pb.len(1, pb.str(2, "2.0"), pb.str(1, "late-scope"))),
      pb.len(1, pb.len(1, keyValue("service.name", anyValue.string("late")))),
    );
    const decoded = onlySpan(decodeOtlpProtobuf(body));
    assert.deepEqual(decoded.scope, { name: "late-scope", version: "2.0", attributes: {} });
    assert.deepEqual(decoded.resource, { "service.name": "late" });
    assert.equal(decoded.spanId, "00000000000000aa");
    assert.equal(decoded.parentSpanId, PARENT_ID);
    assert.equal(decoded.startTimeUnixNano, 10n);
  });

  it("decodes fixed64 times as BigInt at full precision, up to 2^64 - 1", () => {
    const span = decodeSpan(pb.fixed64(7, 1_700_000_000_123_456_789n), pb.fixed64(8, 0xffff_ffff_ffff_ffffn));
    assert.equal(span.startTimeUnixNano, 1_700_000_000_123_456_789n);
    assert.equal(span.endTimeUnixNano, 18_446_744_073_709_551_615n);
  });

  it("decodes int64 attributes of every size and sign, exact", () => {
    assert.equal(attributeValue(anyValue.int(-1)), -1);
    assert.equal(attributeValue(anyValue.int(Number.MIN_SAFE_INTEGER)), Number.MIN_SAFE_INTEGER);
    assert.equal(attributeValue(anyValue.int(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
    assert.equal(attributeValue(anyValue.int(2n ** 53n)), "9007199254740992");
    assert.equal(attributeValue(anyValue.int(-(2n ** 53n))), "-9007199254740992");
    assert.equal(attributeValue(anyValue.int(2n ** 63n - 1n)), "9223372036854775807");
    assert.equal(attributeValue(anyValue.int(-(2n ** 63n))), "-9223372036854775808");
  });

  it("decodes doubles including NaN and the infinities, bools, bytes and empty values", () => {
    assert.ok(Number.isNaN(attributeValue(anyValue.double(Number.NaN))));
    assert.equal(attributeValue(anyValue.double(-Infinity)), -Infinity);
    assert.equal(attributeValue(anyValue.double(0.1)), 0.1);
    assert.equal(attributeValue(anyValue.bool(true)), true);
    assert.equal(attributeValue(pb.varint(2, 2n ** 40n)), true, "any non-zero varint is true");
    assert.equal(attributeValue(anyValue.bytes([1, 2, 3])), "AQID");
    assert.equal(attributeValue(new Uint8Array(0)), null);
    assert.deepEqual(attributeValue(anyValue.kvlist(keyValue("a", anyValue.array(anyValue.int(1), new Uint8Array(0))))), { a: [1, null] });
  });

  it("lets the last value of a oneof win, as protobuf does", () => {
    assert.equal(attributeValue(concat(anyValue.string("first"), anyValue.int(2))), 2);
  });

  it("replaces invalid UTF-8 in strings instead of failing, in short and long strings", () => {
    const invalid = (prefix: string) => concat(Buffer.from(prefix), [0xff, 0xc3, 0x28], Buffer.from("é"));
    assert.equal(decodeSpan(pb.len(5, invalid("n"))).name, "n\ufffd\ufffd(é");
    assert.equal(decodeSpan(pb.len(5, invalid("long".repeat(20)))).name, `${"long".repeat(20)}\ufffd\ufffd(é`);
  });

  it("decodes texts that recur across spans and requests exactly, however alike their bytes", () => {
    // Short keys, names and values are decoded once and reused while their bytes recur: texts that
    // differ in one byte, texts of equal hash ("Aa" and "BB" hash alike), invalid UTF-8, and more
    // distinct texts than the reuse table holds must each still decode to themselves.
    const invalid = Buffer.concat([Buffer.from("bad"), Buffer.from([0xff, 0xc3, 0x28])]);
    const texts = ["xAa", "xBB", "k-0001", "k-0002", "k-0003", "é-ü", "Aa".repeat(8), "BB".repeat(8), "Aa".repeat(4) + "BB".repeat(4)];
    for (let i = 0; i < 1_500; i++) texts.push(`distinct-${i}`);
    const expected = (i: number) => texts[(i * 7) % texts.length] as string;
    for (let request = 0; request < 3; request++) {
      const spans: Uint8Array[] = [];
      for (let i = 0; i < 600; i++) {
        const key = expected(i + request);
        const attributes = [
          pb.len(9, keyValue(key, anyValue.string(expected(i + 1)))),
          pb.len(9, concat(pb.len(1, invalid), pb.len(2, anyValue.string(key)))),
          pb.len(9, keyValue("same", pb.len(1, invalid))),
        ];
        spans.push(concat(spanFields(attributes, { spanId: (i + 1).toString(16).padStart(16, "0") }), pb.str(5, expected(i + 2))));
      }
      const decoded = decodeOtlpProtobuf(protobufRequest(...spans));
      assert.equal(decoded.spans.length, 600);
      decoded.spans.forEach((span, i) => {
        assert.equal(span.name, expected(i + 2));
        assert.deepEqual(span.attributes, { [expected(i + request)]: expected(i + 1), "bad\ufffd\ufffd(": expected(i + request), same: "bad\ufffd\ufffd(" });
      });
    }
  });

  it("treats an empty or all-zero parent span id as a root", () => {
    assert.equal(decodeSpan(pb.len(4)).parentSpanId, undefined);
    assert.equal(decodeSpan(pb.hex(4, "0000000000000000")).parentSpanId, undefined);
  });

  it("uses the end time when the start time is 0, and the start time when the end is missing", () => {
    const span = onlySpan(decodeOtlpProtobuf(protobufRequest(concat(pb.hex(1, TRACE_ID), pb.hex(2, PARENT_ID), pb.fixed64(8, 99n)))));
    assert.equal(span.startTimeUnixNano, 99n);
    assert.equal(span.endTimeUnixNano, 99n);
  });

  it(`accepts attributes nested ${MAX_ATTRIBUTE_DEPTH} levels deep`, () => {
    let value = attributeValue(nestedArrays(MAX_ATTRIBUTE_DEPTH));
    for (let i = 0; i < MAX_ATTRIBUTE_DEPTH; i++) value = (value as unknown[])[0];
    assert.equal(value, "leaf");
  });
});

describe("decodeOtlpProtobuf: rejected spans (OTLP partial success)", () => {
  it("rejects spans with missing, wrong-length or all-zero ids, saying where and why", () => {
    const withoutTraceId = concat(pb.hex(2, PARENT_ID), pb.fixed64(7, 1n));
    assert.equal(rejectionOf(withoutTraceId), "resourceSpans[0].scopeSpans[0].spans[0].traceId: missing");
    assert.equal(rejectionOf(spanFields([], { traceId: "abcdef" })), "resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 16 bytes, got 3");
    assert.equal(rejectionOf(spanFields([], { traceId: "0".repeat(32) })), "resourceSpans[0].scopeSpans[0].spans[0].traceId: is all zeros, which is not a valid id");
    assert.match(rejectionOf(spanFields([], { spanId: "00" })), /spans\[0\]\.spanId: expected 8 bytes, got 1$/);
    assert.match(rejectionOf(spanFields([pb.hex(4, "0102")])), /spans\[0\]\.parentSpanId: expected 8 bytes, got 2$/);
    assert.match(rejectionOf(spanFields([pb.len(13, pb.hex(1, TRACE_ID))])), /spans\[0\]\.links\[0\]\.spanId: missing$/);
  });

  it("rejects a span without any time", () => {
    assert.equal(
      rejectionOf(concat(pb.hex(1, TRACE_ID), pb.hex(2, PARENT_ID))),
      "resourceSpans[0].scopeSpans[0].spans[0]: startTimeUnixNano and endTimeUnixNano are both missing or 0",
    );
  });

  it(`rejects a span whose attributes nest deeper than ${MAX_ATTRIBUTE_DEPTH} levels, even 10,000 deep`, () => {
    const reason = rejectionOf(spanFields([pb.len(9, keyValue("deep", nestedArrays(MAX_ATTRIBUTE_DEPTH + 1)))]));
    assert.equal(
      reason,
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value{.arrayValue.values[0] x32}.arrayValue: nested deeper than 32 levels",
    );
    assert.match(rejectionOf(spanFields([pb.len(9, keyValue("deep", nestedArrays(10_000)))])), /nested deeper than 32 levels$/);
  });

  it("keeps the other spans and counts the rejected one's index over all scopes and resources", () => {
    const good = (name: string) => spanFields([pb.str(5, name)]);
    const body = concat(
      pb.len(1, pb.len(2, pb.len(2, good("a")), pb.len(2, spanFields([], { traceId: "00" })))),
      pb.len(1, pb.len(2), pb.len(2, pb.len(2, good("c")), pb.len(2, spanFields([pb.len(9, keyValue("d", nestedArrays(40)))])), pb.len(2, good("e")))),
    );
    const result = decodeOtlpProtobuf(body);
    assert.deepEqual(result.spans.map((s) => s.name), ["a", "c", "e"]);
    assert.deepEqual(result.rejected.map((r) => r.index), [1, 3]);
    assert.match(result.rejected[0]?.reason ?? "", /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\.traceId: expected 16 bytes, got 1$/);
    assert.match(result.rejected[1]?.reason ?? "", /^resourceSpans\[1\]\.scopeSpans\[1\]\.spans\[1\]\.attributes\[0\]/);
  });

  it("gives the same rejection reasons as the JSON decoder for the same problems", () => {
    const protobuf = rejectionOf(concat(pb.hex(1, TRACE_ID), pb.hex(2, PARENT_ID)));
    const json = decodeOtlpJson(jsonRequest(jsonSpan({ startTimeUnixNano: undefined, endTimeUnixNano: undefined }))).rejected[0]?.reason;
    assert.equal(protobuf, json);
  });
});

describe("decodeOtlpProtobuf: refused bodies", () => {
  it("refuses a length that runs past its message, naming the place and byte", () => {
    const body = protobufRequest(spanFields([concat(tag(5, 2), varint(50), Buffer.from("short"))]));
    const error = decodeError(body);
    assert.equal(error.code, "invalid_protobuf");
    assert.equal(error.httpStatus, 400);
    assert.match(error.message, /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name: length 50 runs past the end of its message \(which ends at byte \d+\) at byte \d+ of \d+$/);
  });

  it("refuses a varint over 10 bytes", () => {
    const error = decodeError(concat(tag(1000, 0), new Array(11).fill(0xff), [0x01]));
    assert.equal(error.message, "body: varint longer than 10 bytes at byte 2 of 14");
  });

  it("refuses a known field with the wrong wire type", () => {
    const error = decodeError(protobufRequest(spanFields([pb.str(7, "not a time")])));
    assert.match(error.message, /spans\[0\]: field 7 \(start_time_unix_nano\) has wire type length-delimited \(2\), expected 64-bit \(1\) at byte/);
  });

  it("refuses invalid wire types, field number 0 and broken groups", () => {
    assert.match(decodeError(Uint8Array.from([(5 << 3) | 6, 0])).message, /invalid wire type 6 \(field 5\)/);
    assert.match(decodeError(Uint8Array.from([(5 << 3) | 7])).message, /invalid wire type 7/);
    assert.match(decodeError(Uint8Array.from([0x00, 0x00])).message, /field number 0/);
    assert.match(decodeError(concat(tag(1000, 4))).message, /end-group for field 1000 without a start-group/);
    assert.match(decodeError(concat(tag(1000, 3), pb.varint(1, 1))).message, /group for field 1000 is not closed/);
    assert.match(decodeError(concat(tag(1000, 3), tag(1001, 4))).message, /end-group for field 1001 does not match/);
    const deepGroups = concat(...Array.from({ length: 40 }, (_, i) => tag(1000 + i, 3)));
    assert.match(decodeError(deepGroups).message, /groups nested deeper than 32 levels/);
  });

  it("refuses a malformed resource or scope attribute, which concerns every span under it", () => {
    const body = pb.len(1, pb.len(1, pb.len(1, keyValue("deep", nestedArrays(40)))), pb.len(2, pb.len(2, spanFields())));
    const error = decodeError(body);
    assert.equal(error.code, "invalid_structure");
    assert.equal(
      error.message,
      "resourceSpans[0].resource.attributes[0].value{.arrayValue.values[0] x32}.arrayValue: nested deeper than 32 levels",
    );
  });

  it("says so when JSON is sent as protobuf", () => {
    const error = decodeError(Buffer.from(jsonRequest(jsonSpan())));
    assert.equal(error.code, "invalid_protobuf");
    assert.match(error.message, /the body looks like JSON: send it with Content-Type: application\/json/);
  });

  it("recognises real OTLP logs and metrics (gauge, sum) sent to the traces endpoint", () => {
    const logs = decodeError(ProtobufLogsSerializer.serializeRequest(logsExport()) ?? new Uint8Array());
    assert.equal(logs.code, "wrong_signal");
    assert.equal(logs.message, "body is an OTLP logs export (ExportLogsServiceRequest), sent to the traces endpoint, which accepts traces only");
    for (const kind of ["gauge", "sum", "both"] as const) {
      const metrics = decodeError(ProtobufMetricsSerializer.serializeRequest(metricsExport(kind)) ?? new Uint8Array());
      assert.equal(metrics.code, "wrong_signal", kind);
      assert.match(metrics.message, /OTLP metrics export \(ExportMetricsServiceRequest\)/);
    }
  });
});

describe("decodeOtlpProtobuf: robustness", () => {
  const body = protobufBody(variedSpans());
  const full = decodeOtlpProtobuf(body);

  it("refuses a real body truncated at any byte with invalid_protobuf, or decodes a prefix of its spans", { timeout: 60_000 }, () => {
    let refused = 0;
    for (let cut = 0; cut < body.length; cut++) {
      try {
        const partial = decodeOtlpProtobuf(body.subarray(0, cut));
        assert.deepStrictEqual(partial.spans, full.spans.slice(0, partial.spans.length), `cut at ${cut}`);
      } catch (error) {
        assert.ok(error instanceof OtlpDecodeError && error.code === "invalid_protobuf", `cut at ${cut}: ${String(error)}`);
        refused++;
      }
    }
    assert.ok(refused >= body.length - 3, `only ${refused} of ${body.length} cuts were refused`);
  });

  it("never throws anything but OtlpDecodeError when any single byte is corrupted", { timeout: 60_000 }, () => {
    for (let at = 0; at < body.length; at++) {
      for (const replacement of [0x00, 0xff, body[at]! ^ 0x80]) {
        const corrupted = Uint8Array.from(body);
        corrupted[at] = replacement;
        try {
          decodeOtlpProtobuf(corrupted);
        } catch (error) {
          assert.ok(error instanceof OtlpDecodeError, `byte ${at} = ${replacement}: ${String(error)}`);
        }
      }
    }
  });

  it("never throws anything but OtlpDecodeError for seeded random garbage and random edits", { timeout: 60_000 }, () => {
    const rand = seededRandom(20_240_601);
    for (let round = 0; round < 3000; round++) {
      let input: Uint8Array;
      if (round % 2 === 0) {
        input = Uint8Array.from({ length: Math.floor(rand() * 400) }, () => Math.floor(rand() * 256));
      } else {
        input = Uint8Array.from(body);
        for (let edits = 1 + Math.floor(rand() * 8); edits > 0; edits--) input[Math.floor(rand() * input.length)] = Math.floor(rand() * 256);
        input = input.subarray(0, Math.floor(rand() * input.length) + 1);
      }
      try {
        const result = decodeOtlpProtobuf(input);
        assert.ok(Array.isArray(result.spans) && Array.isArray(result.rejected));
      } catch (error) {
        assert.ok(error instanceof OtlpDecodeError, `round ${round}: ${String(error)}`);
      }
    }
  });
});
