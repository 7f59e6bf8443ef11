#!/usr/bin/env node
// The PostgreSQL part of `npm run bench` (issue 5): end to end through one and two `sightline serve`
// processes (bench/postgres-server.mjs), then the store alone: COPY vs unnest bulk writes next to the
// raw COPY limit of the same rows, and query times at 1M observations (bench/postgres-store.mjs).
// Skipped with a notice when PostgreSQL is not reachable (SIGHTLINE_TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test).
//
//   npm run build && node bench/postgres-bench.mjs [--quick]
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const HERE = dirname(fileURLToPath(import.meta.url));
const url = process.env.SIGHTLINE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const quick = process.argv.includes("--quick");

const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
try {
  await client.connect();
  await client.end();
} catch (error) {
  console.log(`PostgreSQL benchmark skipped: PostgreSQL not reachable at ${url.replace(/:[^:@/]*@/, ":***@")} (${error.message}).`);
  process.exit(0);
}

const run = (script, args) => {
  const result = spawnSync(process.execPath, [join(HERE, script), "--url", url, ...args], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run("postgres-server.mjs", ["--seconds", quick ? "5" : "20"]);
run("postgres-store.mjs", ["--seconds", quick ? "3" : "10", "--queries", quick ? "100000" : "1000000"]);
