#!/usr/bin/env node
// The same-run baseline of the server benchmark: the minimal OTLP server of the performance anchors
// (§B5), rebuilt here so that it is measured on the same machine, in the same minutes, as
// `sightline serve` (this host's speed drifts by ±20% within an hour). One thread does it all:
// node:http -> the body -> a hand-written protobuf decoder (Sightline's own `decodeOtlpProtobuf`) ->
// rows `{id, trace_id, parent_id, name, type, start/end ns, input, output, metadata JSON}` -> ONE
// better-sqlite3 transaction per request into the anchors' table (§B3: TEXT primary key, indexes on
// (trace_id, start_ns) and start_ns, WAL + synchronous=NORMAL, 64 MiB cache, SQLite's default
// autocheckpoint) -> an empty ExportTraceServiceResponse after the commit. No auth, no mapping,
// no trace aggregates, no search index, no second thread.
//
//   node bench/minimal-server.mjs <data dir>     (prints "listening on http://127.0.0.1:<port>"; stops on SIGTERM)
import http from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import { decodeOtlpProtobuf } from "@sightline/server";

const dir = process.argv[2];
if (dir === undefined) {
  console.error("usage: node bench/minimal-server.mjs <data dir>");
  process.exit(2);
}
const INPUT = "langfuse.observation.input";
const OUTPUT = "langfuse.observation.output";
const TYPE = "langfuse.observation.type";

const db = new Database(join(dir, "minimal.db"));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("cache_size = -65536");
db.exec(`
  CREATE TABLE spans (
    id TEXT PRIMARY KEY, trace_id TEXT NOT NULL, parent_id TEXT, name TEXT NOT NULL, type TEXT NOT NULL,
    start_ns INTEGER NOT NULL, end_ns INTEGER, input TEXT, output TEXT, metadata TEXT NOT NULL
  );
  CREATE INDEX spans_trace ON spans(trace_id, start_ns);
  CREATE INDEX spans_start ON spans(start_ns);
`);
const insert = db.prepare(
  "INSERT INTO spans (id, trace_id, parent_id, name, type, start_ns, end_ns, input, output, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
);
const insertAll = db.transaction((rows) => {
  for (const row of rows) insert.run(row);
});
const text = (value) => (value === undefined || value === null ? null : typeof value === "string" ? value : JSON.stringify(value));

/** The anchors' row of one decoded span: the observation fields, every other attribute as metadata JSON. */
function rowOf(span) {
  const { [INPUT]: input, [OUTPUT]: output, [TYPE]: type, ...metadata } = span.attributes;
  return [
    span.spanId,
    span.traceId,
    span.parentSpanId ?? null,
    span.name,
    typeof type === "string" ? type : "span",
    span.startTimeUnixNano,
    span.endTimeUnixNano,
    text(input),
    text(output),
    JSON.stringify(metadata),
  ];
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    try {
      insertAll(decodeOtlpProtobuf(Buffer.concat(chunks)).spans.map(rowOf));
      res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 0 }).end();
    } catch (error) {
      res.writeHead(400, { "content-type": "text/plain" }).end(String(error));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`Minimal server listening on http://127.0.0.1:${server.address().port}\nPress Ctrl+C to stop.\n`);
});
process.on("SIGTERM", () => {
  server.close();
  db.close();
  process.exit(0);
});
