import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JsonLogsSerializer, JsonMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { MAX_ATTRIBUTE_DEPTH, OtlpDecodeError, decodeOtlpJson } from "@sightline/server";
import type { DecodedRequest, DecodedSpan } from "@sightline/server";
import { SPAN_ID, TRACE_ID, jsonRequest, jsonSpan } from "./otlp-fixtures.js";
import { logsExport, metricsExport } from "./otlp-other-signals.js";

function onlySpan(result: DecodedRequest): DecodedSpan {
  assert.deepEqual(result.rejected, []);
  assert.equal(result.spans.length, 1);
  return result.spans[0] as DecodedSpan;
}

function decodeOne(fields: Record<string, unknown>): DecodedSpan {
  return onlySpan(decodeOtlpJson(jsonRequest(jsonSpan(fields))));
}

function rejectionOf(fields: Record<string, unknown>): string {
  const result = decodeOtlpJson(jsonRequest(jsonSpan(fields)));
  assert.equal(result.spans.length, 0, "the span should be rejected");
  assert.equal(result.rejected.length, 1);
  return result.rejected[0]?.reason ?? "";
}

function attributeValue(value: unknown): unknown {
  return decodeOne({ attributes: [{ key: "k", value }] }).attributes.k;
}

function decodeError(body: string | Uint8Array): OtlpDecodeError {
  try {
    decodeOtlpJson(body);
  } catch (error) {
    assert.ok(error instanceof OtlpDecodeError, `expected an OtlpDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the body to be refused");
}

function nestedArrays(levels: number): unknown {
  let value: unknown = { stringValue: "leaf" };
  for (let i = 0; i < levels; i++) value = { arrayValue: { values: [value] } };
  return value;
}

describe("decodeOtlpJson: shapes real exporters send", () => {
  it("accepts times as decimal strings, numbers and protobufjs longs, keeping nanoseconds", () => {
    assert.equal(decodeOne({ startTimeUnixNano: "1700000000123456789" }).startTimeUnixNano, 1_700_000_000_123_456_789n);
    assert.equal(decodeOne({ startTimeUnixNano: 1_700_000_000_000_000_000 }).startTimeUnixNano, 1_700_000_000_000_000_000n);
    assert.equal(decodeOne({ startTimeUnixNano: 1234 }).startTimeUnixNano, 1234n);
    const long = { low: 0x3d85_cd15, high: 0x1797_9cfe }; // 1700000000123456789
    assert.equal(decodeOne({ startTimeUnixNano: long }).startTimeUnixNano, 1_700_000_000_123_456_789n);
  });

  it("accepts span kinds and status codes as numbers or OTLP enum names", () => {
    assert.equal(decodeOne({ kind: "SPAN_KIND_SERVER" }).kind, 2);
    assert.equal(decodeOne({ kind: "SPAN_KIND_CONSUMER" }).kind, 5);
    assert.equal(decodeOne({ kind: 3 }).kind, 3);
    assert.equal(decodeOne({ kind: undefined }).kind, 0);
    assert.deepEqual(decodeOne({ status: { code: "STATUS_CODE_ERROR", message: "x" } }).status, { code: 2, message: "x" });
    assert.deepEqual(decodeOne({ status: { code: 1 } }).status, { code: 1 });
    assert.deepEqual(decodeOne({ status: {} }).status, { code: 0 });
  });

  it("normalises uppercase hex ids to lowercase", () => {
    const span = decodeOne({ traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID.toUpperCase(), parentSpanId: "ABCDEF0123456789" });
    assert.equal(span.traceId, TRACE_ID);
    assert.equal(span.spanId, SPAN_ID);
    assert.equal(span.parentSpanId, "abcdef0123456789");
  });

  it("accepts base64 ids, as protobuf's generic JSON mapping writes bytes", () => {
    const traceId = Buffer.from(TRACE_ID, "hex").toString("base64");
    const spanId = Buffer.from(SPAN_ID, "hex").toString("base64");
    assert.equal(traceId.length, 24);
    assert.equal(spanId.length, 12);
    const span = decodeOne({ traceId, spanId, parentSpanId: Buffer.from("0102030405060708", "hex").toString("base64url").replace(/=+$/, "") });
    assert.equal(span.traceId, TRACE_ID);
    assert.equal(span.spanId, SPAN_ID);
    assert.equal(span.parentSpanId, "0102030405060708");
  });

  it("accepts the original snake_case field names, as proto3 JSON parsers must", () => {
    const body = JSON.stringify({
      resource_spans: [
        {
          resource: { attributes: [{ key: "service.name", value: { string_value: "svc" } }] },
          scope_spans: [
            {
              scope: { name: "s", version: "1" },
              spans: [
                {
                  trace_id: TRACE_ID,
                  span_id: SPAN_ID,
                  parent_span_id: "",
                  name: "snake",
                  start_time_unix_nano: "5",
                  end_time_unix_nano: "6",
                  attributes: [{ key: "n", value: { int_value: "7" } }],
                  dropped_attributes_count: 2,
                },
              ],
            },
          ],
        },
      ],
    });
    const span = onlySpan(decodeOtlpJson(body));
    assert.equal(span.name, "snake");
    assert.equal(span.startTimeUnixNano, 5n);
    assert.deepEqual(span.attributes, { n: 7 });
    assert.equal(span.droppedAttributesCount, 2);
    assert.deepEqual(span.resource, { "service.name": "svc" });
  });

  it("accepts the pre-1.0 instrumentationLibrarySpans shape", () => {
    const body = JSON.stringify({
      resourceSpans: [{ instrumentationLibrarySpans: [{ instrumentationLibrary: { name: "old", version: "0.1" }, spans: [jsonSpan()] }] }],
    });
    assert.deepEqual(onlySpan(decodeOtlpJson(body)).scope, { name: "old", version: "0.1", attributes: {} });
  });

  it("decodes ints given as numbers or strings, and doubles including NaN and the infinities", () => {
    assert.equal(attributeValue({ intValue: 42 }), 42);
    assert.equal(attributeValue({ intValue: "-42" }), -42);
    assert.equal(attributeValue({ intValue: "9223372036854775807" }), "9223372036854775807");
    assert.equal(attributeValue({ intValue: "-9223372036854775808" }), "-9223372036854775808");
    assert.equal(attributeValue({ intValue: "9007199254740991" }), 9007199254740991);
    assert.equal(attributeValue({ intValue: { low: -1, high: -1 } }), -1);
    assert.equal(attributeValue({ doubleValue: 1.5 }), 1.5);
    assert.equal(attributeValue({ doubleValue: "2.5e3" }), 2500);
    assert.ok(Number.isNaN(attributeValue({ doubleValue: "NaN" })));
    assert.equal(attributeValue({ doubleValue: "Infinity" }), Infinity);
    assert.equal(attributeValue({ doubleValue: "-Infinity" }), -Infinity);
  });

  it("decodes strings, bools, arrays, kvlists (to objects), bytes (to base64) and empty values (to null)", () => {
    assert.equal(attributeValue({ stringValue: "ünï" }), "ünï");
    assert.equal(attributeValue({ boolValue: false }), false);
    assert.deepEqual(attributeValue({ arrayValue: { values: [{ stringValue: "a" }, { intValue: "1" }, {}] } }), ["a", 1, null]);
    assert.deepEqual(attributeValue({ arrayValue: {} }), []);
    assert.deepEqual(
      attributeValue({ kvlistValue: { values: [{ key: "a", value: { boolValue: true } }, { key: "b", value: { kvlistValue: {} } }] } }),
      { a: true, b: {} },
    );
    assert.equal(attributeValue({ bytesValue: "AP8K" }), "AP8K");
    assert.equal(attributeValue({ bytesValue: "AP8KDQ" }), "AP8KDQ==", "unpadded base64 is normalised");
    assert.equal(attributeValue({}), null);
    assert.equal(decodeOne({ attributes: [{ key: "k" }] }).attributes.k, null);
  });

  it("keeps a __proto__ attribute key as a plain property without touching the prototype", () => {
    const span = decodeOne({
      attributes: [{ key: "__proto__", value: { kvlistValue: { values: [{ key: "polluted", value: { boolValue: true } }] } } }],
    });
    assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
    assert.deepEqual(Object.keys(span.attributes), ["__proto__"]);
    assert.equal((span.attributes as { polluted?: unknown }).polluted, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });

  it("lets the last value of a repeated attribute key win", () => {
    const span = decodeOne({ attributes: [{ key: "k", value: { intValue: 1 } }, { key: "k", value: { intValue: 2 } }] });
    assert.deepEqual(span.attributes, { k: 2 });
  });

  it("decodes a body given as bytes, with a byte-order mark, and replaces invalid UTF-8", () => {
    const text = jsonRequest(jsonSpan({ name: "NAME" }));
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace("NAME", "\u0001"), "utf8")]);
    bytes[bytes.indexOf(0x01)] = 0xff; // an invalid UTF-8 byte inside the span name
    assert.equal(onlySpan(decodeOtlpJson(bytes)).name, "\ufffd");
  });

  it("treats an empty or all-zero parentSpanId as a root span", () => {
    assert.equal(decodeOne({ parentSpanId: "" }).parentSpanId, undefined);
    assert.equal(decodeOne({ parentSpanId: "0000000000000000" }).parentSpanId, undefined);
    assert.equal("parentSpanId" in decodeOne({ parentSpanId: null }), false);
  });

  it("uses the end time when the start time is missing or 0, and the start time when the end is", () => {
    const noStart = decodeOne({ startTimeUnixNano: "0" });
    assert.equal(noStart.startTimeUnixNano, 1_700_000_000_500_000_000n);
    assert.equal(noStart.endTimeUnixNano, 1_700_000_000_500_000_000n);
    const noEnd = decodeOne({ endTimeUnixNano: undefined });
    assert.equal(noEnd.endTimeUnixNano, 1_700_000_000_000_000_001n);
  });

  it(`accepts attributes nested ${MAX_ATTRIBUTE_DEPTH} levels deep`, () => {
    let value = attributeValue(nestedArrays(MAX_ATTRIBUTE_DEPTH));
    for (let i = 0; i < MAX_ATTRIBUTE_DEPTH; i++) value = (value as unknown[])[0];
    assert.equal(value, "leaf");
  });
});

describe("decodeOtlpJson: rejected spans (OTLP partial success)", () => {
  it("rejects a span with a missing, malformed or all-zero trace id, saying where and why", () => {
    assert.equal(rejectionOf({ traceId: undefined }), "resourceSpans[0].scopeSpans[0].spans[0].traceId: missing");
    assert.equal(
      rejectionOf({ traceId: "xyz" }),
      'resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 32 hex characters (or base64 of 16 bytes), got "xyz"',
    );
    assert.match(rejectionOf({ traceId: "g".repeat(32) }), /traceId: expected 32 hex characters/);
    assert.match(rejectionOf({ traceId: 12 }), /traceId: expected a hex string, got 12/);
    assert.equal(rejectionOf({ traceId: "0".repeat(32) }), "resourceSpans[0].scopeSpans[0].spans[0].traceId: is all zeros, which is not a valid id");
  });

  it("rejects a span with a missing, malformed or all-zero span id", () => {
    assert.match(rejectionOf({ spanId: "" }), /spans\[0\]\.spanId: missing$/);
    assert.match(rejectionOf({ spanId: "abc" }), /spanId: expected 16 hex characters/);
    assert.match(rejectionOf({ spanId: "0000000000000000" }), /spanId: is all zeros/);
  });

  it("rejects a span whose parentSpanId is present but malformed, instead of making it a root", () => {
    assert.match(rejectionOf({ parentSpanId: "not-an-id" }), /spans\[0\]\.parentSpanId: expected 16 hex characters/);
    assert.match(rejectionOf({ parentSpanId: 5 }), /parentSpanId: expected a hex string/);
  });

  it("rejects a span without any time", () => {
    assert.equal(
      rejectionOf({ startTimeUnixNano: undefined, endTimeUnixNano: "0" }),
      "resourceSpans[0].scopeSpans[0].spans[0]: startTimeUnixNano and endTimeUnixNano are both missing or 0",
    );
    assert.match(rejectionOf({ startTimeUnixNano: "-5" }), /startTimeUnixNano: expected nanoseconds since the epoch/);
    assert.match(rejectionOf({ endTimeUnixNano: "18446744073709551616" }), /endTimeUnixNano: expected nanoseconds/);
  });

  it("rejects a span with a malformed attribute, naming the attribute", () => {
    assert.equal(
      rejectionOf({ attributes: [{ key: "a", value: { stringValue: "ok" } }, { key: "b", value: { intValue: "12x" } }] }),
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[1].value.intValue: expected a 64-bit integer, got "12x"',
    );
    assert.match(rejectionOf({ attributes: [{ key: "b", value: { intValue: "9223372036854775808" } }] }), /intValue: expected a 64-bit integer/);
    assert.match(rejectionOf({ attributes: [{ key: "b", value: { boolValue: "yes" } }] }), /attributes\[0\]\.value\.boolValue: expected true or false/);
    assert.match(rejectionOf({ attributes: [{ value: { stringValue: "x" } }] }), /attributes\[0\]\.key: missing/);
    assert.match(rejectionOf({ attributes: { key: "v" } }), /spans\[0\]\.attributes: expected an array/);
    assert.match(
      rejectionOf({ attributes: [{ key: "k", value: { arrayValue: { values: [{ stringValue: 1 }] } } }] }),
      /attributes\[0\]\.value\.arrayValue\.values\[0\]\.stringValue: expected a string, got 1/,
    );
    assert.match(rejectionOf({ kind: "SERVER" }), /kind: expected a number or one of SPAN_KIND_UNSPECIFIED/);
  });

  it(`rejects a span whose attributes nest deeper than ${MAX_ATTRIBUTE_DEPTH} levels, without deep recursion`, () => {
    const reason = rejectionOf({ attributes: [{ key: "deep", value: nestedArrays(MAX_ATTRIBUTE_DEPTH + 1) }] });
    assert.equal(
      reason,
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value{.arrayValue.values[0] x32}.arrayValue: nested deeper than 32 levels",
    );
    // Built as text: JSON.stringify itself would overflow the stack on 100,000 levels.
    const levels = 100_000;
    const deep = '{"arrayValue":{"values":['.repeat(levels) + "{}" + "]}}".repeat(levels);
    const body = jsonRequest(jsonSpan({ attributes: [{ key: "deep", value: "DEEP" }] })).replace('"DEEP"', deep);
    const result = decodeOtlpJson(body);
    assert.equal(result.spans.length, 0);
    assert.match(result.rejected[0]?.reason ?? "", /nested deeper than 32 levels$/);
  });

  it("rejects bad events and links with their index", () => {
    assert.match(rejectionOf({ events: [{ name: "ok" }, { name: 5 }] }), /spans\[0\]\.events\[1\]\.name: expected a string, got 5/);
    assert.match(rejectionOf({ links: [{ traceId: TRACE_ID, spanId: "zz" }] }), /spans\[0\]\.links\[0\]\.spanId: expected 16 hex characters/);
  });

  it("keeps the good spans of a request and reports each rejected one with its index over all scopes", () => {
    const body = JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [jsonSpan({ name: "a" }), jsonSpan({ traceId: "bad" })] }] },
        { scopeSpans: [{ spans: [] }, { spans: [jsonSpan({ name: "c" }), "not a span", jsonSpan({ name: "e" })] }] },
      ],
    });
    const result = decodeOtlpJson(body);
    assert.deepEqual(result.spans.map((s) => s.name), ["a", "c", "e"]);
    assert.deepEqual(
      result.rejected,
      [
        { index: 1, reason: 'resourceSpans[0].scopeSpans[0].spans[1].traceId: expected 32 hex characters (or base64 of 16 bytes), got "bad"' },
        { index: 3, reason: 'resourceSpans[1].scopeSpans[1].spans[1]: expected a span object, got "not a span"' },
      ],
    );
  });
});

describe("decodeOtlpJson: refused bodies", () => {
  it("refuses a body that is not JSON, with the parser's reason", () => {
    const error = decodeError("{not json");
    assert.equal(error.code, "invalid_json");
    assert.equal(error.httpStatus, 400);
    assert.match(error.message, /^body is not valid JSON: /);
    assert.equal(decodeError("").message, "body is empty; expected an OTLP/JSON ExportTraceServiceRequest");
    assert.equal(decodeError("   ").code, "invalid_json");
  });

  it("says so when protobuf is sent as JSON", () => {
    const error = decodeError(Uint8Array.from([0x0a, 0x02, 0x0a, 0x00]));
    assert.equal(error.code, "invalid_json");
    assert.match(error.message, /looks like protobuf: send it with Content-Type: application\/x-protobuf/);
  });

  it("refuses JSON that is not an ExportTraceServiceRequest, saying what it got", () => {
    assert.equal(decodeError("[1,2]").message, "body: expected a JSON object (ExportTraceServiceRequest), got an array of 2");
    assert.equal(decodeError("null").code, "invalid_structure");
    assert.equal(decodeError('{"resourceSpans": {}}').message, "resourceSpans: expected an array, got {}");
    assert.equal(decodeError('{"resourceSpans": [5]}').message, "resourceSpans[0]: expected an object, got 5");
    assert.equal(decodeError('{"resourceSpans": [{"scopeSpans": "x"}]}').message, 'resourceSpans[0].scopeSpans: expected an array, got "x"');
    assert.equal(
      decodeError('{"resourceSpans": [{"scopeSpans": [{"spans": {"a": 1}}]}]}').message,
      'resourceSpans[0].scopeSpans[0].spans: expected an array, got {"a":1}',
    );
    assert.equal(
      decodeError('{"batch": [], "metadata": {}}').message,
      'body: expected an ExportTraceServiceRequest with "resourceSpans", got an object with keys "batch", "metadata"',
    );
  });

  it("refuses a malformed resource or scope, which concerns every span under it", () => {
    const badResource = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: "n", value: { intValue: "x" } }] }, scopeSpans: [] }] });
    const error = decodeError(badResource);
    assert.equal(error.code, "invalid_structure");
    assert.equal(error.message, 'resourceSpans[0].resource.attributes[0].value.intValue: expected a 64-bit integer, got "x"');
    const badScope = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ scope: { name: 7 }, spans: [] }] }] });
    assert.equal(decodeError(badScope).message, "resourceSpans[0].scopeSpans[0].scope.name: expected a string, got 7");
  });

  it("recognises OTLP logs and metrics sent to the traces endpoint", () => {
    const logs = decodeError(JsonLogsSerializer.serializeRequest(logsExport()) ?? new Uint8Array());
    assert.equal(logs.code, "wrong_signal");
    assert.match(logs.message, /OTLP logs export \("resourceLogs"\), sent to the traces endpoint/);
    const metrics = decodeError(JsonMetricsSerializer.serializeRequest(metricsExport()) ?? new Uint8Array());
    assert.equal(metrics.code, "wrong_signal");
    assert.match(metrics.message, /OTLP metrics export/);
    assert.equal(decodeError('{"resource_logs": []}').code, "wrong_signal");
  });

  it("treats a null resourceSpans as an empty request, as proto3 JSON defines null", () => {
    assert.deepEqual(decodeOtlpJson('{"resourceSpans": null}'), { spans: [], rejected: [] });
  });

  it("never throws anything but OtlpDecodeError for mangled bodies", () => {
    const body = jsonRequest(jsonSpan({ attributes: [{ key: "k", value: { kvlistValue: { values: [{ key: "a", value: { intValue: 1 } }] } } }] }));
    for (let cut = 0; cut < body.length; cut++) {
      for (const mangled of [body.slice(0, cut), body.slice(0, cut) + body.slice(cut + 1), body.slice(0, cut) + "[]" + body.slice(cut)]) {
        try {
          const result = decodeOtlpJson(mangled);
          assert.ok(Array.isArray(result.spans) && Array.isArray(result.rejected));
        } catch (error) {
          assert.ok(error instanceof OtlpDecodeError, `cut at ${cut}: ${String(error)}`);
        }
      }
    }
  });
});
