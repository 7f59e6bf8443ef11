// Server ingestion benchmark (see bench/README.md, "Server benchmark"): the REAL `sightline serve`
// process on a fresh data dir, driven over loopback by a separate load-generator process
// (bench/ingest-load.mjs) with 512-span OTLP/protobuf requests, at each concurrency for a bounded
// time; the stored span count is read back through the REST API afterwards. Next to it, in the same
// run: the minimal server of the performance anchors (§B5, bench/minimal-server.mjs) under the same
// load right after each scenario, the baseline the goals were set against, and the raw insert limit
// of the same rows straight into SQLite (bench/raw-insert.mjs).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { TRACES_PER_REQUEST } from "./lib/ingest-payload.mjs";
import { startServe as startServeProcess } from "./lib/serve-process.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const LOADGEN = join(HERE, "ingest-load.mjs");
const RAW = join(HERE, "raw-insert.mjs");
const MINIMAL = join(HERE, "minimal-server.mjs");
const PUBLIC_KEY = "pk-lf-bench";
const SECRET_KEY = "sk-lf-bench";

/** Every child process and temp dir of this module: removed on exit, error or signal. */
const children = new Set();
const dirs = new Set();
function cleanUp() {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
process.on("exit", cleanUp);

function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** Runs a node script to completion; resolves with its last stdout line parsed as JSON. */
function runJson(script, args, { timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (err = (err + d).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const last = out.trim().split("\n").at(-1) ?? "";
      try {
        if (code !== 0) throw new Error(`exit ${code ?? signal}`);
        resolve(JSON.parse(last));
      } catch (error) {
        reject(new Error(`${script} failed (${error.message}).\nstdout: ${out.slice(-2000)}\nstderr: ${err}`));
      }
    });
  });
}

function startServe(dataDir) {
  return startServeProcess(dataDir, { publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, children });
}

async function getJson(url, path) {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Basic ${Buffer.from(`${PUBLIC_KEY}:${SECRET_KEY}`).toString("base64")}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Starts a server on a fresh data dir (`start(dataDir)`), drives it with the load generator, and
 * returns the load generator's figures with what `measure({ server, dataDir, load, cpuUsPerSpan })`
 * adds (`cpuUsPerSpan()`: the server's CPU, all threads, since the load began, per acknowledged
 * span). The server is stopped and its data dir removed in any case.
 */
async function underLoad(prefix, start, concurrency, durationMs, measure) {
  const dataDir = tempDir(prefix);
  const server = await start(dataDir);
  try {
    const cpuAtStart = server.cpuMillis();
    const load = await runJson(LOADGEN, [server.url, PUBLIC_KEY, SECRET_KEY, String(concurrency), String(durationMs)], {
      timeoutMs: durationMs + 120_000,
    });
    const cpuUsPerSpan = () => ((server.cpuMillis() - cpuAtStart) * 1000) / load.ackedSpans;
    return { ...load, ...(await measure({ server, dataDir, load, cpuUsPerSpan })) };
  } finally {
    await server.stop().catch(() => undefined);
    removeDir(dataDir);
  }
}

/** One load scenario on a fresh server: the load generator's figures plus what the API reports stored. */
function scenario(concurrency, durationMs) {
  return underLoad("sightline-bench-serve-", startServe, concurrency, durationMs, async ({ server, load, cpuUsPerSpan }) => {
    // How far the background search indexing is behind when the load stops, and how long it takes to catch up.
    const backlog = async () => (await getJson(server.url, "/api/public/health?details=true")).searchBacklog;
    const searchBacklogAtEnd = await backlog();
    const caughtUpFrom = performance.now();
    let searchBacklogLeft = searchBacklogAtEnd;
    while (searchBacklogLeft > 0 && performance.now() - caughtUpFrom < 120_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      searchBacklogLeft = await backlog();
    }
    const searchCatchUpMs = searchBacklogLeft === 0 ? performance.now() - caughtUpFrom : NaN;
    // The server's CPU per acknowledged span with the search index caught up: what each span costs
    // it to decode, map, store and index (the load generator's is not included).
    const serverCpuUsPerSpan = cpuUsPerSpan();
    const observations = (await getJson(server.url, "/api/public/observations?limit=1")).meta.totalItems;
    const traces = (await getJson(server.url, "/api/public/traces?limit=1&fields=core")).meta.totalItems;
    return {
      searchBacklogAtEnd,
      searchCatchUpMs,
      serverCpuUsPerSpan,
      storedObservations: observations,
      storedTraces: traces,
      expectedTraces: load.ackedRequests * TRACES_PER_REQUEST,
      serverExitCode: await server.stop(),
    };
  });
}

/** The same load on the anchors' minimal server (fresh data dir); the rows it stored are counted in its file afterwards. */
function minimalScenario(concurrency, durationMs) {
  const start = (dataDir) => startServeProcess(dataDir, { children, args: [MINIMAL, dataDir] });
  return underLoad("sightline-bench-minimal-", start, concurrency, durationMs, async ({ server, dataDir, cpuUsPerSpan }) => {
    const serverCpuUsPerSpan = cpuUsPerSpan();
    const serverExitCode = await server.stop();
    const db = new Database(join(dataDir, "minimal.db"), { readonly: true });
    const storedObservations = db.prepare("SELECT count(*) FROM spans").pluck().get();
    db.close();
    return { serverCpuUsPerSpan, storedObservations, serverExitCode };
  });
}

/**
 * Runs the ingestion scenarios (each on a fresh server and data dir), each followed by the same
 * load on the minimal server (unless `skipMinimal`), and the raw insert limit (unless `skipRaw`).
 * Returns `{ scenarios, minimal, raw, warnings }` (`minimal[i]` ran right after `scenarios[i]`).
 */
export async function runIngestSection({ durationMs, concurrencies, log = console.log, skipRaw = false, skipMinimal = false }) {
  const warnings = [];
  const scenarios = [];
  const minimal = [];
  for (const concurrency of concurrencies) {
    log(`  ingest: c=${concurrency} for ${durationMs / 1000} s ...`);
    const result = await scenario(concurrency, durationMs);
    scenarios.push(result);
    if (!skipMinimal) {
      log(`  minimal server (same-run baseline): c=${concurrency} for ${durationMs / 1000} s ...`);
      const base = await minimalScenario(concurrency, durationMs);
      minimal.push(base);
      if (base.storedObservations !== base.ackedSpans) {
        warnings.push(`minimal server, c=${concurrency}: ${base.ackedSpans} spans acknowledged but ${base.storedObservations} stored`);
      }
    }
    if (result.storedObservations !== result.ackedSpans) {
      warnings.push(`c=${concurrency}: ${result.ackedSpans} spans acknowledged but the API reports ${result.storedObservations} stored`);
    }
    if (result.storedTraces !== result.expectedTraces) {
      warnings.push(`c=${concurrency}: ${result.expectedTraces} traces expected, the API reports ${result.storedTraces}`);
    }
    const failed = Object.entries(result.failures);
    if (failed.length > 0) warnings.push(`c=${concurrency}: failed requests by status ${JSON.stringify(result.failures)}`);
    if (result.serverExitCode !== 0) warnings.push(`c=${concurrency}: the server exited with ${result.serverExitCode} on SIGTERM`);
  }
  if (skipRaw) return { scenarios, minimal, raw: null, warnings };
  log(`  raw insert limit: ${durationMs / 1000} s of inserts ...`);
  const rawDir = tempDir("sightline-bench-raw-");
  let raw;
  try {
    raw = await runJson(RAW, [rawDir, String(durationMs)], { timeoutMs: durationMs * 6 + 60_000 });
  } finally {
    removeDir(rawDir);
  }
  return { scenarios, minimal, raw, warnings };
}

export { cleanUp as killServerBenchChildren };
