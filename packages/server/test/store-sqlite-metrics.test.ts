// The SQLite store's metrics on a database FILE, where they run on their own thread and read-only
// connection (MetricsReader): the metrics contract again, fresh writes seen at once, and close.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "@sightline/server";
import type { MetricsQuery } from "@sightline/server";
import { describeMetricsContract } from "./support/contract/metrics-contract.js";
import { downgradeToSchema5 } from "./support/sqlite-downgrade.js";
import { BASE_NS, hexId, observation } from "./support/store-fixtures.js";

const dirs: string[] = [];
let files = 0;
function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "sightline-metrics-"));
  dirs.push(dir);
  return join(dir, `store-${files++}.db`);
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeMetricsContract(() => openSqliteStore({ file: dbFile() }));

const COUNT: MetricsQuery = {
  view: "observations",
  metrics: [{ measure: "count", aggregation: "count" }],
  dimensions: [],
  filters: [],
  granularity: null,
  fromNs: BASE_NS - 1_000_000_000n,
  toNs: BASE_NS + 3_600_000_000_000n,
};

describe("SQLite metrics on a file (metrics thread)", () => {
  it("sees every write acknowledged before the query, also after the thread started", async () => {
    const store = await openSqliteStore({ file: dbFile() });
    try {
      await store.ensureProject({ id: "p", name: "p" });
      assert.deepEqual((await store.queryMetrics("p", COUNT))[0]?.values, [0]);
      for (let n = 1; n <= 3; n++) {
        await store.insertObservations("p", [observation({ id: hexId(n, 16), traceId: hexId(n, 32), startTimeNs: BASE_NS + BigInt(n) })]);
        assert.deepEqual((await store.queryMetrics("p", COUNT))[0]?.values, [n]);
      }
      const concurrent = await Promise.all([1, 2, 3, 4].map(() => store.queryMetrics("p", COUNT)));
      assert.deepEqual(concurrent.map((rows) => rows[0]?.values[0]), [3, 3, 3, 3]);
    } finally {
      await store.close();
    }
  });

  it("closes with its thread, and refuses queries after close", async () => {
    const store = await openSqliteStore({ file: dbFile() });
    await store.ensureProject({ id: "p", name: "p" });
    await store.queryMetrics("p", COUNT);
    await store.close();
    await assert.rejects(store.queryMetrics("p", COUNT), /closed/);
  });
});

describe("SQLite metrics rollups", () => {
  const HOUR_NS = 3_600_000_000_000n;
  const HOUR0 = BASE_NS - (BASE_NS % HOUR_NS);
  const DAY: MetricsQuery = { ...COUNT, fromNs: HOUR0, toNs: HOUR0 + 24n * HOUR_NS };
  const oneIn = (hour: bigint, n: number) => observation({ id: hexId(n, 16), traceId: hexId(n, 32), startTimeNs: HOUR0 + hour * HOUR_NS + 17n });
  const countOf = async (store: Awaited<ReturnType<typeof openSqliteStore>>) => (await store.queryMetrics("p", DAY))[0]?.values[0];

  it("answers clean whole hours from the rollup table, and an hour from its rows again once it changes", async () => {
    const file = dbFile();
    const store = await openSqliteStore({ file });
    const raw = new Database(file);
    try {
      await store.ensureProject({ id: "p", name: "p" });
      await store.insertObservations("p", [oneIn(1n, 1), oneIn(2n, 2), oneIn(3n, 3)]);
      await store.flushIndex();
      assert.equal(raw.prepare("SELECT count(*) FROM rollup_dirty_hours").pluck().get(), 0, "no hour is left dirty");
      assert.equal(raw.prepare("SELECT sum(n) FROM observation_rollups WHERE project_id = 'p'").pluck().get(), 3);
      // A tampered rollup shows in the answer: the hours are read from the rollups, not the rows.
      raw.prepare("UPDATE observation_rollups SET n = n + 100").run();
      assert.equal(await countOf(store), 303);
      // A write to hour 2 makes it dirty: read from its rows (exact again), the other hours still from rollups.
      await store.insertObservations("p", [oneIn(2n, 4)]);
      assert.equal(await countOf(store), 204);
      // Recomputed, the hour's rollup is right again; the two tampered hours stay as they are.
      await store.flushIndex();
      assert.equal(await countOf(store), 204);
      assert.equal(raw.prepare("SELECT n FROM observation_rollups WHERE hour = ?").pluck().get(HOUR0 / HOUR_NS + 2n), 2);
    } finally {
      raw.close();
      await store.close();
    }
  });

  it("marks every stored hour dirty when migrating a database from before rollups, and the background thread rolls them up", async () => {
    const file = dbFile();
    const first = await openSqliteStore({ file });
    await first.ensureProject({ id: "p", name: "p" });
    await first.insertObservations("p", [oneIn(1n, 1), oneIn(5n, 2), oneIn(5n, 3)]);
    await first.close();
    // Back to schema 5: no rollup tables, no triggers.
    const raw = new Database(file);
    downgradeToSchema5(raw);
    const store = await openSqliteStore({ file, backgroundThread: true });
    try {
      assert.deepEqual(raw.prepare("SELECT hour - ? FROM rollup_dirty_hours ORDER BY hour").pluck().all(HOUR0 / HOUR_NS), [1n, 5n].map(Number));
      assert.equal(await countOf(store), 3);
      const deadline = Date.now() + 10_000;
      while (raw.prepare("SELECT count(*) FROM rollup_dirty_hours").pluck().get() !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(raw.prepare("SELECT hour - ?, n FROM observation_rollups ORDER BY hour").raw().all(HOUR0 / HOUR_NS), [[1, 1], [5, 2]]);
      assert.equal(await countOf(store), 3);
    } finally {
      raw.close();
      await store.close();
    }
  });
});
