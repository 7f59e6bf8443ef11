import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { encodeExportResponse } from "@sightline/server";

const decodeProtobuf = (bytes: Uint8Array) => ProtobufTraceSerializer.deserializeResponse(bytes);
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

describe("encodeExportResponse", () => {
  it("answers a fully accepted JSON export with {}", () => {
    assert.equal(text(encodeExportResponse("json")), "{}");
    assert.deepEqual(JsonTraceSerializer.deserializeResponse(encodeExportResponse("json")), {});
  });

  it("answers a fully accepted protobuf export with an empty message (zero bytes)", () => {
    const bytes = encodeExportResponse("protobuf");
    assert.equal(bytes.length, 0);
    assert.deepEqual(decodeProtobuf(bytes), {});
  });

  it("reports rejected spans as JSON partialSuccess, with the int64 count as a string", () => {
    const bytes = encodeExportResponse("json", { rejectedSpans: 3, errorMessage: "3 spans had no trace id" });
    assert.equal(text(bytes), '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"3 spans had no trace id"}}');
  });

  it("reports rejected spans as protobuf partial_success that OpenTelemetry's exporter reads back", () => {
    const message = "2 spans rejected: résumé ✓ ".repeat(20);
    const bytes = encodeExportResponse("protobuf", { rejectedSpans: 2, errorMessage: message });
    assert.deepEqual(decodeProtobuf(bytes), { partialSuccess: { rejectedSpans: 2, errorMessage: message } });
  });

  it("encodes large rejected counts and multi-byte lengths exactly", () => {
    const bytes = encodeExportResponse("protobuf", { rejectedSpans: 300_000, errorMessage: "x".repeat(70_000) });
    const decoded = decodeProtobuf(bytes);
    assert.equal(decoded.partialSuccess?.rejectedSpans, 300_000);
    assert.equal(decoded.partialSuccess?.errorMessage?.length, 70_000);
  });

  it("sends a warning (0 rejected, a message) with the count left out as proto3 does", () => {
    assert.equal(text(encodeExportResponse("json", { rejectedSpans: 0, errorMessage: "warning" })), '{"partialSuccess":{"errorMessage":"warning"}}');
    assert.deepEqual(decodeProtobuf(encodeExportResponse("protobuf", { rejectedSpans: 0, errorMessage: "warning" })), {
      partialSuccess: { errorMessage: "warning" },
    });
  });

  it("treats an empty partial success as full success", () => {
    assert.equal(text(encodeExportResponse("json", { rejectedSpans: 0, errorMessage: "" })), "{}");
    assert.equal(encodeExportResponse("protobuf", { rejectedSpans: 0, errorMessage: "" }).length, 0);
  });

  it("clamps a negative or fractional count to a non-negative integer", () => {
    assert.equal(text(encodeExportResponse("json", { rejectedSpans: -4, errorMessage: "" })), "{}");
    assert.equal(text(encodeExportResponse("json", { rejectedSpans: 2.7, errorMessage: "" })), '{"partialSuccess":{"rejectedSpans":"2"}}');
  });
});
