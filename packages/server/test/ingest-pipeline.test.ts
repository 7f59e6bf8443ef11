// The ingestion pipeline's moving parts: decoding and mapping on worker threads, group commit in the
// SQLite store, and the store's background thread (WAL checkpoints and full-text indexing).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@sightline/core";
import { SightlineAttributes } from "@sightline/core";
import {
  MAPPED_CHUNK_RECORDS,
  OtlpDecodeError,
  createApiKey,
  createApp,
  WorkerIngestDecoder,
  decodeAndMapRequest,
  defaultIngestWorkers,
  inlineIngestDecoder,
  openSqliteStore,
  PriceSourceCache,
  resolveServerConfig,
} from "@sightline/server";
import type { IngestRequest, ObservationInput, ObservationRecord, PreparedObservation, TraceStore } from "@sightline/server";
import { jsonBody, protobufBody, recordingProvider, variedSpans } from "./otlp-fixtures.js";
import { BASE_NS, hexId, observation } from "./support/store-fixtures.js";

const MAX = 32 * 1024 * 1024;
/** The built-in catalogue's prices, no custom ones. */
const SOURCES = new PriceSourceCache().sourcesFor(undefined);
const P = "project";
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "sightline-pipeline-"));
  dirs.push(dir);
  return join(dir, "sightline.db");
}

function request(format: "json" | "protobuf", body: Uint8Array, contentEncoding?: string): IngestRequest {
  return { format, body, contentEncoding, maxBodyBytes: MAX };
}

function traceOf(n: number, spans: number, text = "hello"): ObservationRecord[] {
  const traceId = hexId(n, 32);
  return Array.from({ length: spans }, (_, i) =>
    observation({
      id: hexId(n * 1000 + i + 1, 16),
      traceId,
      parentObservationId: i === 0 ? null : hexId(n * 1000 + 1, 16),
      startTimeNs: BASE_NS + BigInt(n * 1000 + i),
      input: { text: `${text} ${n}` },
    }),
  );
}

/** A protobuf body of `count` distinct spans (one trace per 8), each with a little input. */
function manySpansBody(count: number): Uint8Array {
  const { provider, exporter } = recordingProvider();
  const tracer = provider.getTracer("chunk-test", "1.0.0");
  for (let i = 0; i < count; i++) {
    tracer.startSpan(`span-${i}`, { attributes: { [SightlineAttributes.OBSERVATION_INPUT]: JSON.stringify({ i }) } }).end();
  }
  return protobufBody(exporter.getFinishedSpans());
}

describe("decoding in chunks", () => {
  it("hands over every full chunk as soon as it is mapped and returns the rest, in order", () => {
    const body = manySpansBody(300);
    const whole = decodeAndMapRequest(request("protobuf", body), SOURCES);
    const chunks: PreparedObservation[][] = [];
    const rest = decodeAndMapRequest(request("protobuf", body), SOURCES, (records) => chunks.push(records), 128);
    assert.deepEqual(chunks.map((c) => c.length), [128, 128]);
    assert.equal(rest.records.length, 44);
    assert.deepEqual([...chunks.flat(), ...rest.records], whole.records);
    assert.deepEqual(rest.reasons, whole.reasons);
  });

  it("delivers no chunk for a refused body", () => {
    let chunks = 0;
    assert.throws(
      () => decodeAndMapRequest(request("json", new TextEncoder().encode("{not json")), SOURCES, () => chunks++, 1),
      (e: unknown) => e instanceof OtlpDecodeError && e.code === "invalid_json",
    );
    assert.equal(chunks, 0);
  });

  it("from a worker thread: early chunks plus the answer are exactly the inline result", async () => {
    const decoder = new WorkerIngestDecoder(1);
    try {
      const body = manySpansBody(MAPPED_CHUNK_RECORDS * 2 + 5);
      const inline = await inlineIngestDecoder.decode(request("protobuf", body));
      const chunks: PreparedObservation[][] = [];
      const answer = await decoder.decode(request("protobuf", body.slice()), (records) => chunks.push(records));
      assert.deepEqual(chunks.map((c) => c.length), [MAPPED_CHUNK_RECORDS, MAPPED_CHUNK_RECORDS], "chunks arrive before the answer");
      assert.deepEqual([...chunks.flat(), ...answer.records], inline.records);
      const plain = await decoder.decode(request("protobuf", body.slice()));
      assert.deepEqual(plain.records, inline.records, "without a chunk callback everything comes in the answer");
    } finally {
      await decoder.close();
    }
  });

  it("stores a chunked request whole through the real server, and answers 500 (nothing acknowledged) when one chunk fails", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    const decoder = new WorkerIngestDecoder(1);
    try {
      await store.ensureProject({ id: "default", name: "Default" });
      const key = await createApiKey(store, "default");
      let inserts = 0;
      let failAt = -1;
      let groups = true;
      const counting = new Proxy(store, {
        get(target, property) {
          if (property === "groupsConcurrentWrites") return groups;
          const value: unknown = Reflect.get(target, property, target);
          if (property !== "insertObservations") return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          return (projectId: string, records: ObservationInput[]) => {
            inserts++;
            return inserts === failAt ? Promise.reject(new Error("disk full")) : store.insertObservations(projectId, records);
          };
        },
      }) as TraceStore;
      const app = createApp({ store: counting, ingestDecoder: decoder, logger: { info: () => {}, warn: () => {}, error: () => {} } });
      const post = (body: Uint8Array) =>
        app.request("/v1/traces", {
          method: "POST",
          headers: { authorization: `Basic ${Buffer.from(`${key.publicKey}:${key.secretKey}`).toString("base64")}`, "content-type": "application/x-protobuf" },
          body: Buffer.from(body),
        });
      const count = MAPPED_CHUNK_RECORDS * 3 + 1;
      assert.equal((await post(manySpansBody(count))).status, 200);
      assert.equal(inserts, 4, "one insert per chunk and one for the rest");
      assert.equal((await store.listObservations("default", { page: 1, limit: 1 })).meta.totalItems, count);

      // A store whose every call is its own transaction (PostgreSQL) gets the request in one call.
      groups = false;
      inserts = 0;
      assert.equal((await post(manySpansBody(count))).status, 200);
      assert.equal(inserts, 1);
      assert.equal((await store.listObservations("default", { page: 1, limit: 1 })).meta.totalItems, count * 2);

      groups = true;
      inserts = 0;
      failAt = 2;
      assert.equal((await post(manySpansBody(count))).status, 500, "a failed chunk fails the request");
      assert.equal((await post(manySpansBody(10))).status, 200, "and the server keeps serving");
    } finally {
      await decoder.close();
      await store.close();
    }
  });
});

describe("WorkerIngestDecoder", () => {
  it("maps bodies on a worker thread to exactly what inline decoding gives, BigInt times included", async () => {
    const decoder = new WorkerIngestDecoder(2);
    try {
      const spans = variedSpans();
      for (const [format, body] of [["protobuf", protobufBody(spans)], ["json", jsonBody(spans)]] as const) {
        const inline = await inlineIngestDecoder.decode(request(format, body));
        const threaded = await decoder.decode(request(format, body.slice()));
        assert.deepEqual(threaded, inline, format);
        assert.equal(typeof threaded.records[0]?.startTimeNs, "bigint");
        assert.ok(threaded.records.length > 5);
      }
    } finally {
      await decoder.close();
    }
  });

  it("keeps many concurrent requests apart and never detaches the caller's body", async () => {
    const decoder = new WorkerIngestDecoder(2);
    try {
      const body = protobufBody(variedSpans());
      // A view into a larger buffer, sent twelve times: only its bytes go over, and it stays usable.
      const shared = new Uint8Array(body.length + 16);
      shared.set(body, 8);
      const view = shared.subarray(8, 8 + body.length);
      const results = await Promise.all(Array.from({ length: 12 }, () => decoder.decode(request("protobuf", view))));
      const expected = decodeAndMapRequest(request("protobuf", body), SOURCES);
      for (const result of results) assert.deepEqual(result, expected);
      assert.equal(shared.byteLength, body.length + 16, "the caller's buffer is not detached");
      const own = body.slice();
      await decoder.decode(request("protobuf", own));
      assert.equal(own.byteLength, body.length, "a body that owns its memory is not detached either");
    } finally {
      await decoder.close();
    }
  });

  it("takes a detachable body's memory instead of copying it, and copies any other body", async () => {
    const decoder = new WorkerIngestDecoder(1);
    try {
      const body = protobufBody(variedSpans());
      const expected = decodeAndMapRequest(request("protobuf", body), SOURCES);
      const owned = new Uint8Array(body);
      assert.deepEqual(await decoder.decode({ ...request("protobuf", owned), detachable: true }), expected);
      assert.equal(owned.byteLength, 0, "the detachable body's memory went to the worker");
      const kept = new Uint8Array(body);
      assert.deepEqual(await decoder.decode(request("protobuf", kept)), expected);
      assert.equal(kept.byteLength, body.length, "a body that is not detachable is copied");
      const shared = new Uint8Array(body.length + 8);
      shared.set(body, 4);
      const view = shared.subarray(4, 4 + body.length);
      assert.deepEqual(await decoder.decode({ ...request("protobuf", view), detachable: true }), expected);
      assert.equal(shared.byteLength, body.length + 8, "a view into a larger buffer is copied even when detachable");
    } finally {
      await decoder.close();
    }
  });

  it("rejects a refused body with the same OtlpDecodeError code as inline decoding, and goes on serving", async () => {
    const decoder = new WorkerIngestDecoder(1);
    try {
      const bad = new TextEncoder().encode("{not json");
      const error = await decoder.decode(request("json", bad)).then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof OtlpDecodeError);
      assert.equal(error.code, "invalid_json");
      await assert.rejects(decoder.decode(request("json", bad, "br")), (e: unknown) => e instanceof OtlpDecodeError && e.code === "unsupported_encoding");
      const ok = await decoder.decode(request("json", jsonBody(variedSpans())));
      assert.ok(ok.records.length > 0);
    } finally {
      await decoder.close();
    }
    await assert.rejects(decoder.decode(request("json", new Uint8Array())), /closed/);
  });
});

describe("SIGHTLINE_INGEST_WORKERS", () => {
  it("defaults to one worker per core beyond the first (at most 4) and accepts 0 for inline decoding", () => {
    assert.equal(defaultIngestWorkers(1), 0);
    assert.equal(defaultIngestWorkers(2), 1);
    assert.equal(defaultIngestWorkers(16), 4);
    assert.equal(resolveServerConfig({}, { SIGHTLINE_INGEST_WORKERS: "0" }).ingestWorkers, 0);
    assert.equal(resolveServerConfig({ ingestWorkers: 3 }, { SIGHTLINE_INGEST_WORKERS: "0" }).ingestWorkers, 3);
    assert.throws(() => resolveServerConfig({}, { SIGHTLINE_INGEST_WORKERS: "many" }), ConfigError);
    assert.throws(() => resolveServerConfig({}, { SIGHTLINE_INGEST_WORKERS: "-1" }), /SIGHTLINE_INGEST_WORKERS/);
  });
});

describe("group commit in the SQLite store", () => {
  it("stores concurrent batches (of several projects) and resolves each with its own result", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    try {
      await store.ensureProject({ id: P, name: "p" });
      await store.ensureProject({ id: "other", name: "o" });
      const results = await Promise.all([
        store.insertObservations(P, traceOf(1, 3)),
        store.insertObservations("other", traceOf(2, 2)),
        store.insertObservations(P, traceOf(3, 4)),
        store.insertObservations(P, []),
      ]);
      assert.deepEqual(results.map((r) => r.written), [3, 2, 4, 0]);
      assert.deepEqual(results[0]?.traceIds, [hexId(1, 32)]);
      assert.equal((await store.listTraces(P, { page: 1, limit: 10 })).meta.totalItems, 2);
      assert.equal((await store.getTrace("other", hexId(2, 32)))?.observationCount, 2);
    } finally {
      await store.close();
    }
  });

  it("fails only the batch that cannot be written when it shares a transaction with others", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    try {
      await store.ensureProject({ id: P, name: "p" });
      const broken = traceOf(2, 2);
      // A value SQLite cannot bind: the insert throws inside the group's transaction.
      (broken[1] as unknown as { name: unknown }).name = { not: "bindable" };
      const outcomes = await Promise.allSettled([
        store.insertObservations(P, traceOf(1, 2)),
        store.insertObservations(P, broken),
        store.insertObservations(P, traceOf(3, 2)),
      ]);
      assert.deepEqual(outcomes.map((o) => o.status), ["fulfilled", "rejected", "fulfilled"]);
      const traces = await store.listTraces(P, { page: 1, limit: 10 });
      assert.deepEqual(traces.data.map((t) => t.id).sort(), [hexId(1, 32), hexId(3, 32)]);
      assert.equal((await store.listObservations(P, { page: 1, limit: 10 })).meta.totalItems, 4, "nothing of the failed batch is stored");
    } finally {
      await store.close();
    }
  });

  it("commits what is queued when the store closes, and refuses writes afterwards", async () => {
    const file = tempFile();
    const store = await openSqliteStore({ file });
    await store.ensureProject({ id: P, name: "p" });
    const pending = store.insertObservations(P, traceOf(1, 5));
    await store.close();
    assert.equal((await pending).written, 5);
    await assert.rejects(store.insertObservations(P, traceOf(2, 1)), /closed/);
    const reopened = await openSqliteStore({ file });
    try {
      assert.equal((await reopened.getTrace(P, hexId(1, 32)))?.observationCount, 5);
    } finally {
      await reopened.close();
    }
  });
});

describe("the SQLite store's background thread", () => {
  it("makes new observations searchable and checkpoints the WAL off the writing thread, then closes cleanly", async () => {
    const file = tempFile();
    const store = await openSqliteStore({ file, backgroundThread: true, fullText: { intervalMillis: 20 } });
    try {
      await store.ensureProject({ id: P, name: "p" });
      const emptySize = statSync(file).size;
      for (let n = 1; n <= 20; n++) await store.insertObservations(P, traceOf(n, 50, n === 7 ? "quetzal" : "plain"));
      const deadline = Date.now() + 15_000;
      while (store.indexBacklog() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(store.indexBacklog(), 0, "the background thread indexed everything");
      assert.equal(await searchHits(store), 1);
      // The thread checkpoints every 500 ms: the database file grows while the writer only appends to the WAL.
      const grown = Date.now() + 10_000;
      while (statSync(file).size < emptySize + 200_000 && Date.now() < grown) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(statSync(file).size >= emptySize + 200_000, `checkpointed into the database file (${emptySize} -> ${statSync(file).size} bytes)`);
    } finally {
      await store.close();
    }
    const reopened = await openSqliteStore({ file });
    try {
      assert.equal((await reopened.listTraces(P, { page: 1, limit: 1 })).meta.totalItems, 20);
    } finally {
      await reopened.close();
    }
  });
});

/** Traces matching the test's rare word (a search also indexes what is pending: call it once the backlog is 0). */
async function searchHits(store: Awaited<ReturnType<typeof openSqliteStore>>): Promise<number> {
  return (await store.listTraces(P, { page: 1, limit: 10, search: "quetzal" })).meta.totalItems;
}
