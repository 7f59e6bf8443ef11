#!/usr/bin/env node
// A/B of the SQLite `observations_metrics` covering index on the ingestion path (ADR 0010): two file
// stores, A as migrated (observations_metrics, which replaced observations_start) and B with the old
// observations_start instead, get the same 512-observation batches, interleaved so that machine load
// (a shared 2-core box) hits both alike. Prints the median and mean insert time per batch of each.
//
//   npm run build && node bench/metrics-index-ab.mjs <dir> [batches per store]
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "@sightline/server";
import { batch } from "./lib/postgres-rows.mjs";

const [dir, batchesArg] = process.argv.slice(2);
if (dir === undefined) {
  console.error("usage: node bench/metrics-index-ab.mjs <dir> [batches per store]");
  process.exit(2);
}
const BATCHES = Number(batchesArg ?? 200);
const open = (name) => openSqliteStore({ file: join(dir, `${name}.db`), fullText: { intervalMillis: 3_600_000 } });
const a = await open("with-metrics-index");
const b = await open("with-start-index");
await b.close();
const raw = new Database(join(dir, "with-start-index.db"));
raw.exec("DROP INDEX observations_metrics; CREATE INDEX observations_start ON observations(project_id, start_ns);");
raw.close();
const b2 = await open("with-start-index");
for (const store of [a, b2]) await store.ensureProject({ id: "bench", name: "bench" });

const times = { a: [], b: [] };
for (let i = 0; i < BATCHES; i++) {
  const records = batch();
  const order = i % 2 === 0 ? [["a", a], ["b", b2]] : [["b", b2], ["a", a]];
  for (const [key, store] of order) {
    const t0 = performance.now();
    await store.insertObservations("bench", records);
    times[key].push(performance.now() - t0);
  }
}
await a.close();
await b2.close();
const stats = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return { medianMs: +s[Math.floor(s.length / 2)].toFixed(2), meanMs: +(s.reduce((x, y) => x + y, 0) / s.length).toFixed(2), p90Ms: +s[Math.floor(s.length * 0.9)].toFixed(2) };
};
const A = stats(times.a);
const B = stats(times.b);
console.log(JSON.stringify({ batches: BATCHES, rowsPerBatch: 512, withMetricsIndex: A, withStartIndex: B, meanRatio: +(A.meanMs / B.meanMs).toFixed(3) }));
