// PostgreSQL store benchmark: sustained insertObservations rows/s (COPY vs unnest bulk writes, one
// and four concurrent writers), next to the raw COPY limit of the same rows into the same
// partitioned, indexed table measured in the same run; then query times at the size reached.
//
//   node bench/postgres-store.mjs [--seconds 10] [--url postgres://postgres@127.0.0.1:5432/test]
//
// Each variant runs in a fresh schema that is dropped afterwards. Requires `npm run build`.
import { parseArgs } from "node:util";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { openPostgresStore } from "@sightline/server";
import { dashboardMetricQueries } from "./lib/metrics-queries.mjs";
import { SPANS_PER_TRACE, TRACES_PER_BATCH, batch, hex, spreadTraces } from "./lib/postgres-rows.mjs";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    url: { type: "string", default: process.env.SIGHTLINE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" },
    queries: { type: "string", default: "200000" },
  },
});
const SECONDS = Number(args.seconds);
const URL_ = args.url;
async function withSchema(body, options = {}) {
  const schema = `sightline_bench_${hex(4)}`;
  const store = await openPostgresStore({ url: URL_, schema, bulkInsert: "copy", maxConnections: 8, ...options });
  await store.migrate();
  await store.ensureProject({ id: "bench", name: "bench" });
  try {
    return await body(store, schema);
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: URL_ });
    await admin.connect();
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  }
}

async function sustained(label, concurrency, writeBatch) {
  const batches = Array.from({ length: 16 }, batch); // pre-built, so generation is not measured
  const latencies = [];
  let rows = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const records = batches[next++ % batches.length].map((r) => ({ ...r, id: hex(8), traceId: r.traceId }));
        const t0 = performance.now();
        await writeBatch(records);
        latencies.push(performance.now() - t0);
        rows += records.length;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  const result = { label, rowsPerSecond: Math.round(rows / elapsed), p50Ms: Number(pct(0.5)), p99Ms: Number(pct(0.99)), rows };
  console.log(`${label.padEnd(44)} ${String(result.rowsPerSecond).padStart(7)} rows/s  p50 ${pct(0.5)} ms  p99 ${pct(0.99)} ms`);
  return result;
}

/** Fresh trace ids per call too, so every batch is 64 new traces (the SDK's common case). */
function freshTraces(records) {
  const map = new Map();
  return records.map((r) => {
    let id = map.get(r.traceId);
    if (id === undefined) map.set(r.traceId, (id = hex(16)));
    return { ...r, traceId: id };
  });
}

const COLUMNS =
  "project_id, trace_id, id, parent_id, name, type, start_ns, end_ns, completion_start_ns, level, status_message, version, environment, input, output, metadata, model, model_parameters, usage_details, cost_details, prompt_name, prompt_version, is_app_root, trace_contribution, trace_input, trace_output, tokens, cost_pico, resource_attributes, scope, created_at_ms";

function copyText(records) {
  const esc = (v) => (v === null || v === undefined ? "\\N" : String(v).replace(/[\\\n\r\t]/g, (c) => ({ "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]));
  return records
    .map((r) =>
      [
        "bench", r.traceId, r.id, r.parentObservationId, r.name, r.type, r.startTimeNs, r.endTimeNs, null, r.level, null, null, r.environment,
        JSON.stringify(r.input), JSON.stringify(r.output), JSON.stringify(r.metadata), r.model, r.modelParameters && JSON.stringify(r.modelParameters),
        JSON.stringify(r.usageDetails), JSON.stringify(r.costDetails), null, null, r.isAppRoot ? "t" : "f", JSON.stringify(r.trace), null, null, 0, 0,
        JSON.stringify(r.resourceAttributes), JSON.stringify(r.scope), Date.now(),
      ].map(esc).join("\t"),
    )
    .join("\n") + "\n";
}

console.log(`PostgreSQL store benchmark: ${SECONDS} s per variant, ${TRACES_PER_BATCH * SPANS_PER_TRACE}-row batches, ${URL_.replace(/:[^:@/]*@/, ":***@")}`);
const results = [];
results.push(
  await withSchema(async (store, schema) => {
    const client = new pg.Client({ connectionString: URL_, options: `-c search_path=${schema}` });
    await client.connect();
    await store.insertObservations("bench", batch()); // creates today's partition
    try {
      return await sustained("raw COPY into observations (no derivation)", 1, async (records) => {
        await client.query("BEGIN");
        await pipeline(Readable.from([copyText(freshTraces(records))]), client.query(copyStreams.from(`COPY observations (${COLUMNS}) FROM STDIN`)));
        await client.query("COMMIT");
      });
    } finally {
      await client.end();
    }
  }),
);
for (const method of ["copy", "unnest"]) {
  for (const concurrency of [1, 4]) {
    results.push(
      await withSchema(async (_s, schema) => {
        const store = await openPostgresStore({ url: URL_, schema, bulkInsert: method, maxConnections: 8 });
        try {
          return await sustained(`store.insertObservations, ${method}, c=${concurrency}`, concurrency, (records) => store.insertObservations("bench", freshTraces(records)));
        } finally {
          await store.close();
        }
      }),
    );
  }
}

// Query times at a larger size: fill with COPY-path inserts, then time the read paths.
const target = Number(args.queries);
if (target > 0) {
  await withSchema(async (store, schema) => {
    let rows = 0;
    // Over the last 30 days, as the SQLite query benchmark: the dashboard's month holds every row.
    const DAY_NS = 86_400_000_000_000n;
    const monthAgoNs = BigInt(Date.now()) * 1_000_000n - 30n * DAY_NS;
    spreadTraces(monthAgoNs, (30n * DAY_NS) / BigInt(Math.ceil(target / SPANS_PER_TRACE)));
    const t0 = performance.now();
    while (rows < target) {
      await Promise.all(Array.from({ length: 4 }, () => store.insertObservations("bench", batch())));
      rows += 4 * TRACES_PER_BATCH * SPANS_PER_TRACE;
    }
    console.log(`filled ${rows} observations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Steady state: autovacuum analyzes and sets visibility bits in production; do it now.
    await store.flushIndex();
    const admin = new pg.Client({ connectionString: URL_, options: `-c search_path=${schema}` });
    await admin.connect();
    await admin.query("VACUUM ANALYZE");
    await admin.end();
    const time = async (label, fn, n = 20) => {
      await fn();
      const times = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        await fn();
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      console.log(`${label.padEnd(44)} median ${times[Math.floor(n / 2)].toFixed(2)} ms  max ${times[n - 1].toFixed(2)} ms`);
    };
    const page = await store.listTraces("bench", { page: 1, limit: 50 });
    const traceId = page.data[10].id;
    await time("trace list (50, with count)", () => store.listTraces("bench", { page: 1, limit: 50 }));
    await time("trace by id + observations", async () => {
      await store.getTrace("bench", traceId);
      await store.getTraceObservations("bench", traceId);
    });
    await time("trace structure", () => store.getTraceStructure("bench", traceId));
    await time("traces by user", () => store.listTraces("bench", { page: 1, limit: 50, userId: "user-7" }));
    await time("traces by tag", () => store.listTraces("bench", { page: 1, limit: 50, tags: ["odd"] }));
    await time("observations by type", () => store.listObservations("bench", { page: 1, limit: 50, type: "GENERATION" }));
    await time("full text, common word", () => store.listTraces("bench", { page: 1, limit: 50, search: "refund" }), 5);
    await time("full text, absent word", () => store.listTraces("bench", { page: 1, limit: 50, search: "zebra" }));
    await time("sessions list", () => store.listSessions("bench", { page: 1, limit: 50 }));
    await time("users list", () => store.listUsers("bench", { page: 1, limit: 50 }));
    // The dashboard's metrics over the last 30 days (every row), by day; goal well under a second.
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const dashboard = dashboardMetricQueries(nowNs - 30n * 86_400_000_000_000n, nowNs + 3_600_000_000_000n);
    for (const { name, query } of dashboard) {
      await time(name.replace("metrics: ", "metrics "), () => store.queryMetrics("bench", query), 5);
    }
    // What the page waits for: its nine queries sent at once, as the browser does.
    const wholePage = () => Promise.all(dashboard.map(({ query }) => store.queryMetrics("bench", query)));
    await time("metrics whole dashboard (9 queries at once)", wholePage, 5);
    // The baseline: the same page from the rows alone (every hour marked dirty), then the rollup job's catch-up.
    const marker = new pg.Client({ connectionString: URL_, options: `-c search_path=${schema}` });
    await marker.connect();
    const marked = await marker.query("INSERT INTO rollup_dirty_hours (project_id, hour) SELECT DISTINCT project_id, start_ns / 3600000000000 FROM observations");
    await marker.end();
    await time("metrics whole dashboard, rows only (baseline)", wholePage, 5);
    const r0 = performance.now();
    await store.flushIndex();
    console.log(`metrics rollups of all ${marked.rowCount} hours recomputed in ${(performance.now() - r0).toFixed(0)} ms`);
  }, { metricsRollupIntervalMillis: 3_600_000 }); // the job runs only when flushIndex asks, so the baseline stays rows only
}
