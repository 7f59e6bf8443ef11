#!/usr/bin/env node
// The raw insert limit of the server benchmark, run as its own process: the same rows the server
// stores (the benchmark's 512-span requests, decoded and mapped by the server's own code, with
// fresh ids and times) inserted straight into SQLite with better-sqlite3: one transaction per 512
// rows, WAL + synchronous=NORMAL, SQLite's default autocheckpoint, a minimal table with the same
// indexes as the server's observations table (schema migrations 4 and 5: the trace-local unique
// key, the covering metrics index, type, name, and the partial level index). Preparing the rows is not timed; inserting and
// committing is. Prints one JSON line.
//
//   node bench/raw-insert.mjs <data dir> <duration ms>
import { join } from "node:path";
import Database from "better-sqlite3";
import { decodeOtlpProtobuf, mapSpan } from "@sightline/server";
import { createIngestPayload } from "./lib/ingest-payload.mjs";

const [dir, durationArg] = process.argv.slice(2);
if (dir === undefined) {
  console.error("usage: node bench/raw-insert.mjs <data dir> <duration ms>");
  process.exit(2);
}
const durationMs = Number(durationArg ?? 20_000);
const db = new Database(join(dir, "raw.db"));
db.pragma("page_size = 8192"); // as the server's databases (SQLITE_PAGE_SIZE_BYTES)
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("cache_size = -65536");
db.exec(`
  CREATE TABLE spans (
    rowid INTEGER PRIMARY KEY, project_id TEXT NOT NULL, trace_id TEXT NOT NULL, id TEXT NOT NULL, parent_id TEXT,
    name TEXT NOT NULL, type TEXT NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER, level TEXT NOT NULL,
    environment TEXT NOT NULL, input TEXT, output TEXT, metadata TEXT NOT NULL, model TEXT, usage_details TEXT NOT NULL,
    cost_details TEXT NOT NULL, trace_contribution TEXT NOT NULL, resource_attributes TEXT NOT NULL, scope TEXT NOT NULL,
    tokens INTEGER, cost_pico INTEGER, completion_start_ns INTEGER
  );
  CREATE UNIQUE INDEX spans_trace_span ON spans(project_id, trace_id, id);
  CREATE INDEX spans_metrics ON spans(project_id, start_ns, type, model, level, environment, tokens, cost_pico, end_ns, completion_start_ns);
  CREATE INDEX spans_type ON spans(project_id, type, start_ns);
  CREATE INDEX spans_name ON spans(project_id, name, start_ns);
  CREATE INDEX spans_level ON spans(project_id, level, start_ns) WHERE level <> 'DEFAULT';
`);
const insert = db.prepare(`INSERT INTO spans (project_id, trace_id, id, parent_id, name, type, start_ns, end_ns, level, environment,
  input, output, metadata, model, usage_details, cost_details, trace_contribution, resource_attributes, scope)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insertAll = db.transaction((rows) => {
  for (const row of rows) insert.run(row);
});
const json = (value) => (value === null || value === undefined ? null : JSON.stringify(value));

const payload = createIngestPayload();
let rows = 0;
let timedMs = 0;
const started = performance.now();
while (timedMs < durationMs && performance.now() - started < durationMs * 4) {
  const batch = decodeOtlpProtobuf(payload.body().body).spans.map((span) => {
    const o = mapSpan(span);
    return [
      "default", o.traceId, o.id, o.parentObservationId, o.name, o.type, o.startTimeNs, o.endTimeNs, o.level, o.environment,
      json(o.input), json(o.output), json(o.metadata), o.model, json(o.usageDetails), json(o.costDetails), json(o.trace),
      json(o.resourceAttributes), json(o.scope),
    ];
  });
  const t0 = performance.now();
  insertAll(batch);
  timedMs += performance.now() - t0;
  rows += batch.length;
}
db.close();
process.stdout.write(`${JSON.stringify({ rows, timedMs, rowsPerSecond: rows / (timedMs / 1000), rowsPerTransaction: payload.spans })}\n`);
