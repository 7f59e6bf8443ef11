import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { ACCEPTED_CONTENT_TYPES, OTLP_ERROR_HTTP_STATUS, OtlpDecodeError, contentTypeFormat, decodeContentEncoding } from "@sightline/server";

const MiB = 1024 * 1024;

function refusal(body: Uint8Array, encoding: string | undefined, max: number): OtlpDecodeError {
  try {
    decodeContentEncoding(body, encoding, max);
  } catch (error) {
    assert.ok(error instanceof OtlpDecodeError, `expected an OtlpDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the body to be refused");
}

describe("contentTypeFormat", () => {
  it("recognises OTLP/JSON, with parameters and in any case", () => {
    assert.equal(contentTypeFormat("application/json"), "json");
    assert.equal(contentTypeFormat("application/json; charset=utf-8"), "json");
    assert.equal(contentTypeFormat("  Application/JSON ;charset=UTF-8"), "json");
  });

  it("recognises OTLP/protobuf under both names", () => {
    assert.equal(contentTypeFormat("application/x-protobuf"), "protobuf");
    assert.equal(contentTypeFormat("application/protobuf"), "protobuf");
    assert.equal(contentTypeFormat("APPLICATION/X-PROTOBUF; proto=opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest"), "protobuf");
  });

  it("returns null for anything else, which the HTTP layer answers with 415 and the accepted types", () => {
    for (const other of [undefined, "", "text/plain", "application/jsonx", "application/grpc", "multipart/form-data", "application/x-www-form-urlencoded"]) {
      assert.equal(contentTypeFormat(other), null, String(other));
    }
    assert.deepEqual([...ACCEPTED_CONTENT_TYPES], ["application/x-protobuf", "application/protobuf", "application/json"]);
    assert.equal(OTLP_ERROR_HTTP_STATUS.unsupported_content_type, 415);
  });
});

describe("decodeContentEncoding", () => {
  const body = Buffer.from('{"resourceSpans":[]}'.repeat(100));

  it("passes an identity body through unchanged", () => {
    for (const encoding of [undefined, "", "identity", " IDENTITY "]) {
      assert.equal(decodeContentEncoding(body, encoding, MiB), body);
    }
  });

  it("gunzips gzip and x-gzip bodies, in any case, and stacked gzip", () => {
    assert.deepEqual(Buffer.from(decodeContentEncoding(gzipSync(body), "gzip", MiB)), body);
    assert.deepEqual(Buffer.from(decodeContentEncoding(gzipSync(body), "X-GZIP", MiB)), body);
    assert.deepEqual(Buffer.from(decodeContentEncoding(gzipSync(gzipSync(body)), "gzip, gzip", MiB)), body);
  });

  it("refuses deflate, br, zstd and unknown encodings with unsupported_encoding (415)", () => {
    for (const encoding of ["deflate", "br", "zstd", "compress", "gzip, br"]) {
      const error = refusal(body, encoding, MiB);
      assert.equal(error.code, "unsupported_encoding", encoding);
      assert.equal(error.httpStatus, 415);
      assert.match(error.message, /is not supported; use one of gzip, x-gzip, identity$/);
    }
  });

  it("refuses a gzip bomb with body_too_large (413) as soon as the limit is passed", () => {
    const bomb = gzipSync(Buffer.alloc(64 * MiB));
    assert.ok(bomb.length < 100_000, `the bomb is ${bomb.length} bytes compressed`);
    const started = process.hrtime.bigint();
    const error = refusal(bomb, "gzip", MiB);
    const millis = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(error.code, "body_too_large");
    assert.equal(error.httpStatus, 413);
    assert.equal(error.message, `the decompressed body is larger than the limit of ${MiB} bytes`);
    assert.ok(millis < 500, `took ${millis} ms: decompression did not stop at the limit`);
  });

  it("accepts a gzip body that decompresses to exactly the limit", () => {
    assert.equal(decodeContentEncoding(gzipSync(body), "gzip", body.length).length, body.length);
  });

  it("refuses an identity body over the limit with body_too_large", () => {
    assert.equal(refusal(body, undefined, body.length - 1).code, "body_too_large");
  });

  it("refuses bytes that are not gzip, or gzip cut short, with invalid_gzip (400)", () => {
    const notGzip = refusal(body, "gzip", MiB);
    assert.equal(notGzip.code, "invalid_gzip");
    assert.equal(notGzip.httpStatus, 400);
    assert.match(notGzip.message, /^body is not valid gzip: /);
    const gz = gzipSync(body);
    assert.equal(refusal(gz.subarray(0, gz.length - 10), "gzip", MiB).code, "invalid_gzip");
    assert.equal(refusal(new Uint8Array(0), "gzip", MiB).code, "invalid_gzip");
  });
});
