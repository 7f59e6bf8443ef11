#!/usr/bin/env node
// Query times of the SQLite store at scale (performance anchors §C), run as its own process: builds
// the dataset through the store API (insertObservations, not HTTP) in a temp dir, makes it fully
// searchable, then times the queries the UI and the REST API run, warm, in shuffled order.
// Prints one JSON line.
//
//   node bench/server-queries.mjs <data dir> <spans> [repetitions]
//
// Data (scaled to <spans>; 1M spans = 50k traces): traces over 30 days; every 1000th has 200 spans,
// the others 5–35; an agent root with nested children, 40% generations with model, tokens, cost;
// users (5k per 50k traces) and sessions (20k) skewed; tags prod/staging, team-0..19, beta 30%,
// exp-N 0.2%; ≈1 KB of input+output per span from a Zipf-like vocabulary, with a rare term in
// 0.5% of traces. Ids are random (as real ids are), which is what the indexes must cope with.
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "@sightline/server";
import { dashboardMetricQueries } from "./lib/metrics-queries.mjs";
import { mulberry32, shuffle, summary } from "./lib/stats.mjs";

const [dir, spansArg, repsArg] = process.argv.slice(2);
if (dir === undefined) {
  console.error("usage: node bench/server-queries.mjs <data dir> <spans> [repetitions]");
  process.exit(2);
}
const TARGET_SPANS = Number(spansArg ?? 1_000_000);
const REPS = Number(repsArg ?? 15);
const TRACES = Math.max(100, Math.round(TARGET_SPANS / 20));
const USERS = Math.max(10, Math.round(TRACES / 10));
const SESSIONS = Math.max(10, Math.round(TRACES / 2.5));
const PROJECT = "default";
const BASE_NS = BigInt(Date.now() - 30 * 86_400_000) * 1_000_000n;
const SPAN_NS = (30n * 86_400_000_000_000n) / BigInt(TRACES);
const RARE_TERM = "zanzibar";

const random = mulberry32(42);
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${"aeiou"[i % 5]}`);
const COMMON_TERM = VOCABULARY[0];
const word = () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)];
const sentence = (n) => Array.from({ length: n }, word).join(" ");
const hex = (bytes) => {
  let s = "";
  for (let i = 0; i < bytes; i++) s += Math.floor(random() * 256).toString(16).padStart(2, "0");
  return s;
};

/** One trace's observations: an agent root and nested children. */
function makeTrace(t, size) {
  const traceId = hex(16);
  const start = BASE_NS + BigInt(t) * SPAN_NS;
  const tags = [
    random() < 0.7 ? "prod" : "staging",
    `team-${Math.floor(20 * random() ** 2)}`,
    ...(random() < 0.3 ? ["beta"] : []),
    ...(random() < 0.002 ? [`exp-${Math.floor(random() * 10)}`] : []),
  ];
  const trace = {
    userId: `user-${Math.floor(USERS * random() ** 3)}`,
    sessionId: `session-${Math.floor(SESSIONS * random() ** 1.5)}`,
    tags,
  };
  const rare = random() < 0.005;
  const records = [];
  for (let i = 0; i < size; i++) {
    const generation = i > 0 && random() < 0.42;
    const inTokens = 100 + Math.floor(random() * 900);
    const outTokens = 20 + Math.floor(random() * 300);
    const begin = start + BigInt(i) * 2_000_000n;
    records.push({
      id: hex(8),
      traceId,
      parentObservationId: i === 0 ? null : records[Math.floor(random() * i)].id,
      name: i === 0 ? "agent" : generation ? "llm-call" : `step-${i % 7}`,
      type: i === 0 ? "AGENT" : generation ? "GENERATION" : i % 3 === 0 ? "TOOL" : "SPAN",
      startTimeNs: begin,
      endTimeNs: begin + 1_500_000n,
      // Generations stream: their first token comes 0.2-1.2 ms after the start (time-to-first-token metrics).
      completionStartTimeNs: generation ? begin + 200_000n + BigInt(Math.floor(random() * 1_000_000)) : null,
      level: random() < 0.02 ? "ERROR" : "DEFAULT",
      statusMessage: null,
      version: null,
      environment: "production",
      input: [{ role: "user", content: `${rare && i === 0 ? `${RARE_TERM} ` : ""}${sentence(75)}` }],
      output: { role: "assistant", content: sentence(75) },
      metadata: { step: i },
      model: generation ? "gpt-4o-mini" : null,
      modelParameters: generation ? { temperature: 0.2 } : null,
      usageDetails: generation ? { input: inTokens, output: outTokens, total: inTokens + outTokens } : {},
      costDetails: generation ? { input: inTokens * 1.5e-7, output: outTokens * 6e-7, total: inTokens * 1.5e-7 + outTokens * 6e-7 } : {},
      promptName: null,
      promptVersion: null,
      isAppRoot: i === 0,
      trace: i === 0 ? { ...trace, name: "support-question" } : trace,
      resourceAttributes: { "service.name": "support-agent" },
      scope: { name: "langfuse-sdk", version: "5.11.1" },
    });
  }
  return records;
}

// Background work only when flushIndex asks for it, so the rows-only baseline below stays rows only.
const store = await openSqliteStore({ file: join(dir, "queries.db"), fullText: { intervalMillis: 3_600_000 }, metricsRollupIntervalMillis: 3_600_000 });
await store.ensureProject({ id: PROJECT, name: "bench" });

// ---- build
let spans = 0;
let insertMs = 0;
let bigTraceId;
let sampleTrace;
const buildStarted = performance.now();
let batch = [];
for (let t = 0; t < TRACES; t++) {
  const size = t % 1000 === 500 ? 200 : 5 + Math.floor(random() * 31);
  const records = makeTrace(t, size);
  if (size === 200) bigTraceId = records[0].traceId;
  if (t === Math.floor(TRACES / 2)) sampleTrace = records[0].trace;
  batch.push(...records);
  if (batch.length >= 512 || t === TRACES - 1) {
    const t0 = performance.now();
    await store.insertObservations(PROJECT, batch);
    insertMs += performance.now() - t0;
    spans += batch.length;
    batch = [];
  }
}
const buildMs = performance.now() - buildStarted;
const ftsStarted = performance.now();
await store.flushIndex();
const ftsMs = performance.now() - ftsStarted;

// ---- queries
const listWithIds = async (query) => {
  const page = await store.listTraces(PROJECT, { page: 1, limit: 50, ...query });
  const ids = await store.listObservationIds(PROJECT, page.data.map((t) => t.id));
  return { rows: page.data.length, total: page.meta.totalItems, ids: [...ids.values()].reduce((n, list) => n + list.length, 0) };
};
const DASHBOARD = dashboardMetricQueries(BASE_NS, BASE_NS + 31n * 86_400_000_000_000n);
const QUERIES = [
  { name: "trace list: newest 50 + count + observation ids", goalMs: 5, run: () => listWithIds({}) },
  {
    name: "one 200-observation trace with IO (getTrace + getTraceObservations)",
    goalMs: 5,
    run: async () => {
      const trace = await store.getTrace(PROJECT, bigTraceId);
      const observations = await store.getTraceObservations(PROJECT, bigTraceId);
      if (trace === null || observations.length !== 200) throw new Error("the 200-observation trace is incomplete");
      return { rows: observations.length };
    },
  },
  { name: "filter by user (newest 50 + count + ids)", goalMs: 5, run: () => listWithIds({ userId: "user-1" }) },
  // Sorted by an aggregate over all 30 days: the page is chosen from the covering time-ordered index.
  { name: "trace list sorted by latency, all time (50 + count + ids)", goalMs: 50, run: () => listWithIds({ orderBy: { field: "latency", direction: "desc" } }) },
  { name: "trace list sorted by cost, last 24 h (50 + count + ids)", goalMs: 10, run: () => listWithIds({ orderBy: { field: "totalCost", direction: "desc" }, fromStartTimeNs: BASE_NS + 29n * 86_400_000_000_000n }) },
  { name: "filter by session (+ count + ids)", goalMs: 5, run: () => listWithIds({ sessionId: sampleTrace.sessionId }) },
  { name: "filter by tag, common (beta, 30%)", goalMs: 5, run: () => listWithIds({ tags: ["beta"] }) },
  { name: "filter by tag, rare (exp-3, 0.02%)", goalMs: 5, run: () => listWithIds({ tags: ["exp-3"] }) },
  { name: `full-text search, selective term ("${RARE_TERM}", 0.5% of traces)`, goalMs: 50, run: () => listWithIds({ search: RARE_TERM }) },
  { name: `full-text search, common term ("${COMMON_TERM}")`, goalMs: 50, run: () => listWithIds({ search: COMMON_TERM }) },
  // The dashboard over the whole 30 days (every row), by day: the goal is well under a second.
  ...DASHBOARD.map(({ name, query }) => ({
    name,
    goalMs: 500,
    run: async () => ({ rows: (await store.queryMetrics(PROJECT, query)).length }),
  })),
  {
    // What the page waits for: its nine queries sent at once, as the browser does.
    name: "metrics: whole dashboard, 30 days (the nine queries at once)",
    goalMs: 1000,
    run: async () => {
      const results = await Promise.all(DASHBOARD.map(({ query }) => store.queryMetrics(PROJECT, query)));
      return { rows: results.reduce((n, rows) => n + rows.length, 0) };
    },
  },
];

for (const q of QUERIES) q.info = await q.run(); // warm-up (and the row counts)
const times = new Map(QUERIES.map((q) => [q.name, []]));
for (let rep = 0; rep < REPS; rep++) {
  for (const q of shuffle(QUERIES, random)) {
    const t0 = performance.now();
    await q.run();
    times.get(q.name).push(performance.now() - t0);
  }
}

// The same page read from the rows alone (the baseline: what it costs before the rollup job has
// run, e.g. right after every hour changed), then how long the job takes to catch up on every hour.
const wholePage = QUERIES[QUERIES.length - 1];
const markAllDirty = () => {
  const raw = new Database(join(dir, "queries.db"));
  try {
    const hour = 3_600_000_000_000n;
    return raw
      .prepare("INSERT INTO rollup_dirty_hours (project_id, hour, version) SELECT project_id, start_ns / ?, 1 FROM observations GROUP BY 1, 2 ON CONFLICT DO UPDATE SET version = version + 1")
      .run(hour).changes;
  } finally {
    raw.close();
  }
};
const dirtyHours = markAllDirty();
const rowsOnly = { name: "metrics: whole dashboard, 30 days, rows only (every hour dirty: the baseline)", goalMs: null, run: wholePage.run };
rowsOnly.info = await rowsOnly.run();
times.set(rowsOnly.name, []);
for (let rep = 0; rep < Math.max(3, Math.round(REPS / 3)); rep++) {
  const t0 = performance.now();
  await rowsOnly.run();
  times.get(rowsOnly.name).push(performance.now() - t0);
}
QUERIES.push(rowsOnly);
const rollupStarted = performance.now();
await store.flushIndex();
const rollupMs = performance.now() - rollupStarted;
await store.close();

process.stdout.write(
  `${JSON.stringify({
    spans,
    traces: TRACES,
    repetitions: REPS,
    build: { insertMs, buildMs, rowsPerSecondInsert: spans / (insertMs / 1000), ftsMs, ftsRowsPerSecond: spans / (ftsMs / 1000), rollupHours: dirtyHours, rollupMs },
    queries: QUERIES.map((q) => ({ name: q.name, goalMs: q.goalMs, ...summary(times.get(q.name)), result: q.info })),
  })}\n`,
);
