// OTLP/HTTP ingestion through the in-process app: both paths, both encodings, gzip, partial success,
// and every refusal with its status and code; the app keeps serving after each bad request.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SightlineAttributes as A } from "@sightline/core";
import { createApiKey, createApp, openSqliteStore } from "@sightline/server";
import type { TraceStore } from "@sightline/server";
import {
  basicAuth,
  buildSpans,
  byteStream,
  createHarness,
  gzip,
  JSON_TYPE,
  otlpJson,
  otlpProtobuf,
  PROTOBUF_TYPE,
  withSpanId,
} from "./support/http-harness.js";
import type { ApiError, ApiPage, ApiTrace, Harness } from "./support/http-harness.js";

let h: Harness;
before(async () => {
  h = await createHarness({ maxBodyBytes: 1024 * 1024 });
});
after(async () => {
  await h.close();
});

async function errorOf(res: Response): Promise<ApiError["error"]> {
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return ((await res.json()) as ApiError).error;
}

/** A small valid trace to prove the app still works after a refusal. */
async function assertStillServing(): Promise<void> {
  const spans = buildSpans([{ name: "after-bad-request" }]);
  const res = await h.post("/v1/traces", otlpJson(spans), JSON_TYPE);
  assert.equal(res.status, 200);
  const { body } = await h.get<ApiTrace>(`/api/public/traces/${spans[0]!.spanContext().traceId}`);
  assert.equal(body.name, "after-bad-request");
}

describe("POST /v1/traces and /api/public/otel/v1/traces", () => {
  it("stores an OTLP/JSON request and answers 200 with an empty JSON ExportTraceServiceResponse", async () => {
    const spans = buildSpans([
      { name: "agent-run", attributes: { [A.OBSERVATION_TYPE]: "agent" } },
      { name: "llm-call", parent: 0, attributes: { [A.OBSERVATION_TYPE]: "generation", [A.OBSERVATION_MODEL]: "gpt-4o" } },
    ]);
    const res = await h.post("/api/public/otel/v1/traces", otlpJson(spans), JSON_TYPE);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.deepEqual(await res.json(), {});

    const { body } = await h.get<ApiTrace>(`/api/public/traces/${spans[0]!.spanContext().traceId}`);
    assert.deepEqual((body.observations ?? []).map((o) => (typeof o === "string" ? o : o.name)).sort(), ["agent-run", "llm-call"]);
  });

  it("stores an OTLP/protobuf request on the standard path and answers with an empty protobuf body", async () => {
    const spans = buildSpans([{ name: "proto-root" }, { name: "proto-child", parent: 0 }]);
    const res = await h.post("/v1/traces", otlpProtobuf(spans), PROTOBUF_TYPE);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/x-protobuf");
    assert.equal((await res.arrayBuffer()).byteLength, 0);
    const { body } = await h.get<ApiTrace>(`/api/public/traces/${spans[0]!.spanContext().traceId}`);
    assert.equal(body.observationCount, 2);
  });

  it("accepts application/protobuf and a gzip-compressed body", async () => {
    const spans = buildSpans([{ name: "gzipped" }]);
    const res = await h.post("/v1/traces", gzip(otlpProtobuf(spans)), {
      "content-type": "application/protobuf",
      "content-encoding": "gzip",
    });
    assert.equal(res.status, 200);
    assert.equal((await h.get<ApiTrace>(`/api/public/traces/${spans[0]!.spanContext().traceId}`)).status, 200);
  });

  it("accepts a chunked body without Content-Length", async () => {
    const spans = buildSpans([{ name: "streamed-body" }]);
    const bytes = otlpJson(spans);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 10));
        controller.enqueue(bytes.subarray(10));
        controller.close();
      },
    });
    const res = await h.post("/v1/traces", stream, JSON_TYPE);
    assert.equal(res.status, 200);
    assert.equal((await h.get<ApiTrace>(`/api/public/traces/${spans[0]!.spanContext().traceId}`)).status, 200);
  });

  it("answers partialSuccess in JSON when some spans are rejected, and stores the others", async () => {
    const [good, bad] = buildSpans([{ name: "kept" }, { name: "bad-id" }]);
    const res = await h.post("/v1/traces", otlpJson([good!, withSpanId(bad!, "zz")]), JSON_TYPE);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(body.partialSuccess.rejectedSpans, "1");
    assert.match(body.partialSuccess.errorMessage, /1 span\(s\) rejected: span #1: /);
    assert.equal((await h.get<ApiTrace>(`/api/public/traces/${good!.spanContext().traceId}`)).status, 200);
  });

  it("answers partialSuccess in protobuf (ExportTracePartialSuccess, fields 1 and 2) for a protobuf request", async () => {
    const [good, bad] = buildSpans([{ name: "kept-proto" }, { name: "bad-id-proto" }]);
    const res = await h.post("/v1/traces", otlpProtobuf([good!, withSpanId(bad!, "abcd")]), PROTOBUF_TYPE);
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // field 1 (partial_success), length-delimited, then inside: field 1 varint 1, field 2 string.
    assert.equal(bytes[0], 0x0a);
    assert.equal(bytes[1], bytes.length - 2);
    assert.deepEqual([...bytes.subarray(2, 4)], [0x08, 0x01]);
    assert.equal(bytes[4], 0x12);
    assert.match(Buffer.from(bytes.subarray(6)).toString("utf8"), /^1 span\(s\) rejected: span #1: /);
  });

  it("refuses a wrong content type with 415 naming the accepted ones", async () => {
    const res = await h.post("/v1/traces", "hello", { "content-type": "text/plain" });
    assert.equal(res.status, 415);
    const error = await errorOf(res);
    assert.equal(error.code, "unsupported_content_type");
    assert.match(error.message, /application\/x-protobuf.*application\/json/);
    await assertStillServing();
  });

  it("refuses a missing content type with 415", async () => {
    const res = await h.post("/v1/traces", new Uint8Array([1, 2, 3]));
    assert.equal(res.status, 415);
    assert.match((await errorOf(res)).message, /No Content-Type header/);
  });

  it("refuses an unsupported content encoding with 415 naming gzip", async () => {
    const res = await h.post("/v1/traces", "{}", { ...JSON_TYPE, "content-encoding": "br" });
    assert.equal(res.status, 415);
    const error = await errorOf(res);
    assert.equal(error.code, "unsupported_encoding");
    assert.match(error.message, /gzip/);
  });

  it("refuses invalid JSON with 400 invalid_json", async () => {
    const res = await h.post("/v1/traces", '{"resourceSpans": [', JSON_TYPE);
    assert.equal(res.status, 400);
    assert.equal((await errorOf(res)).code, "invalid_json");
    await assertStillServing();
  });

  it("refuses a truncated protobuf body with 400 invalid_protobuf", async () => {
    const bytes = otlpProtobuf(buildSpans([{ name: "truncated", attributes: { k: "v".repeat(100) } }]));
    const res = await h.post("/v1/traces", bytes.subarray(0, bytes.length - 30), PROTOBUF_TYPE);
    assert.equal(res.status, 400);
    assert.equal((await errorOf(res)).code, "invalid_protobuf");
    await assertStillServing();
  });

  it("stores strings that are not valid UTF-8 with replacement characters, in JSON and protobuf, and keeps serving", async () => {
    const marker = "BADUTF8MARKER";
    for (const [encode, type] of [
      [otlpJson, JSON_TYPE],
      [otlpProtobuf, PROTOBUF_TYPE],
    ] as const) {
      const spans = buildSpans([{ name: "bad-utf8", attributes: { [A.OBSERVATION_INPUT]: `${marker}:` } }]);
      const raw = Buffer.from(encode(spans));
      const at = raw.indexOf(`${marker}:`) + marker.length;
      assert.ok(at > marker.length, "marker found in the encoded body");
      raw[at] = 0xff; // an invalid UTF-8 byte in place of ':'
      const res = await h.post("/v1/traces", raw, type);
      assert.equal(res.status, 200, JSON.stringify(type));
      const { body } = await h.get<ApiTrace>(`/api/public/traces/${spans[0]!.spanContext().traceId}`);
      assert.equal(body.input, `${marker}\uFFFD`);
    }
    await assertStillServing();
  });

  it("rejects spans with invalid ids as a partial success and stores the valid ones", async () => {
    const spans = buildSpans([{ name: "valid-one" }, { name: "bad-id" }]);
    const body = JSON.parse(Buffer.from(otlpJson(spans)).toString("utf8")) as {
      resourceSpans: { scopeSpans: { spans: { name: string; traceId: string; spanId: string }[] }[] }[];
    };
    const bad = body.resourceSpans[0]!.scopeSpans[0]!.spans.find((s) => s.name === "bad-id")!;
    bad.spanId = "not-hex!";
    const res = await h.post("/v1/traces", JSON.stringify(body), JSON_TYPE);
    assert.equal(res.status, 200);
    const answer = (await res.json()) as { partialSuccess?: { rejectedSpans: string; errorMessage: string } };
    assert.equal(answer.partialSuccess?.rejectedSpans, "1");
    assert.match(answer.partialSuccess?.errorMessage ?? "", /spanId/);
    const { body: trace } = await h.get<ApiTrace>(`/api/public/traces/${spans[0]!.spanContext().traceId}`);
    assert.equal(trace.name, "valid-one");
  });

  it("refuses bytes that are not gzip with 400 invalid_gzip", async () => {
    const res = await h.post("/v1/traces", "not gzip at all", { ...JSON_TYPE, "content-encoding": "gzip" });
    assert.equal(res.status, 400);
    assert.equal((await errorOf(res)).code, "invalid_gzip");
  });

  it("refuses an OTLP logs body sent to the traces endpoint with 400 wrong_signal", async () => {
    const logs = { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords: [{ timeUnixNano: "1", body: { stringValue: "hello" } }] }] }] };
    const res = await h.post("/v1/traces", JSON.stringify(logs), JSON_TYPE);
    assert.equal(res.status, 400);
    const error = await errorOf(res);
    assert.equal(error.code, "wrong_signal");
    assert.match(error.message, /logs/i);
    await assertStillServing();
  });

  it("refuses a body over the limit with 413 when Content-Length says so, naming the limit", async () => {
    const res = await h.post("/v1/traces", new Uint8Array(1024 * 1024 + 1), JSON_TYPE);
    assert.equal(res.status, 413);
    const error = await errorOf(res);
    assert.equal(error.code, "body_too_large");
    assert.match(error.message, /1 MiB/);
    await assertStillServing();
  });

  it("refuses a 50 MB chunked body with 413 while streaming, then serves the next request", async () => {
    const res = await h.post("/v1/traces", byteStream(50 * 1024 * 1024), JSON_TYPE);
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, "body_too_large");
    await assertStillServing();
  });

  it("refuses a gzip bomb (small body, huge when inflated) with 413", async () => {
    const bomb = gzip(new Uint8Array(64 * 1024 * 1024)); // 64 MiB of zeros in ~64 KB
    assert.ok(bomb.length < 1024 * 1024);
    const res = await h.post("/v1/traces", bomb, { ...JSON_TYPE, "content-encoding": "gzip" });
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, "body_too_large");
    await assertStillServing();
  });

  it("authenticates before reading the body: no key, no upload", async () => {
    const res = await h.post("/v1/traces", byteStream(50 * 1024 * 1024), JSON_TYPE, null);
    assert.equal(res.status, 401);
  });

  it("stores a span with a 5 MB attribute in full under the default 32 MiB limit", async () => {
    const roomy = await createHarness();
    try {
      const big = "x".repeat(5 * 1024 * 1024);
      const spans = buildSpans([{ name: "big-input", attributes: { [A.OBSERVATION_INPUT]: big } }]);
      const res = await roomy.post("/v1/traces", otlpProtobuf(spans), PROTOBUF_TYPE);
      assert.equal(res.status, 200);
      const { body } = await roomy.get<{ input: unknown }>(`/api/public/observations/${spans[0]!.spanContext().spanId}`);
      assert.equal(body.input, big);
    } finally {
      await roomy.close();
    }
  });

  it("refuses deeply nested JSON with a 400 and keeps serving", async () => {
    const depth = 100_000;
    const res = await h.post("/v1/traces", `{"resourceSpans":${"[".repeat(depth)}${"]".repeat(depth)}}`, JSON_TYPE);
    assert.equal(res.status, 400);
    assert.match((await errorOf(res)).code, /^invalid_(json|structure)$/);
    await assertStillServing();
  });

  it("accepts an empty request (no resourceSpans) with 200", async () => {
    const res = await h.post("/v1/traces", "{}", JSON_TYPE);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
  });

  it("stores a span resent by a retry once", async () => {
    const spans = buildSpans([{ name: "retried" }]);
    await h.post("/v1/traces", otlpJson(spans), JSON_TYPE);
    await h.post("/v1/traces", otlpProtobuf(spans), PROTOBUF_TYPE);
    const { body } = await h.get<ApiPage<{ id: string }>>(`/api/public/observations?traceId=${spans[0]!.spanContext().traceId}`);
    assert.equal(body.data.length, 1);
  });
});

describe("OTLP metrics and logs endpoints", () => {
  for (const path of ["/v1/metrics", "/api/public/otel/v1/metrics"]) {
    it(`accepts and discards metrics on ${path} with an empty 200 (as Langfuse does)`, async () => {
      const res = await h.post(path, JSON.stringify({ resourceMetrics: [] }), JSON_TYPE);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {});
      const proto = await h.post(path, new Uint8Array(0), PROTOBUF_TYPE);
      assert.equal(proto.status, 200);
      assert.equal((await proto.arrayBuffer()).byteLength, 0);
    });
  }

  it("still requires a valid key for metrics", async () => {
    const res = await h.post("/v1/metrics", "{}", JSON_TYPE, null);
    assert.equal(res.status, 401);
  });

  for (const path of ["/v1/logs", "/api/public/otel/v1/logs"]) {
    it(`answers logs on ${path} with 404 unsupported_signal saying where traces go`, async () => {
      const res = await h.post(path, "{}", JSON_TYPE);
      assert.equal(res.status, 404);
      const error = await errorOf(res);
      assert.equal(error.code, "unsupported_signal");
      assert.match(error.message, /traces only.*\/v1\/traces/);
    });
  }
});

describe("internal errors", () => {
  it("answer 500 with a request id when the store fails, log it with that id, and the app keeps serving", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    await store.migrate();
    await store.ensureProject({ id: "default", name: "Default project" });
    const key = await createApiKey(store, "default");
    let failNext = true;
    // The real store, with one injected failure (a disk error while committing).
    const failing = new Proxy(store, {
      get(target, property) {
        if (property === "insertObservations" && failNext) {
          failNext = false;
          return () => Promise.reject(new Error("SQLITE_IOERR: disk I/O error"));
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as TraceStore;
    const logged: string[] = [];
    const app = createApp({ store: failing, logger: { info: () => undefined, warn: () => undefined, error: (message) => logged.push(message) } });
    const post = () =>
      app.request("/v1/traces", {
        method: "POST",
        headers: { authorization: basicAuth(key.publicKey, key.secretKey), ...JSON_TYPE },
        body: Buffer.from(otlpJson(buildSpans([{ name: "during-disk-error" }]))),
      });

    const res = await post();
    assert.equal(res.status, 500);
    const { error } = (await res.json()) as ApiError;
    assert.equal(error.code, "internal");
    assert.match(error.message, /request id [0-9a-f]{12}/);
    assert.ok(!error.message.includes("SQLITE_IOERR"), "internals are not revealed");
    assert.equal(res.headers.get("x-request-id"), error.requestId);
    assert.equal(logged.length, 1);
    assert.ok(logged[0]!.includes(error.requestId!) && logged[0]!.includes("SQLITE_IOERR"));

    assert.equal((await post()).status, 200, "the next request is served");
    await store.close();
  });
});
