// Discarding OTLP/HTTP sink for the benchmark. Runs in its own process on 127.0.0.1.
//
// Every request is answered 200 as soon as its body has been read (`{}` for JSON, an empty
// ExportTraceServiceResponse for protobuf). Bodies are kept and decoded only when someone asks
// for the counts (between measured windows), so the sink's decoding does not compete for the CPU
// with the worker being measured. Counts are kept per "token": the first path segment after /r/,
// e.g. http://127.0.0.1:PORT/r/raw-json-generation-3/v1/traces, so that each worker process's
// spans are attributed to it.
//
// Control: over the IPC channel when forked ({cmd:"stats", token} -> {stats}), or over HTTP
// (GET /stats/<token>, GET /stats). Standalone: `node bench/sink.mjs [port]` prints the port.
import http from "node:http";
import { countOtlpRequest } from "./lib/otlp-count.mjs";

const EXPECTED_AUTH = "Basic " + Buffer.from("pk:sk").toString("base64");
const PENDING_LIMIT_BYTES = 768 * 1024 * 1024; // decode eagerly beyond this (never in practice)

/** token -> stats */
const stats = new Map();
/** bodies waiting to be decoded: {token, body, contentType, contentEncoding} */
let pending = [];
let pendingBytes = 0;

function tokenStats(token) {
  let s = stats.get(token);
  if (!s) {
    s = {
      requests: 0, traceRequests: 0, otherRequests: 0, wireBytes: 0, decodedBytes: 0,
      spans: 0, ioChars: 0, inputSpans: 0, inputChars: 0, outputSpans: 0, outputChars: 0, types: {}, authOk: 0, authBad: 0, decodeErrors: 0,
      contentTypes: {}, contentEncodings: {}, paths: {},
    };
    stats.set(token, s);
  }
  return s;
}

function parseToken(url) {
  const m = /^\/r\/([^/]+)(\/.*)?$/.exec(url.split("?")[0]);
  return m ? { token: m[1], rest: m[2] ?? "/" } : { token: "_", rest: url };
}

function drain() {
  const list = pending;
  pending = [];
  pendingBytes = 0;
  for (const item of list) {
    const s = tokenStats(item.token);
    try {
      const c = countOtlpRequest(item.body, item.contentType, item.contentEncoding);
      for (const k of ["spans", "ioChars", "inputSpans", "inputChars", "outputSpans", "outputChars"]) s[k] += c[k];
      s.decodedBytes += c.decodedBytes;
      for (const [k, v] of Object.entries(c.types)) s.types[k] = (s.types[k] ?? 0) + v;
    } catch (err) {
      s.decodeErrors++;
      s.lastDecodeError = String(err && err.message ? err.message : err);
    }
  }
}

function snapshot(token) {
  drain();
  if (token) return stats.get(token) ?? tokenStats(token);
  return Object.fromEntries(stats);
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url.startsWith("/stats")) {
    const token = req.url.slice("/stats/".length) || undefined;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(snapshot(token)));
    return;
  }
  const { token, rest } = parseToken(req.url);
  const chunks = [];
  let size = 0;
  req.on("data", (c) => { chunks.push(c); size += c.length; });
  req.on("error", () => {});
  req.on("end", () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    const contentType = req.headers["content-type"] ?? "";
    const contentEncoding = req.headers["content-encoding"] ?? "";
    const isProto = String(contentType).includes("protobuf");
    // Answer first: the exporter's round trip should not include our bookkeeping.
    if (isProto) {
      res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 0 });
      res.end();
    } else {
      res.writeHead(200, { "content-type": "application/json", "content-length": 2 });
      res.end("{}");
    }
    const s = tokenStats(token);
    s.requests++;
    s.wireBytes += size;
    s.contentTypes[contentType] = (s.contentTypes[contentType] ?? 0) + 1;
    if (contentEncoding) s.contentEncodings[contentEncoding] = (s.contentEncodings[contentEncoding] ?? 0) + 1;
    s.paths[rest] = (s.paths[rest] ?? 0) + 1;
    if (req.headers.authorization === EXPECTED_AUTH) s.authOk++;
    else s.authBad++;
    if (req.method === "POST" && /\/traces$/.test(rest) && size > 0) {
      s.traceRequests++;
      pending.push({ token, body, contentType, contentEncoding });
      pendingBytes += size;
      if (pendingBytes > PENDING_LIMIT_BYTES) drain();
    } else {
      s.otherRequests++;
    }
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.requestTimeout = 0;

const port = Number(process.argv[2] ?? 0);
server.listen(port, "127.0.0.1", () => {
  const { port: actual } = server.address();
  if (process.send) process.send({ type: "listening", port: actual });
  else console.log(`sink listening on http://127.0.0.1:${actual}`);
});

if (process.send) {
  process.on("message", (msg) => {
    if (msg?.cmd === "stats") process.send({ type: "stats", id: msg.id, stats: snapshot(msg.token) });
    else if (msg?.cmd === "cpu") {
      // The sink's own CPU, so the orchestrator can tell other processes' load from ours.
      const c = process.cpuUsage();
      process.send({ type: "stats", id: msg.id, stats: { cpuUs: c.user + c.system } });
    }
    else if (msg?.cmd === "exit") process.exit(0);
  });
  // The parent went away (crash, Ctrl-C): do not linger.
  process.on("disconnect", () => process.exit(0));
}
process.on("SIGTERM", () => process.exit(0));
