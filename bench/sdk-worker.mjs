// One variant in one process.
//
//   node --expose-gc bench/sdk-worker.mjs <variant> <op> <n> [--sink URL] [--rounds R] [--warmup W] [--yield-every 100]
//   node --expose-gc bench/sdk-worker.mjs <variant> mem-buffered <N> [--sink URL]
//   node --expose-gc bench/sdk-worker.mjs <variant> mem-stream <N> [--sink URL]
//
// variant: noop | raw-json | langfuse | sightline;  op: generation | nested3 | observe
//
// Forked by bench/run.mjs, it is driven over IPC: it reports {type:"ready"} after setup, then runs
// one command at a time ({cmd:"warmup"}, {cmd:"round"}, {cmd:"mem"}, {cmd:"flush"}, {cmd:"exit"}) and
// answers each with a result message. The orchestrator reads the sink's counts between commands.
//
// Run by hand (no IPC), it starts its own sink, runs warm-up + rounds, prints the results and what
// the sink received, and exits; handy with `node --cpu-prof`:
//   node --expose-gc --cpu-prof --cpu-prof-dir=bench/results/prof bench/sdk-worker.mjs sightline nested3 8000 --rounds 5
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setupVariant, hookCounters } from "./lib/variants.mjs";
import { SPANS_PER_OP } from "./lib/payload.mjs";
import { diag, DiagLogLevel } from "@opentelemetry/api";

// OpenTelemetry reports dropped spans ("Dropped N spans because maxQueueSize reached") and export
// failures through `diag`, which is silent by default. Collect warnings and errors per command.
const diagLog = { warn: 0, error: 0, droppedSpans: 0, samples: [] };
function diagRecord(level, msg, args) {
  diagLog[level]++;
  const m = /Dropped (\d+) spans/.exec(String(msg));
  if (m) diagLog.droppedSpans += Number(m[1]);
  if (diagLog.samples.length < 5) diagLog.samples.push(`${level}: ${String(msg).slice(0, 200)}${args.length ? " " + String(args[0]).slice(0, 200) : ""}`);
}
diag.setLogger(
  {
    error: (msg, ...args) => diagRecord("error", msg, args),
    warn: (msg, ...args) => diagRecord("warn", msg, args),
    info: () => {}, debug: () => {}, verbose: () => {},
  },
  { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
);
function takeDiag() {
  const d = {
    warn: diagLog.warn, error: diagLog.error, droppedSpans: diagLog.droppedSpans + hookCounters.dropped,
    failedSpans: hookCounters.failedSpans, samples: diagLog.samples.slice(),
  };
  diagLog.warn = diagLog.error = diagLog.droppedSpans = 0;
  hookCounters.dropped = hookCounters.failedSpans = 0;
  diagLog.samples.length = 0;
  return d;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const gc = globalThis.gc ?? (() => {});

function parseArgs(argv) {
  const [variant, op, n, ...rest] = argv;
  const opts = { variant, op, n: Number(n ?? 8000), rounds: 5, warmup: 2, yieldEvery: 100, sink: undefined };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const next = () => rest[++i];
    if (a === "--sink") opts.sink = next();
    else if (a === "--rounds") opts.rounds = Number(next());
    else if (a === "--warmup") opts.warmup = Number(next());
    else if (a === "--yield-every") opts.yieldEvery = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!variant || !op) throw new Error("usage: sdk-worker.mjs <variant> <op|mem-buffered|mem-stream> <n> [--sink URL]");
  return opts;
}

/** n ops, a yield every `yieldEvery`, then forceFlush. CPU is the process's (all threads). */
async function runRound(v, fn, n, yieldEvery) {
  // No forced gc() here: a full GC right before a round makes the round measurably slower (new
  // space shrinks, concurrent sweeping lands in the window), by ≈15 ms per round for every variant.
  // Steady state, with GC paid where it naturally falls, is what users see.
  // BENCH_GC_BEFORE_ROUND=1 restores it for experiments.
  if (process.env.BENCH_GC_BEFORE_ROUND === "1") gc();
  await tick();
  const errors = { count: 0, first: undefined };
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  let syncMs = 0;
  for (let i = 0; i < n; i += yieldEvery) {
    const m = Math.min(yieldEvery, n - i);
    const t0 = performance.now();
    for (let j = 0; j < m; j++) {
      try {
        fn();
      } catch (err) {
        errors.count++;
        errors.first ??= String(err?.stack ?? err);
      }
    }
    syncMs += performance.now() - t0;
    await tick();
  }
  const wLoop = performance.now();
  await v.forceFlush();
  const w1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return {
    n,
    cpuUs: cpu.user + cpu.system,
    userUs: cpu.user,
    systemUs: cpu.system,
    syncMs,
    loopWallMs: wLoop - w0,
    flushWallMs: w1 - wLoop,
    wallMs: w1 - w0,
    errors: errors.count,
    firstError: errors.first,
    diag: takeDiag(),
  };
}

function mem() {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
}

async function settle() {
  // Let deferred span processing (promises, setImmediate) finish before measuring memory.
  for (let i = 0; i < 20; i++) await tick();
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 20; i++) await tick();
}

/** Hold N generation spans in the processor (nothing is exported until flush) and measure the heap. */
async function memBuffered(v, N, yieldEvery) {
  const fn = v.ops.generation;
  const warm = 300;
  for (let i = 0; i < warm; i++) fn();
  await v.forceFlush();
  await settle();
  gc(); gc();
  const before = mem();
  const t0 = performance.now();
  for (let i = 0; i < N; i += yieldEvery) {
    const m = Math.min(yieldEvery, N - i);
    for (let j = 0; j < m; j++) fn();
    await tick();
  }
  const loopMs = performance.now() - t0;
  await settle();
  gc(); gc();
  const after = mem();
  return {
    N, warmupSpans: warm, loopMs, before, after,
    heapPerSpan: (after.heapUsed - before.heapUsed) / N,
    externalPerSpan: (after.external - before.external) / N,
    retainedPerSpan: (after.heapUsed + after.external - before.heapUsed - before.external) / N,
    peakRss: process.resourceUsage().maxRSS * 1024,
    diag: takeDiag(),
  };
}

/** Stream N generation spans with the variant's default batching; peak RSS of the process. */
async function memStream(v, N, yieldEvery) {
  const fn = v.ops.generation;
  const warm = 1000;
  for (let i = 0; i < warm; i++) fn();
  await v.forceFlush();
  await settle();
  gc(); gc();
  const base = mem();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i += yieldEvery) {
    const m = Math.min(yieldEvery, N - i);
    for (let j = 0; j < m; j++) fn();
    await tick();
  }
  const loopMs = performance.now() - t0;
  await v.forceFlush();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    N, warmupSpans: warm, base, loopMs, wallMs, cpuUs: cpu.user + cpu.system,
    peakRss: process.resourceUsage().maxRSS * 1024,
    end: mem(),
    diag: takeDiag(),
  };
}

// ---------------------------------------------------------------------------------------------

async function startOwnSink() {
  const child = fork(fileURLToPath(new URL("./sink.mjs", import.meta.url)), [], { stdio: "inherit" });
  const port = await new Promise((resolve, reject) => {
    child.once("message", (m) => (m?.type === "listening" ? resolve(m.port) : reject(new Error("sink failed"))));
    child.once("exit", (code) => reject(new Error(`sink exited ${code}`)));
  });
  const kill = () => { try { child.kill("SIGKILL"); } catch { /* gone */ } };
  process.on("exit", kill);
  return { port, kill, child };
}

async function sinkStats(base, token) {
  const res = await fetch(`${base}/stats/${token}`);
  return res.json();
}

async function standalone(opts) {
  const own = opts.sink ? undefined : await startOwnSink();
  const token = `${opts.variant}-${opts.op}-${process.pid}`;
  const sinkBase = opts.sink ?? `http://127.0.0.1:${own.port}`;
  const url = `${sinkBase}/r/${token}`;
  try {
    if (opts.op === "mem-buffered" || opts.op === "mem-stream") {
      const buffered = opts.op === "mem-buffered" ? { spans: opts.n } : false;
      const v = await setupVariant(opts.variant, { url, buffered });
      const res = buffered ? await memBuffered(v, opts.n, opts.yieldEvery) : await memStream(v, opts.n, opts.yieldEvery);
      const beforeFlush = await sinkStats(sinkBase, token);
      await v.forceFlush();
      const s = await sinkStats(sinkBase, token);
      console.log(JSON.stringify({ ...res, sinkSpansBeforeFlush: beforeFlush.spans, sink: s }, null, 2));
      return;
    }
    const v = await setupVariant(opts.variant, { url, buffered: false });
    const fn = v.ops[opts.op];
    if (!fn) throw new Error(`unknown op ${opts.op}`);
    for (let w = 0; w < opts.warmup; w++) await runRound(v, fn, opts.n, opts.yieldEvery);
    const rounds = [];
    for (let r = 0; r < opts.rounds; r++) rounds.push(await runRound(v, fn, opts.n, opts.yieldEvery));
    const s = await sinkStats(sinkBase, token);
    const expected = (opts.warmup + opts.rounds) * opts.n * (opts.variant === "noop" ? 0 : SPANS_PER_OP[opts.op]);
    for (const r of rounds) {
      console.log(
        `${opts.variant} ${opts.op}: CPU ${(r.cpuUs / r.n).toFixed(2)} µs/op, sync ${((r.syncMs * 1000) / r.n).toFixed(2)} µs/op, ` +
          `wall ${r.wallMs.toFixed(0)} ms, errors ${r.errors}`,
      );
    }
    console.log(`diag: ${rounds.map((r) => `${r.diag.warn}w/${r.diag.error}e/${r.diag.droppedSpans}dropped`).join(" ")}`);
    console.log(`sink: ${s.spans} spans in ${s.requests} requests (expected ${expected}), ioChars ${s.ioChars}, decodeErrors ${s.decodeErrors}`);
    await v.shutdown();
  } finally {
    own?.kill();
  }
}

async function driven(opts) {
  const send = (msg) => process.send(msg);
  process.on("disconnect", () => process.exit(0));
  let v;
  try {
    const buffered = opts.op === "mem-buffered" ? { spans: opts.n } : false;
    v = await setupVariant(opts.variant, { url: opts.sink, buffered });
    if (!opts.op.startsWith("mem-") && !v.ops[opts.op]) throw new Error(`unknown op ${opts.op}`);
  } catch (err) {
    send({ type: "error", phase: "setup", error: String(err?.stack ?? err) });
    setTimeout(() => process.exit(1), 50);
    return;
  }
  send({ type: "ready", info: { description: v.info?.description } });
  process.on("message", async (msg) => {
    try {
      let result;
      if (msg.cmd === "round" || msg.cmd === "warmup") result = await runRound(v, v.ops[opts.op], opts.n, opts.yieldEvery);
      else if (msg.cmd === "mem") {
        result = opts.op === "mem-buffered" ? await memBuffered(v, opts.n, opts.yieldEvery) : await memStream(v, opts.n, opts.yieldEvery);
      } else if (msg.cmd === "flush") {
        const t0 = performance.now();
        await v.forceFlush();
        result = { flushMs: performance.now() - t0, diag: takeDiag() };
      } else if (msg.cmd === "exit") {
        try { await v.shutdown(); } catch { /* ignore */ }
        send({ type: "result", id: msg.id, result: {} });
        setTimeout(() => process.exit(0), 20);
        return;
      } else throw new Error(`unknown command ${msg.cmd}`);
      send({ type: "result", id: msg.id, result });
    } catch (err) {
      send({ type: "result", id: msg.id, error: String(err?.stack ?? err) });
    }
  });
}

const opts = parseArgs(process.argv.slice(2));
if (process.send) await driven(opts);
else {
  try {
    await standalone(opts);
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
