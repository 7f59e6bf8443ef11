import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SCHEMA_VERSION, openSqliteStore, searchFileOf } from "@sightline/server";
import { downgradeToSchema6, downgradeToSchema8 } from "./support/sqlite-downgrade.js";
import { BASE_NS, hexId, observation, realisticTrace, seededRandom } from "./support/store-fixtures.js";

function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "sightline-store-"));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const P = "project";

describe("SqliteTraceStore", () => {
  it("writes through a WAL file and checkpoints it away on close", () =>
    withDir(async (dir) => {
      const file = join(dir, "sightline.db");
      const store = await openSqliteStore({ file });
      await store.ensureProject({ id: P, name: "P" });
      await store.insertObservations(P, realisticTrace(seededRandom(1), { traceId: "a".repeat(32), size: 20 }));
      assert.ok(existsSync(`${file}-wal`), "WAL file present while open");
      assert.ok(statSync(`${file}-wal`).size > 0);
      await store.close();
      await store.close();
      assert.ok(!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0, "checkpointed on close");
    }));

  it("keeps data, nanoseconds and the search index across a reopen", () =>
    withDir(async (dir) => {
      const file = join(dir, "sightline.db");
      const start = 9_223_372_036_854_775_000n;
      const first = await openSqliteStore({ file, synchronous: "FULL" });
      await first.ensureProject({ id: P, name: "P" });
      await first.insertObservations(P, [
        observation({ id: "1".repeat(16), traceId: "b".repeat(32), startTimeNs: start, endTimeNs: start + 807n, input: "persistent zeppelin" }),
      ]);
      await first.close();
      const second = await openSqliteStore({ file });
      try {
        const trace = await second.getTrace(P, "b".repeat(32));
        assert.equal(trace?.startTimeNs, start, "int64 nanoseconds near the maximum round-trip exactly");
        assert.equal(trace?.endTimeNs, start + 807n);
        assert.equal(trace?.latencySeconds, 807 / 1e9);
        assert.equal((await second.listTraces(P, { page: 1, limit: 5, search: "zeppelin" })).meta.totalItems, 1, "found after the reopen");
        assert.equal(second.indexBacklog(), 0, "the search caught the index up");
      } finally {
        await second.close();
      }
    }));

  it("stores a 5 MB input whole", () =>
    withDir(async (dir) => {
      const store = await openSqliteStore({ file: join(dir, "sightline.db") });
      try {
        await store.ensureProject({ id: P, name: "P" });
        const big = { document: `needle ${"lorem ipsum ".repeat(450_000)}tail`, parts: Array.from({ length: 1000 }, (_, i) => i) };
        assert.ok(JSON.stringify(big).length > 5_000_000);
        await store.insertObservations(P, [observation({ id: "2".repeat(16), traceId: "c".repeat(32), input: big, output: big.document })]);
        const [stored] = await store.getTraceObservations(P, "c".repeat(32));
        assert.deepEqual(stored?.input, big);
        assert.equal(stored?.output, big.document);
        assert.deepEqual((await store.getTrace(P, "c".repeat(32)))?.input, big, "the root's input is the trace input");
        assert.equal((await store.listTraces(P, { page: 1, limit: 5, search: "needle" })).meta.totalItems, 1);
      } finally {
        await store.close();
      }
    }));

  it("indexes new rows for search in the background, without a flush", async () => {
    const store = await openSqliteStore({ file: ":memory:", fullText: { intervalMillis: 20 } });
    try {
      await store.ensureProject({ id: P, name: "P" });
      await store.insertObservations(P, realisticTrace(seededRandom(2), { traceId: "d".repeat(32), size: 50, marker: "xylophone" }));
      assert.ok(store.indexBacklog() > 0, "indexing is not part of the insert");
      const deadline = Date.now() + 5_000;
      while (store.indexBacklog() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(store.indexBacklog(), 0);
    } finally {
      await store.close();
    }
  });

  it("derives a large trace arriving in many batches at a cost independent of its size", async () => {
    // No indexing turns between the timed inserts: they would be counted in the batches' times.
    const store = await openSqliteStore({ file: ":memory:", fullText: { intervalMillis: 3_600_000 }, metricsRollupIntervalMillis: 3_600_000 });
    try {
      await store.ensureProject({ id: P, name: "P" });
      const records = realisticTrace(seededRandom(3), { traceId: "e".repeat(32), size: 20_000, userId: "u", sessionId: "s", tags: ["t"] });
      const times: number[] = [];
      for (let i = 0; i < records.length; i += 512) {
        const began = performance.now();
        await store.insertObservations(P, records.slice(i, i + 512));
        times.push(performance.now() - began);
      }
      const trace = await store.getTrace(P, "e".repeat(32));
      assert.equal(trace?.observationCount, 20_000);
      const early = median(times.slice(1, 6));
      const late = median(times.slice(-5));
      assert.ok(late < early * 3 + 5, `the last batches (${late.toFixed(1)} ms) cost about what the first did (${early.toFixed(1)} ms)`);
    } finally {
      await store.close();
    }
  });

  it("finds an observation by id whether or not the id index has caught up, and after deletion and re-ingestion", () =>
    withDir(async (dir) => {
      const file = join(dir, "sightline.db");
      const store = await openSqliteStore({ file });
      const peek = new Database(searchFileOf(file), { readonly: true });
      const peekMain = new Database(file, { readonly: true });
      const indexedIds = () => peek.prepare(`SELECT count(*) FROM observations_fts`).pluck().get() as number;
      try {
        await store.ensureProject({ id: P, name: "P" });
        const first = "1".repeat(32);
        const second = "2".repeat(32);
        const spans = () => [
          observation({ id: "a".repeat(16), traceId: first, name: "first-a", startTimeNs: BASE_NS }),
          observation({ id: "b".repeat(16), traceId: first, name: "first-b", startTimeNs: BASE_NS + 5n, parentObservationId: "a".repeat(16) }),
        ];
        // The same span id in another trace, starting later: the lookup answers the earliest.
        await store.insertObservations(P, [...spans(), observation({ id: "a".repeat(16), traceId: second, name: "second-a", startTimeNs: BASE_NS + 9n })]);
        const lookups = async () => [(await store.getObservation(P, "a".repeat(16)))?.name, (await store.getObservation(P, "b".repeat(16)))?.name];
        assert.deepEqual(await lookups(), ["first-a", "first-b"]);
        await store.flushIndex();
        assert.equal(indexedIds(), 3, "every row is in the id index after a flush");
        assert.deepEqual(await lookups(), ["first-a", "first-b"], "the same answers from the index");
        assert.equal(await store.getObservation("other-project", "a".repeat(16)), null, "another project's keys see nothing");

        assert.equal(await store.deleteTrace(P, first), true);
        assert.deepEqual(await lookups(), ["second-a", undefined], "the deleted rows are gone before their keys are purged");
        await store.flushIndex();
        assert.equal(indexedIds(), 1, "the purge removes the deleted trace's id rows");
        assert.deepEqual(await lookups(), ["second-a", undefined]);

        // Re-sent after the deletion: the new rows take new rowids (never a deleted row's), and are found at once.
        const rowIds = () => peekMain.prepare(`SELECT rowid FROM observations ORDER BY rowid`).pluck().all() as bigint[];
        const before = rowIds();
        await store.insertObservations(P, spans());
        assert.deepEqual(await lookups(), ["first-a", "first-b"], "found before the index catches up");
        assert.ok(rowIds().slice(before.length).every((rowId) => rowId > 3n), "no rowid of a deleted row is used again");
        await store.flushIndex();
        assert.equal(indexedIds(), 3);
        assert.deepEqual(await lookups(), ["first-a", "first-b"]);
      } finally {
        peek.close();
        peekMain.close();
        await store.close();
      }
    }));

  it("migrates a schema 6 database to trace-row keys: per-trace reads, sorts, late spans and retries work on the old rows", () =>
    withDir(async (dir) => {
      const file = join(dir, "sightline.db");
      const a = "a".repeat(32);
      const b = "b".repeat(32);
      const span = (id: string, traceId: string, offset: bigint, end: bigint, parent: string | null = null) =>
        observation({ id, traceId, parentObservationId: parent, name: `span-${id[0]}`, startTimeNs: BASE_NS + offset, endTimeNs: BASE_NS + end });
      const first = await openSqliteStore({ file });
      await first.ensureProject({ id: P, name: "P" });
      await first.insertObservations(P, [span("1".repeat(16), a, 0n, 100n), span("2".repeat(16), a, 10n, 50n, "1".repeat(16))]);
      await first.insertObservations(P, [span("3".repeat(16), b, 5n, 500n)]);
      await first.close();
      const raw = new Database(file);
      downgradeToSchema6(raw);
      raw.close();

      const store = await openSqliteStore({ file });
      try {
        const ids = async (traceId: string) => (await store.getTraceObservations(P, traceId)).map((o) => o.id);
        assert.deepEqual(await ids(a), ["1".repeat(16), "2".repeat(16)]);
        assert.deepEqual((await store.getTraceStructure(P, b)).map((o) => o.id), ["3".repeat(16)]);
        assert.deepEqual(
          (await store.listObservations(P, { page: 1, limit: 10, traceId: a })).data.map((o) => o.id),
          ["2".repeat(16), "1".repeat(16)],
        );
        const byLatency = await store.listTraces(P, { page: 1, limit: 10, orderBy: { field: "latency", direction: "desc" } });
        assert.deepEqual(byLatency.data.map((t) => t.id), [b, a], "sorted by latency through the new index");
        // A late span joins the migrated trace; a retried old span is counted once.
        await store.insertObservations(P, [span("4".repeat(16), a, 20n, 900n, "1".repeat(16)), span("1".repeat(16), a, 0n, 100n)]);
        assert.deepEqual(await ids(a), ["1".repeat(16), "2".repeat(16), "4".repeat(16)]);
        const trace = await store.getTrace(P, a);
        assert.equal(trace?.observationCount, 3);
        assert.equal(trace?.latencySeconds, 900 / 1e9);
        assert.equal(await store.deleteTrace(P, a), true);
        assert.deepEqual(await ids(a), []);
        assert.deepEqual(await ids(b), ["3".repeat(16)], "the other trace keeps its rows");
      } finally {
        await store.close();
      }
    }));

  it("migrates a schema 8 database: observations by type and by name are listed and counted without their old indexes", () =>
    withDir(async (dir) => {
      const file = join(dir, "sightline.db");
      const first = await openSqliteStore({ file });
      await first.ensureProject({ id: P, name: "P" });
      const spans = Array.from({ length: 30 }, (_, i) =>
        observation({ id: hexId(i + 1, 16), traceId: hexId(Math.floor(i / 10) + 1, 32), name: i % 3 === 0 ? "llm" : "tool", type: i % 3 === 0 ? "GENERATION" : "TOOL", startTimeNs: BASE_NS + BigInt(i) }),
      );
      await first.insertObservations(P, spans);
      await first.close();
      const raw = new Database(file);
      downgradeToSchema8(raw);
      raw.close();

      const store = await openSqliteStore({ file });
      try {
        const byName = await store.listObservations(P, { page: 1, limit: 4, name: "llm" });
        assert.equal(byName.meta.totalItems, 10, "the name's counter was filled by the migration");
        assert.deepEqual(byName.data.map((o) => o.id), [28, 25, 22, 19].map((i) => hexId(i, 16)), "newest first");
        assert.deepEqual(await store.listObservations(P, { page: 1, limit: 5, type: "GUARDRAIL" }), { data: [], meta: { page: 1, limit: 5, totalItems: 0, totalPages: 0 } });
        assert.equal((await store.listObservations(P, { page: 1, limit: 5, name: "never" })).meta.totalItems, 0);
        const byType = await store.listObservations(P, { page: 2, limit: 15, type: "TOOL" });
        assert.equal(byType.meta.totalItems, 20);
        assert.equal(byType.data.length, 5);
        await store.insertObservations(P, [observation({ id: hexId(99, 16), traceId: hexId(9, 32), name: "llm", startTimeNs: BASE_NS + 99n })]);
        assert.equal((await store.listObservations(P, { page: 1, limit: 1, name: "llm" })).meta.totalItems, 11, "new rows count");
        assert.equal(await store.deleteTrace(P, hexId(1, 32)), true);
        assert.equal((await store.listObservations(P, { page: 1, limit: 1, name: "llm" })).meta.totalItems, 7, "deleted rows uncount");
        assert.equal((await store.listObservations(P, { page: 1, limit: 1, name: "llm", type: "GENERATION" })).meta.totalItems, 6, "two filters count rows");
      } finally {
        await store.close();
      }
    }));

  it("keeps the search index in a file of its own, and empties one left over from another database", () =>
    withDir(async (dir) => {
      const file = join(dir, "sightline.db");
      const first = await openSqliteStore({ file });
      await first.ensureProject({ id: P, name: "P" });
      await first.insertObservations(P, [observation({ id: "1".repeat(16), traceId: "a".repeat(32), input: "stale albatross" })]);
      await first.flushIndex();
      await first.close();
      assert.ok(existsSync(searchFileOf(file)), "the search database is beside the main one");
      // The main database is deleted and made again; the old search file stays.
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
      const second = await openSqliteStore({ file });
      try {
        await second.ensureProject({ id: P, name: "P" });
        await second.insertObservations(P, [observation({ id: "2".repeat(16), traceId: "b".repeat(32), input: "fresh heron" })]);
        const search = async (text: string) => (await second.listTraces(P, { page: 1, limit: 5, search: text })).data.map((t) => t.id);
        assert.deepEqual(await search("albatross"), [], "nothing of the other database's index is found");
        assert.deepEqual(await search("heron"), ["b".repeat(32)], "the new row (rowid 1 again) is indexed");
      } finally {
        await second.close();
      }
    }));

  it("never shows a deleted trace's words or id as a new trace's, before the search database is purged", async () => {
    // Indexing only when asked: the deletion's purge has not run when the new trace is searched.
    const store = await openSqliteStore({ file: ":memory:", fullText: { intervalMillis: 3_600_000 } });
    try {
      await store.ensureProject({ id: P, name: "P" });
      await store.insertObservations(P, [observation({ id: "1".repeat(16), traceId: "a".repeat(32), input: "kestrel" })]);
      await store.flushIndex();
      assert.equal(await store.deleteTrace(P, "a".repeat(32)), true);
      // The newest trace and row were deleted: the new ones must not take their rowids.
      await store.insertObservations(P, [observation({ id: "2".repeat(16), traceId: "b".repeat(32), input: "osprey" })]);
      const search = async (text: string) => (await store.listTraces(P, { page: 1, limit: 5, search: text })).data.map((t) => t.id);
      assert.deepEqual(await search("kestrel"), []);
      assert.deepEqual(await search("osprey"), ["b".repeat(32)]);
      assert.equal(await store.getObservation(P, "1".repeat(16)), null);
      assert.equal((await store.getObservation(P, "2".repeat(16)))?.traceId, "b".repeat(32));
    } finally {
      await store.close();
    }
  });

  it("indexes a row whose stored input SQLite cannot read as JSON from its text, and the rest of its batch as usual", () =>
    withDir(async (dir) => {
      const file = join(dir, "sightline.db");
      const store = await openSqliteStore({ file, fullText: { intervalMillis: 3_600_000 } });
      const raw = new Database(file);
      try {
        await store.ensureProject({ id: P, name: "P" });
        await store.insertObservations(P, [
          observation({ id: "1".repeat(16), traceId: "a".repeat(32), input: { text: "pelican" } }),
          observation({ id: "2".repeat(16), traceId: "b".repeat(32), input: { text: "heron" } }),
        ]);
        // Written by hand: the API never stores anything but JSON.
        raw.prepare("UPDATE observations SET input = 'flamingo, not JSON {' WHERE id = ?").run("2".repeat(16));
        await store.flushIndex();
        const search = async (text: string) => (await store.listTraces(P, { page: 1, limit: 5, search: text })).data.map((t) => t.id);
        assert.deepEqual(await search("flamingo"), ["b".repeat(32)]);
        assert.deepEqual(await search("pelican"), ["a".repeat(32)]);
        assert.equal((await store.getObservation(P, "2".repeat(16)))?.traceId, "b".repeat(32));
      } finally {
        raw.close();
        await store.close();
      }
    }));

  it("refuses a database written by a newer schema", () =>
    withDir(async (dir) => {
      const file = join(dir, "sightline.db");
      await (await openSqliteStore({ file })).close();
      const raw = new Database(file);
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      await assert.rejects(openSqliteStore({ file }), /newer than this Sightline/);
    }));

  it("rejects, rather than throws, once closed", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    await store.close();
    await assert.rejects(store.getTrace(P, "f".repeat(32)));
    assert.ok(BASE_NS > 0n);
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
