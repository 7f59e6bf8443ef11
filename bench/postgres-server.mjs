#!/usr/bin/env node
// PostgreSQL end to end: the real `sightline serve` on PostgreSQL, one process and then two processes
// on one schema, driven by bench/ingest-load.mjs (512-span OTLP/protobuf requests, keep-alive, back
// to back); prints sustained spans/s and p50/p99 acknowledgement latency per scenario and checks that
// the stored spans equal the acknowledged ones. The raw COPY limit and query times come from
// bench/postgres-store.mjs (run by bench/postgres-bench.mjs next to this).
//
//   npm run build && node bench/postgres-server.mjs [--seconds 20] [--url postgres://...]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { startServe as startServeProcess } from "./lib/serve-process.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const LOAD = join(HERE, "ingest-load.mjs");
const PUBLIC_KEY = "pk-lf-bench-pg";
const SECRET_KEY = "sk-lf-bench-pg";
const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    url: { type: "string", default: process.env.SIGHTLINE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" },
  },
});
const DURATION_MS = Number(args.seconds) * 1000;
const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** A `sightline serve` on its own data dir (removed on stop) with `env` (the database URL). */
async function startServe(env) {
  const dir = mkdtempSync(join(os.tmpdir(), "sightline-bench-pg-"));
  try {
    const server = await startServeProcess(dir, { publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, env, children });
    return {
      url: server.url,
      stop: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function load(url, concurrency) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD, url, PUBLIC_KEY, SECRET_KEY, String(concurrency), String(DURATION_MS)], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    child.on("exit", (code) => {
      children.delete(child);
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").at(-1)));
      else reject(new Error(`ingest-load exited ${code}`));
    });
  });
}

async function scenario(label, processes, concurrencyEach) {
  const schema = `sightline_bench_${randomBytes(4).toString("hex")}`;
  const env = { SIGHTLINE_DATABASE_URL: `${args.url}?schema=${schema}` };
  const servers = [];
  for (let i = 0; i < processes; i++) servers.push(await startServe(env));
  const admin = new pg.Client({ connectionString: args.url });
  await admin.connect();
  try {
    const results = await Promise.all(servers.map((server) => load(server.url, concurrencyEach)));
    const acked = results.reduce((sum, r) => sum + r.ackedSpans, 0);
    const spansPerSecond = results.reduce((sum, r) => sum + r.spansPerSecond, 0);
    const stored = Number((await admin.query(`SELECT count(*) AS n FROM "${schema}".observations`)).rows[0].n);
    const failures = results.map((r) => JSON.stringify(r.failures)).join(" ");
    const p50 = Math.max(...results.map((r) => r.p50Ms));
    const p99 = Math.max(...results.map((r) => r.p99Ms));
    console.log(
      `${label.padEnd(40)} ${String(Math.round(spansPerSecond)).padStart(7)} spans/s  p50 ${p50.toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  ` +
        `stored/acked ${stored}/${acked}${stored === acked ? "" : " MISMATCH"}  failures ${failures}`,
    );
    return { label, processes, concurrencyEach, spansPerSecond, p50Ms: p50, p99Ms: p99, stored, acked };
  } finally {
    for (const server of servers) await server.stop();
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  }
}

console.log(`PostgreSQL end to end: ${DURATION_MS / 1000} s per scenario, 512-span OTLP/protobuf requests`);
await scenario("1 process, c=1", 1, 1);
await scenario("1 process, c=4", 1, 4);
await scenario("2 processes, c=2 each", 2, 2);
