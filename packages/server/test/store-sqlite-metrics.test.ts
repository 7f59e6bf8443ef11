// The SQLite store's metrics on a database FILE, where they run on their own thread and read-only
// connection (MetricsReader): the metrics contract again, fresh writes seen at once, and close.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "@sightline/server";
import type { MetricsQuery } from "@sightline/server";
import { describeMetricsContract } from "./support/contract/metrics-contract.js";
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
