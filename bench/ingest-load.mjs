#!/usr/bin/env node
// Load generator of the server benchmark, run as its own process: `concurrency` keep-alive
// connections each send 512-span OTLP/protobuf requests back to back (a new request as soon as the
// previous one was acknowledged) for `duration` ms, then it prints one JSON line with the
// acknowledged spans, the sustained rate and the acknowledgement latencies: over the whole run, and
// in steady state (`steady`: the requests sent after a warm-up of a tenth of the run, at most 2 s,
// as the performance anchors discard warm-up rounds; a freshly started server compiles its mapping
// code during its first requests, which take 50-110 ms).
//
//   node bench/ingest-load.mjs <base url> <public key> <secret key> <concurrency> <duration ms>
import http from "node:http";
import { createIngestPayload } from "./lib/ingest-payload.mjs";

const [url, publicKey, secretKey, concurrencyArg, durationArg] = process.argv.slice(2);
if (url === undefined || secretKey === undefined) {
  console.error("usage: node bench/ingest-load.mjs <base url> <public key> <secret key> <concurrency> <duration ms>");
  process.exit(2);
}
const concurrency = Number(concurrencyArg ?? 1);
const durationMs = Number(durationArg ?? 20_000);
const target = new URL("/v1/traces", url);
const authorization = `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const payload = createIngestPayload();

/** Sends one body; resolves with the status (or -1 on a network error) once the response is read. */
function send(body) {
  return new Promise((resolve) => {
    const req = http.request(
      target,
      {
        method: "POST",
        agent,
        headers: { authorization, "content-type": "application/x-protobuf", "content-length": body.length },
      },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(res.statusCode ?? -1));
        res.on("error", () => resolve(-1));
      },
    );
    req.on("error", () => resolve(-1));
    req.end(body);
  });
}

/** Requests sent before this many ms into the run are left out of the steady-state latencies. */
const warmupMs = Math.min(2_000, durationMs / 10);
const latencies = [];
const steadyLatencies = [];
let ackedSpans = 0;
let ackedRequests = 0;
const failures = {};
const cpuStart = process.cpuUsage();
const started = performance.now();
const deadline = started + durationMs;
let lastAck = started;

async function connection() {
  while (performance.now() < deadline) {
    const { body } = payload.body();
    const sent = performance.now();
    const status = await send(body);
    const done = performance.now();
    if (status === 200) {
      latencies.push(done - sent);
      if (sent - started >= warmupMs) steadyLatencies.push(done - sent);
      ackedSpans += payload.spans;
      ackedRequests += 1;
      lastAck = done;
    } else {
      failures[status] = (failures[status] ?? 0) + 1;
      if (status === -1) await new Promise((r) => setTimeout(r, 20));
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, connection));
agent.destroy();
const elapsedMs = lastAck - started;
/** The `q` quantile of ascending `sorted` (NaN when empty). */
const quantile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
const sorted = latencies.sort((a, b) => a - b);
const steady = steadyLatencies.sort((a, b) => a - b);
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({
    concurrency,
    durationMs,
    elapsedMs,
    ackedRequests,
    ackedSpans,
    failures,
    spansPerSecond: ackedSpans / (elapsedMs / 1000),
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? NaN,
    steady: { warmupMs, requests: steady.length, p50Ms: quantile(steady, 0.5), p99Ms: quantile(steady, 0.99), maxMs: steady.at(-1) ?? NaN },
    bodyBytes: payload.bytes,
    ioCharsPerSpan: payload.ioCharsPerSpan,
    loadgenCpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
