#!/usr/bin/env node
// Micro benchmark of the SQLite TraceStore (run `npx tsc -b packages/server` first):
//   node packages/server/bench/store-bench.mjs [--rows 200000] [--batch 512] [--file path] [--big-trace 100000] [--wal-pages N]
// 1. Inserts realistic observations (~1 KB of input+output each, traces of 5-35 spans, every 100th
//    of 200) into a fresh file database, 512 per insertObservations call, and prints rows/s
//    (data generation excluded), then the time to full-text index them.
// 2. Times queries at that size: median [min-max] of repeated runs, warm cache.
// 3. One huge trace arriving in 512-span batches: cost of the first vs last batches, and of
//    replacing one span (retracted in place vs recomputed from all rows).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openSqliteStore } from "@sightline/server";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    batch: { type: "string", default: "512" },
    file: { type: "string" },
    "big-trace": { type: "string", default: "100000" },
    "wal-pages": { type: "string" },
  },
});
const ROWS = Number(args.rows);
const BATCH = Number(args.batch);
const BIG_TRACE = Number(args["big-trace"]);
const WAL_PAGES = args["wal-pages"] === undefined ? undefined : Number(args["wal-pages"]);
const PROJECT = "bench";
const BASE_NS = 1_767_225_600_000_000_000n;

function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seededRandom(42);
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${"aeiou"[i % 5]}`);
/** Zipf-like: low indexes are common. */
const word = () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)];
const sentence = (n) => Array.from({ length: n }, word).join(" ");
const hex = (n, len) => n.toString(16).padStart(len, "0");

let traceCounter = 0;
/** One trace's observations, shaped like the SDK's (agent root + nested children). */
function makeTrace(size) {
  const t = traceCounter++;
  const traceId = hex(t + 1, 32);
  const start = BASE_NS + BigInt(t) * 50_000_000_000n;
  const user = `user-${Math.floor(500 * random() ** 2)}`;
  const trace = {
    userId: user,
    sessionId: `session-${Math.floor(t / 4)}`,
    tags: [t % 3 === 0 ? "prod" : "staging", `team-${t % 20}`, ...(t % 500 === 0 ? ["rare-exp"] : [])],
  };
  const records = [];
  for (let i = 0; i < size; i++) {
    const generation = i > 0 && random() < 0.4;
    const inTokens = 100 + Math.floor(random() * 900);
    const outTokens = 20 + Math.floor(random() * 300);
    records.push({
      id: hex(t * 1000 + i + 1, 16),
      traceId,
      parentObservationId: i === 0 ? null : records[Math.floor(random() * i)].id,
      name: i === 0 ? "agent" : generation ? "llm-call" : `step-${i % 7}`,
      type: i === 0 ? "AGENT" : generation ? "GENERATION" : "SPAN",
      startTimeNs: start + BigInt(i) * 1_000_000n,
      endTimeNs: start + BigInt(i) * 1_000_000n + 900_000n,
      completionStartTimeNs: null,
      level: random() < 0.02 ? "ERROR" : "DEFAULT",
      statusMessage: null,
      version: null,
      environment: "production",
      input: [{ role: "user", content: `${t % 200 === 7 && i === 0 ? "zanzibar " : ""}${sentence(70)}` }],
      output: { role: "assistant", content: sentence(70) },
      metadata: { step: i },
      model: generation ? "gpt-4o-mini" : null,
      modelParameters: generation ? { temperature: 0.2 } : null,
      usageDetails: generation ? { input: inTokens, output: outTokens, total: inTokens + outTokens } : {},
      costDetails: generation ? { input: inTokens * 1.5e-7, output: outTokens * 6e-7 } : {},
      promptName: null,
      promptVersion: null,
      isAppRoot: i === 0,
      trace: i === 0 ? { ...trace, name: "support-chat", metadata: { tier: "gold" } } : trace,
      resourceAttributes: { "service.name": "bench" },
      scope: { name: "bench" },
    });
  }
  return records;
}

function* observations(total) {
  let made = 0;
  while (made < total) {
    const size = traceCounter % 100 === 99 ? 200 : 5 + Math.floor(random() * 31);
    for (const record of makeTrace(Math.min(size, total - made))) {
      made++;
      yield record;
    }
  }
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) };
}
const fmt = (s) => `${s.median.toFixed(2)} [${s.min.toFixed(2)}-${s.max.toFixed(2)}]`;

async function time(label, fn, repeats = 15) {
  await fn();
  const samples = [];
  let result;
  for (let i = 0; i < repeats; i++) {
    const began = performance.now();
    result = await fn();
    samples.push(performance.now() - began);
  }
  const rows = Array.isArray(result?.data) ? result.data.length : Array.isArray(result) ? result.length : "";
  console.log(`  ${label.padEnd(58)} ${fmt(stats(samples)).padEnd(24)} ms  ${rows === "" ? "" : `rows ${rows}`}`);
}

async function ingestAndQuery() {
  const dir = args.file === undefined ? mkdtempSync(join(tmpdir(), "sightline-bench-")) : undefined;
  const file = args.file ?? join(dir, "sightline.db");
  const store = await openSqliteStore({ file, walAutocheckpointPages: WAL_PAGES });
  await store.ensureProject({ id: PROJECT, name: "bench" });
  let insertMillis = 0;
  let batch = [];
  let ioBytes = 0;
  let bigTraceId = null;
  const flush = async () => {
    const began = performance.now();
    await store.insertObservations(PROJECT, batch);
    insertMillis += performance.now() - began;
    batch = [];
  };
  for (const record of observations(ROWS)) {
    ioBytes += JSON.stringify(record.input).length + JSON.stringify(record.output).length;
    if (bigTraceId === null && record.parentObservationId !== null && record.id.endsWith("c8")) bigTraceId = record.traceId;
    batch.push(record);
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  const traces = traceCounter;
  console.log(`Ingest: ${ROWS} observations in ${traces} traces, ${(ioBytes / ROWS).toFixed(0)} B of IO per observation, ${BATCH} per call`);
  console.log(`  insert: ${(insertMillis / 1000).toFixed(2)} s, ${Math.round(ROWS / (insertMillis / 1000))} rows/s (WAL, synchronous=NORMAL)`);
  const indexBegan = performance.now();
  await store.flushIndex();
  const indexMillis = performance.now() - indexBegan;
  console.log(`  full-text index (background work, measured as one flush): ${(indexMillis / 1000).toFixed(2)} s, ${Math.round(ROWS / (indexMillis / 1000))} rows/s`);
  console.log(`  database: ${(statSync(file).size / 1e6).toFixed(0)} MB (+ WAL ${(statSync(`${file}-wal`).size / 1e6).toFixed(0)} MB)`);

  const page = { page: 1, limit: 50 };
  const big = (await store.listTraces(PROJECT, { ...page, orderBy: { field: "observationCount", direction: "desc" }, limit: 1 })).data[0];
  console.log(`Queries at ${ROWS} observations / ${traces} traces (median [min-max] of 15):`);
  await time("trace list, newest 50 + count", () => store.listTraces(PROJECT, page));
  await time("trace list, page 20", () => store.listTraces(PROJECT, { ...page, page: 20 }));
  await time(`one trace of ${big.observationCount} observations (trace + all observations with IO)`, async () => {
    await store.getTrace(PROJECT, big.id);
    return store.getTraceObservations(PROJECT, big.id);
  });
  await time("filter by user (skewed: the most active user)", () => store.listTraces(PROJECT, { ...page, userId: "user-0" }));
  await time("filter by user (a rare user)", () => store.listTraces(PROJECT, { ...page, userId: "user-499" }));
  await time("filter by session", () => store.listTraces(PROJECT, { ...page, sessionId: "session-10" }));
  await time("filter by tag, common (prod)", () => store.listTraces(PROJECT, { ...page, tags: ["prod"] }));
  await time("filter by tag, rare (rare-exp)", () => store.listTraces(PROJECT, { ...page, tags: ["rare-exp"] }));
  await time("filter by two tags (prod + team-3)", () => store.listTraces(PROJECT, { ...page, tags: ["prod", "team-3"] }));
  await time("order by total cost desc", () => store.listTraces(PROJECT, { ...page, orderBy: { field: "totalCost", direction: "desc" } }));
  await time("search, selective term (zanzibar)", () => store.listTraces(PROJECT, { ...page, search: "zanzibar" }));
  await time("search, two mid-frequency terms", () => store.listTraces(PROJECT, { ...page, search: `${VOCABULARY[600]} ${VOCABULARY[900]}` }));
  await time(`search, most common term (capped at newest matches)`, () => store.listTraces(PROJECT, { ...page, search: VOCABULARY[0] }), 5);
  await time("observations, type=GENERATION newest 50 + count", () => store.listObservations(PROJECT, { ...page, type: "GENERATION" }));
  await time("observations, level=ERROR newest 50 + count", () => store.listObservations(PROJECT, { ...page, level: "ERROR" }));
  await time("sessions, newest 50 + count", () => store.listSessions(PROJECT, page));
  await time("users, most recent 50 + count", () => store.listUsers(PROJECT, page));
  await store.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

async function bigTrace() {
  const store = await openSqliteStore({ file: ":memory:" });
  await store.ensureProject({ id: PROJECT, name: "bench" });
  const records = makeTrace(BIG_TRACE);
  const times = [];
  for (let i = 0; i < records.length; i += BATCH) {
    const began = performance.now();
    await store.insertObservations(PROJECT, records.slice(i, i + BATCH));
    times.push(performance.now() - began);
  }
  const first = stats(times.slice(1, 11));
  const last = stats(times.slice(-10));
  console.log(`One trace of ${BIG_TRACE} observations in ${times.length} batches of ${BATCH} (in memory):`);
  console.log(`  batches 2-11: ${fmt(first)} ms; last 10: ${fmt(last)} ms per batch`);
  const child = records[records.length >> 1];
  let version = 0;
  await time("replace one span, retracted in place (new output, tokens)", () =>
    store.insertObservations(PROJECT, [{ ...child, output: `v${version++}`, usageDetails: { total: version } }]), 9);
  const root = records[0];
  await time(`replace the root with a later start (recomputes ${BIG_TRACE} rows)`, () =>
    store.insertObservations(PROJECT, [{ ...root, startTimeNs: root.startTimeNs + BigInt(1 + (version++ % 2)) }]), 5);
  await store.close();
}

await ingestAndQuery();
if (BIG_TRACE > 0) await bigTrace();
