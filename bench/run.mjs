// Sightline SDK overhead benchmark: CPU per observation and memory, against raw OpenTelemetry
// (OTLP/HTTP JSON) measured in the same run. See bench/README.md.
//
//   npm run bench                 full run (≈3–5 min on 2 cores)
//   npm run bench -- --quick      smoke run (≈1 min)
//   node --expose-gc bench/run.mjs --help
import { fork } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { summary, median, mulberry32, shuffle } from "./lib/stats.mjs";
import { OPS, SPANS_PER_OP, IO_CHARS_PER_OP, INPUT_CHARS, OUTPUT_CHARS, TYPES_PER_OP } from "./lib/payload.mjs";
import { VARIANTS } from "./lib/variants.mjs";
import { parseServerBenchArgs, runServerBench } from "./server-bench.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER = join(HERE, "sdk-worker.mjs");
const SINK = join(HERE, "sink.mjs");
const BASELINE = "raw-json";
const GOALS = {
  cpuRatio: 1.0, // CPU per op ≤ 1.0x raw-json, each op (the issue's goal)
  streamRssRatio: 1.3, // peak RSS streaming 100k generation spans ≤ 1.3x raw-json (the issue's goal)
  heapRatioAnchor: 1.1, // heap per buffered span ≤ 1.1x raw OTel (performance-anchors.md, informational)
};

// ------------------------------------------------------------------------------------------------
// arguments

const HELP = `usage: node --expose-gc bench/run.mjs [options]
  --quick               smoke run: 3 rounds x 8000 ops, 1 warm-up, 20k buffered, 100k streamed, 1 rep
  --rounds R            measured rounds per op (full: 9)
  --n N                 ops per round (full: 8000)
  --warmup W            discarded warm-up rounds per worker (full: 2)
  --yield-every K       yield (setImmediate) every K ops (100)
  --variants a,b        subset of ${VARIANTS.join(",")} (raw-json is always added: it is the baseline)
  --ops a,b             subset of ${OPS.join(",")}
  --mem-spans N         spans held for the heap-per-buffered-span test (full: 50000)
  --stream-spans N      spans streamed for the peak-RSS test (full: 100000)
  --mem-reps R          repetitions of the streaming test (full: 5)
  --no-cpu / --no-mem   skip a section
  --no-server           skip the server benchmark (bench/server-bench.mjs), which runs after the SDK one
  --server-only         run only the server benchmark
  --seed S              seed of the shuffles (default: time-based; recorded in the JSON)
  --out FILE            JSON results (default bench/results/latest.json)
  --strict              exit 1 when a goal fails or spans are missing
Environment: SIGHTLINE_BENCH_SETUP=register uses registerSightline() instead of SightlineSpanProcessor.`;

function parseArgs(argv) {
  const quick = argv.includes("--quick");
  const o = quick
    ? { rounds: 3, n: 8000, warmup: 1, memSpans: 20_000, streamSpans: 100_000, memReps: 1 }
    : { rounds: 9, n: 8000, warmup: 2, memSpans: 50_000, streamSpans: 100_000, memReps: 5 };
  Object.assign(o, {
    quick, yieldEvery: 100, variants: VARIANTS.slice(), ops: OPS.slice(), cpu: true, mem: true, server: true, sdk: true,
    seed: Date.now() % 2 ** 31, out: join(HERE, "results", "latest.json"), strict: false,
  });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") continue;
    else if (a === "--help" || a === "-h") { console.log(HELP); process.exit(0); }
    else if (a === "--rounds") o.rounds = Number(next());
    else if (a === "--n") o.n = Number(next());
    else if (a === "--warmup") o.warmup = Number(next());
    else if (a === "--yield-every") o.yieldEvery = Number(next());
    else if (a === "--variants") o.variants = next().split(",");
    else if (a === "--ops") o.ops = next().split(",");
    else if (a === "--mem-spans") o.memSpans = Number(next());
    else if (a === "--stream-spans") o.streamSpans = Number(next());
    else if (a === "--mem-reps") o.memReps = Number(next());
    else if (a === "--no-cpu") o.cpu = false;
    else if (a === "--no-mem") o.mem = false;
    else if (a === "--no-server") o.server = false;
    else if (a === "--server-only") { o.cpu = false; o.mem = false; o.sdk = false; }
    else if (a === "--seed") o.seed = Number(next());
    else if (a === "--out") o.out = next();
    else if (a === "--strict") o.strict = true;
    else throw new Error(`unknown argument ${a}\n${HELP}`);
  }
  for (const v of o.variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}`);
  for (const op of o.ops) if (!OPS.includes(op)) throw new Error(`unknown op ${op}`);
  if (!o.variants.includes(BASELINE)) o.variants.push(BASELINE);
  return o;
}

// ------------------------------------------------------------------------------------------------
// child processes: every one is tracked and killed on exit, error or signal

const children = new Set();

function killAll() {
  for (const c of children) {
    try { c.kill("SIGKILL"); } catch { /* already gone */ }
  }
  children.clear();
}
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping child processes`);
    killAll();
    process.exit(130);
  });
}
process.on("uncaughtException", (err) => {
  console.error(err);
  killAll();
  process.exit(1);
});
process.on("unhandledRejection", (err) => {
  console.error(err);
  killAll();
  process.exit(1);
});

/** A forked child spoken to over IPC with {cmd, id} -> {type:"result"|"stats", id, ...}. */
class Child {
  constructor(script, args, { execArgv = [], env = process.env, label }) {
    this.label = label;
    this.proc = fork(script, args, { execArgv, env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
    children.add(this.proc);
    this.output = "";
    const keep = (d) => { this.output = (this.output + d).slice(-4000); };
    this.proc.stdout.on("data", keep);
    this.proc.stderr.on("data", keep);
    this.nextId = 1;
    this.waiting = new Map();
    this.exited = false;
    this.proc.on("message", (m) => {
      if (m?.id !== undefined && this.waiting.has(m.id)) {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        w.resolve(m);
      } else this.onOther?.(m);
    });
    this.proc.on("exit", (code, signal) => {
      this.exited = true;
      children.delete(this.proc);
      const err = new Error(`${label} exited (code ${code}, signal ${signal})\n${this.output.trim()}`);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      this.onExit?.(err);
    });
  }

  /** Resolves with the first message of `type` (e.g. "ready", "listening"), or rejects on error/exit. */
  waitFor(type, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: no "${type}" after ${timeoutMs} ms\n${this.output}`)), timeoutMs);
      this.onOther = (m) => {
        if (m?.type === type) { clearTimeout(timer); resolve(m); }
        else if (m?.type === "error") { clearTimeout(timer); reject(new Error(`${this.label}: ${m.error}`)); }
      };
      this.onExit = (err) => { clearTimeout(timer); reject(err); };
    });
  }

  call(msg, timeoutMs = 300_000) {
    if (this.exited) return Promise.reject(new Error(`${this.label} has exited`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.label}: "${msg.cmd}" timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          if (m.error) reject(new Error(`${this.label}: ${m.error}`));
          else resolve(m.result ?? m.stats);
        },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.proc.send({ ...msg, id });
    });
  }

  async stop() {
    if (this.exited) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    try { await this.call({ cmd: "exit" }, 10_000); } catch { /* fall through to kill */ }
    const t = setTimeout(() => { try { this.proc.kill("SIGKILL"); } catch { /* gone */ } }, 3000);
    await exited;
    clearTimeout(t);
  }
}

// ------------------------------------------------------------------------------------------------
// sink

let sink;
let sinkBase;
let tokenSeq = 0;

async function startSink() {
  sink = new Child(SINK, [], { label: "sink" });
  const { port } = await sink.waitFor("listening", 10_000);
  sinkBase = `http://127.0.0.1:${port}`;
}

const sinkStats = (token) => sink.call({ cmd: "stats", token }, 120_000);
const sinkCpuUs = async () => (await sink.call({ cmd: "cpu" }, 10_000)).cpuUs;

/** Busy and total CPU time of the whole machine so far (all cores), in µs. */
function machineCpu() {
  let busy = 0;
  let idle = 0;
  for (const c of os.cpus()) {
    busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
    idle += c.times.idle;
  }
  return { busyUs: busy * 1000, totalUs: (busy + idle) * 1000 };
}

/**
 * Waits until the sink holds at least `expected` spans for `token` (or `graceMs` passes). Spans that
 * arrive only after forceFlush resolved are reported as late.
 */
async function sinkSpansAtLeast(token, expected, graceMs = 2000) {
  let s = await sinkStats(token);
  const first = s.spans;
  let waited = 0;
  while (s.spans < expected && waited < graceMs) {
    await new Promise((r) => setTimeout(r, 100));
    waited += 100;
    s = await sinkStats(token);
  }
  return { stats: s, waitedMs: waited, lateSpans: s.spans - first };
}

const COUNT_KEYS = ["spans", "ioChars", "inputSpans", "inputChars", "outputSpans", "outputChars"];

/** What arrived between two cumulative sink snapshots. */
function sinkDelta(after, before) {
  const d = {};
  for (const k of COUNT_KEYS) d[k] = after[k] - (before?.[k] ?? 0);
  d.types = {};
  for (const [t, c] of Object.entries(after.types)) {
    const x = c - (before?.types?.[t] ?? 0);
    if (x) d.types[t] = x;
  }
  return d;
}

function startWorker(variant, op, n, opts) {
  const token = `${variant}-${op}-${++tokenSeq}`;
  const w = new Child(
    WORKER,
    [variant, op, String(n), "--sink", `${sinkBase}/r/${token}`, "--yield-every", String(opts.yieldEvery)],
    { execArgv: ["--expose-gc"], label: `worker ${variant} ${op}` },
  );
  w.token = token;
  w.variant = variant;
  w.ready = w.waitFor("ready", 60_000);
  w.ready.catch(() => {}); // observed by the caller
  return w;
}

// ------------------------------------------------------------------------------------------------
// CPU section

async function cpuSection(opts, rand, warnings) {
  const rounds = [];
  const errors = {};
  for (const op of opts.ops) {
    const spo = SPANS_PER_OP[op];
    const workers = {};
    for (const variant of opts.variants) workers[variant] = startWorker(variant, op, opts.n, opts);
    const alive = {};
    const counted = {}; // sink spans / io chars counted so far per variant
    for (const variant of opts.variants) {
      try {
        await workers[variant].ready;
        alive[variant] = true;
      } catch (err) {
        errors[`${variant}/${op}`] = String(err.message);
        warnings.push(`${variant} ${op}: setup failed: ${firstLine(err.message)}`);
      }
    }
    // warm-up (discarded), sequentially so that warm-ups do not overlap
    for (const variant of shuffle(Object.keys(alive), rand)) {
      const w = workers[variant];
      try {
        for (let i = 0; i < opts.warmup; i++) await w.call({ cmd: "warmup" });
        const expected = opts.warmup * opts.n * (variant === "noop" ? 0 : spo);
        const { stats } = await sinkSpansAtLeast(w.token, expected);
        counted[variant] = stats;
      } catch (err) {
        delete alive[variant];
        errors[`${variant}/${op}`] = String(err.message);
        warnings.push(`${variant} ${op}: warm-up failed: ${firstLine(err.message)}`);
      }
    }
    process.stdout.write(`cpu ${op}: `);
    for (let r = 0; r < opts.rounds; r++) {
      for (const variant of shuffle(Object.keys(alive), rand)) {
        const w = workers[variant];
        try {
          // Measure what other processes take from the machine during the round: machine busy
          // time minus the worker's, the sink's and our own CPU.
          const sc0 = await sinkCpuUs();
          const m0 = machineCpu();
          const o0 = process.cpuUsage();
          const res = await w.call({ cmd: "round" });
          const m1 = machineCpu();
          const o1 = process.cpuUsage(o0);
          const sc1 = await sinkCpuUs();
          const foreignUs = m1.busyUs - m0.busyUs - res.cpuUs - (sc1 - sc0) - (o1.user + o1.system);
          const capacityUs = m1.totalUs - m0.totalUs;
          const expected = opts.n * (variant === "noop" ? 0 : spo);
          const prev = counted[variant];
          const { stats, lateSpans } = await sinkSpansAtLeast(w.token, prev.spans + expected);
          const got = sinkDelta(stats, prev);
          counted[variant] = stats;
          rounds.push({
            op, variant, round: r, n: res.n,
            cpuUsPerOp: res.cpuUs / res.n,
            userUsPerOp: res.userUs / res.n,
            systemUsPerOp: res.systemUs / res.n,
            syncUsPerOp: (res.syncMs * 1000) / res.n,
            wallMs: res.wallMs, flushWallMs: res.flushWallMs,
            opsPerSec: res.n / (res.wallMs / 1000),
            expectedSpans: expected, exportedSpans: got.spans, lateSpans,
            ioCharsPerOp: got.ioChars / res.n,
            sink: got,
            opErrors: res.errors, firstOpError: res.firstError,
            foreignCpuUs: foreignUs, machineCapacityUs: capacityUs,
            diag: res.diag,
            sinkAuthBad: stats.authBad, sinkDecodeErrors: stats.decodeErrors,
          });
          process.stdout.write(".");
        } catch (err) {
          delete alive[variant];
          errors[`${variant}/${op}`] = String(err.message);
          warnings.push(`${variant} ${op}: round ${r} failed: ${firstLine(err.message)}`);
          process.stdout.write("x");
        }
      }
    }
    process.stdout.write("\n");
    await Promise.all(Object.values(workers).map((w) => w.stop()));
  }
  return { rounds, errors };
}

function sumSink(list) {
  const out = { types: {} };
  for (const k of COUNT_KEYS) out[k] = 0;
  for (const d of list) {
    for (const k of COUNT_KEYS) out[k] += d[k];
    for (const [t, c] of Object.entries(d.types)) out.types[t] = (out.types[t] ?? 0) + c;
  }
  return out;
}

function summariseCpu(rounds, opts) {
  const out = {};
  for (const op of opts.ops) {
    out[op] = {};
    const base = new Map(rounds.filter((r) => r.op === op && r.variant === BASELINE).map((r) => [r.round, r]));
    for (const variant of opts.variants) {
      const rs = rounds.filter((r) => r.op === op && r.variant === variant);
      if (rs.length === 0) continue;
      const ratios = rs.filter((r) => base.has(r.round)).map((r) => r.cpuUsPerOp / base.get(r.round).cpuUsPerOp);
      const syncRatios = rs.filter((r) => base.has(r.round)).map((r) => r.syncUsPerOp / base.get(r.round).syncUsPerOp);
      const expected = rs.reduce((a, r) => a + r.expectedSpans, 0);
      const exported = rs.reduce((a, r) => a + r.exportedSpans, 0);
      out[op][variant] = {
        rounds: rs.length,
        cpuUsPerOp: summary(rs.map((r) => r.cpuUsPerOp)),
        syncUsPerOp: summary(rs.map((r) => r.syncUsPerOp)),
        opsPerSec: summary(rs.map((r) => r.opsPerSec)),
        ratioVsRawJson: summary(ratios),
        ratioOfMedians: median(rs.map((r) => r.cpuUsPerOp)) / median([...base.values()].map((r) => r.cpuUsPerOp)),
        syncRatioVsRawJson: summary(syncRatios),
        expectedSpans: expected,
        exportedSpans: exported,
        droppedPerDiag: rs.reduce((a, r) => a + (r.diag?.droppedSpans ?? 0), 0),
        failedPerDiag: rs.reduce((a, r) => a + (r.diag?.failedSpans ?? 0), 0),
        lateRounds: rs.filter((r) => r.lateSpans > 0).length,
        ioCharsPerOp: summary(rs.map((r) => r.ioCharsPerOp)),
        sink: sumSink(rs.map((r) => r.sink)),
        foreignCpuShare: rs.reduce((a, r) => a + r.foreignCpuUs, 0) / Math.max(1, rs.reduce((a, r) => a + r.machineCapacityUs, 0)),
        opErrors: rs.reduce((a, r) => a + r.opErrors, 0),
        diagErrors: rs.reduce((a, r) => a + (r.diag?.error ?? 0), 0),
        authBad: Math.max(0, ...rs.map((r) => r.sinkAuthBad ?? 0)),
        decodeErrors: Math.max(0, ...rs.map((r) => r.sinkDecodeErrors ?? 0)),
      };
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// memory section

async function memSection(opts, rand, warnings) {
  const buffered = [];
  const stream = [];
  const memVariants = opts.variants.filter((v) => v !== "noop");
  // (1) heap retained per buffered span: one process per variant, nothing exported until flush.
  for (const variant of shuffle(memVariants, rand)) {
    process.stdout.write(`mem buffered ${variant} (${opts.memSpans} spans) ... `);
    const w = startWorker(variant, "mem-buffered", opts.memSpans, opts);
    try {
      await w.ready;
      const res = await w.call({ cmd: "mem" }, 600_000);
      const beforeFlush = await sinkStats(w.token);
      await w.call({ cmd: "flush" }, 600_000);
      const expected = res.warmupSpans + res.N;
      const { stats, lateSpans } = await sinkSpansAtLeast(w.token, expected, 5000);
      const got = sinkDelta(stats, beforeFlush);
      const rec = {
        variant, ...res,
        exportedBeforeFlush: beforeFlush.spans - res.warmupSpans,
        expectedSpans: res.N, exportedSpans: stats.spans - res.warmupSpans, lateSpans,
        ioCharsPerSpan: got.ioChars / res.N, sink: got,
      };
      buffered.push(rec);
      if (rec.exportedBeforeFlush !== 0) {
        warnings.push(`mem buffered ${variant}: ${rec.exportedBeforeFlush} spans were exported before the flush: the processor did not hold all spans, heap/span is understated`);
      }
      if (rec.exportedSpans !== rec.expectedSpans) {
        warnings.push(`mem buffered ${variant}: sink got ${rec.exportedSpans} of ${rec.expectedSpans} spans after flush`);
      } else if (Math.abs(rec.ioCharsPerSpan - IO_CHARS_PER_OP) > 1) {
        warnings.push(`mem buffered ${variant}: ${f(rec.ioCharsPerSpan, 0)} chars of IO per span at the sink, expected ${IO_CHARS_PER_OP}`);
      }
      console.log(`${Math.round(rec.retainedPerSpan)} B/span`);
    } catch (err) {
      warnings.push(`mem buffered ${variant}: failed: ${firstLine(err.message)}`);
      console.log("failed");
    } finally {
      await w.stop();
    }
  }
  // (2) peak RSS while streaming with default batching: reps interleaved in shuffled order.
  for (let rep = 0; rep < opts.memReps; rep++) {
    process.stdout.write(`mem stream rep ${rep + 1}/${opts.memReps} (${opts.streamSpans} spans): `);
    for (const variant of shuffle(opts.variants, rand)) {
      const w = startWorker(variant, "mem-stream", opts.streamSpans, opts);
      try {
        await w.ready;
        const res = await w.call({ cmd: "mem" }, 600_000);
        const expected = variant === "noop" ? 0 : res.warmupSpans + res.N;
        const { stats, lateSpans } = await sinkSpansAtLeast(w.token, expected, 3000);
        const exported = variant === "noop" ? 0 : stats.spans - res.warmupSpans;
        stream.push({
          variant, rep, ...res,
          expectedSpans: variant === "noop" ? 0 : res.N, exportedSpans: exported, lateSpans,
          droppedSpans: (variant === "noop" ? 0 : res.N) - exported,
        });
        process.stdout.write(`${variant} ${(res.peakRss / 2 ** 20).toFixed(0)}MiB  `);
      } catch (err) {
        warnings.push(`mem stream ${variant}: failed: ${firstLine(err.message)}`);
        process.stdout.write(`${variant} failed  `);
      } finally {
        await w.stop();
      }
    }
    process.stdout.write("\n");
  }
  return { buffered, stream };
}

function summariseMem(mem, opts) {
  const out = { buffered: {}, stream: {} };
  const baseBuf = mem.buffered.find((r) => r.variant === BASELINE);
  for (const r of mem.buffered) {
    out.buffered[r.variant] = {
      N: r.N,
      retainedBytesPerSpan: r.retainedPerSpan,
      heapBytesPerSpan: r.heapPerSpan,
      externalBytesPerSpan: r.externalPerSpan,
      ratioVsRawJson: baseBuf ? r.retainedPerSpan / baseBuf.retainedPerSpan : NaN,
      peakRss: r.peakRss,
      exportedBeforeFlush: r.exportedBeforeFlush,
      exportedSpans: r.exportedSpans,
      expectedSpans: r.expectedSpans,
    };
  }
  for (const variant of opts.variants) {
    const rs = mem.stream.filter((r) => r.variant === variant);
    if (rs.length === 0) continue;
    const ratios = rs
      .map((r) => {
        const b = mem.stream.find((x) => x.variant === BASELINE && x.rep === r.rep);
        return b ? r.peakRss / b.peakRss : NaN;
      })
      .filter(Number.isFinite);
    out.stream[variant] = {
      N: rs[0].N,
      peakRssMiB: summary(rs.map((r) => r.peakRss / 2 ** 20)),
      baseRssMiB: summary(rs.map((r) => r.base.rss / 2 ** 20)),
      ratioVsRawJson: summary(ratios),
      cpuUsPerSpan: summary(rs.map((r) => r.cpuUs / r.N)),
      droppedSpans: rs.reduce((a, r) => a + r.droppedSpans, 0),
      droppedPerDiag: rs.reduce((a, r) => a + (r.diag?.droppedSpans ?? 0), 0),
      expectedSpans: rs.reduce((a, r) => a + r.expectedSpans, 0),
    };
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// report

const firstLine = (s) => String(s).split("\n").find((l) => l.trim()) ?? String(s);
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const fr = (s, d = 2) => (s && Number.isFinite(s.median) ? `${f(s.median, d)} [${f(s.min, d)}–${f(s.max, d)}]` : "–");
const fint = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => "| " + cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ") + " |";
  return [line(header), "| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |", ...rows.map(line)].join("\n");
}

function report(opts, cpu, mem, warnings, goals, meta) {
  const lines = [];
  lines.push(
    `\nMachine: load average ${meta.loadavgStart.map((x) => x.toFixed(2)).join("/")} at start on ${meta.cpus} CPUs` +
      (cpu ? `; other processes used ${f(Math.max(0, 100 * cpu.foreignCpuShare), 1)}% of all CPU time during the CPU rounds` : ""),
  );
  if (cpu) {
    lines.push("");
    lines.push(
      `CPU per op (process user+system: caller + async processing + OTLP encoding + HTTP export), ` +
        `median [min–max] over ${opts.rounds} rounds x ${opts.n} ops, ratio = median of per-round ratios vs ${BASELINE}`,
    );
    const rows = [];
    for (const op of opts.ops) {
      for (const variant of VARIANTS.filter((v) => opts.variants.includes(v))) {
        const s = cpu.summary[op]?.[variant];
        if (!s) {
          rows.push([op, variant, "error", "", "", "", "", variant === "sightline" ? `≤ ${GOALS.cpuRatio.toFixed(2)}x: n/a` : ""]);
          continue;
        }
        const ok = s.exportedSpans === s.expectedSpans;
        const exported = `${s.exportedSpans}/${s.expectedSpans}${ok ? "" : " !"}`;
        const goal = goals.find((g) => g.metric === "cpu" && g.op === op && g.variant === variant);
        rows.push([
          op, variant, fr(s.cpuUsPerOp), variant === BASELINE ? "1" : fr(s.ratioVsRawJson), f(s.syncUsPerOp.median),
          fint(s.opsPerSec.median), exported,
          goal ? `≤ ${GOALS.cpuRatio.toFixed(2)}x: ${goal.pass ? "PASS" : "FAIL"}` : "",
        ]);
      }
    }
    lines.push(table(["op", "variant", "CPU µs/op", `vs ${BASELINE}`, "sync µs/op", "ops/s", "spans at sink", "goal"], rows));
  }
  if (mem) {
    lines.push("");
    const rows = [];
    const b = mem.summary.buffered;
    const s = mem.summary.stream;
    const order = VARIANTS.filter((v) => opts.variants.includes(v));
    const bufN = Object.values(b)[0]?.N ?? opts.memSpans;
    rows.push([
      `heap+external bytes per buffered span (N=${bufN})`,
      ...order.map((v) => (b[v] ? `${fint(b[v].retainedBytesPerSpan)}${v === BASELINE ? "" : ` (${f(b[v].ratioVsRawJson)}x)`}` : "–")),
      `(anchor ≤ ${GOALS.heapRatioAnchor}x)${b.sightline ? (b.sightline.ratioVsRawJson <= GOALS.heapRatioAnchor ? " ok" : " over") : ""}`,
    ]);
    rows.push([
      `peak RSS MiB, streaming ${fint(Object.values(s)[0]?.N ?? opts.streamSpans)} spans`,
      ...order.map((v) => (s[v] ? fr(s[v].peakRssMiB, 0) : "–")),
      "",
    ]);
    const g = goals.find((x) => x.metric === "streamRss");
    rows.push([
      `  ratio vs ${BASELINE} (median of ${opts.memReps} reps)`,
      ...order.map((v) => (s[v] ? (v === BASELINE ? "1" : fr(s[v].ratioVsRawJson)) : "–")),
      g ? `≤ ${GOALS.streamRssRatio}x: ${g.pass ? "PASS" : "FAIL"}` : "",
    ]);
    rows.push([`  base RSS MiB (after setup)`, ...order.map((v) => (s[v] ? f(s[v].baseRssMiB.median, 0) : "–")), ""]);
    rows.push([
      `  spans lost while streaming`,
      ...order.map((v) => (s[v] ? `${s[v].droppedSpans}/${s[v].expectedSpans}` : "–")),
      "",
    ]);
    lines.push(table(["memory", ...order, "goal"], rows));
  }
  lines.push("");
  if (goals.length) {
    const failed = goals.filter((x) => !x.pass);
    lines.push(`Goals (sightline): ${goals.length - failed.length}/${goals.length} pass${failed.length ? " — failing: " + failed.map((x) => x.label).join(", ") : ""}`);
  }
  if (warnings.length) {
    lines.push(`Warnings (${warnings.length}):`);
    for (const w of warnings) lines.push(`  - ${w}`);
  } else lines.push("Warnings: none (every variant's spans arrived at the sink, with their input/output).");
  return lines.join("\n");
}

function checkData(cpuSummary, warnings) {
  for (const [op, byVariant] of Object.entries(cpuSummary ?? {})) {
    for (const [variant, s] of Object.entries(byVariant)) {
      if (s.exportedSpans !== s.expectedSpans) {
        const diff = s.expectedSpans - s.exportedSpans;
        warnings.push(
          `${variant} ${op}: sink got ${s.exportedSpans} of ${s.expectedSpans} spans (${diff > 0 ? `${diff} missing` : `${-diff} extra`}` +
            `${s.droppedPerDiag ? `; the SDK reported ${s.droppedPerDiag} dropped at the queue limit` : ""}` +
            `${s.failedPerDiag ? `; ${s.failedPerDiag} in failed exports` : ""}); its CPU/op covers less export work`,
        );
      }
      if (s.lateRounds) warnings.push(`${variant} ${op}: spans reached the sink only after forceFlush() resolved in ${s.lateRounds} round(s)`);
      if (variant !== "noop" && s.expectedSpans > 0) {
        const k = s.sink;
        const inAvg = k.inputChars / Math.max(1, k.inputSpans);
        const outAvg = k.outputChars / Math.max(1, k.outputSpans);
        if (Math.abs(inAvg - INPUT_CHARS) > 1 || Math.abs(outAvg - OUTPUT_CHARS) > 1) {
          warnings.push(`${variant} ${op}: input/output at the sink average ${f(inAvg, 0)}/${f(outAvg, 0)} chars, expected ${INPUT_CHARS}/${OUTPUT_CHARS} (truncated or altered IO)`);
        }
        if (s.exportedSpans === s.expectedSpans) {
          const ops = s.expectedSpans / SPANS_PER_OP[op];
          const want = Object.fromEntries(Object.entries(TYPES_PER_OP[op]).map(([t, c]) => [t, c * ops]));
          const same = JSON.stringify(Object.entries(k.types).sort()) === JSON.stringify(Object.entries(want).sort());
          if (!same) warnings.push(`${variant} ${op}: observation types at the sink ${JSON.stringify(k.types)}, expected ${JSON.stringify(want)}`);
          if (k.inputSpans !== ops || k.outputSpans !== ops) {
            warnings.push(`${variant} ${op}: ${k.inputSpans} spans with input and ${k.outputSpans} with output at the sink, expected ${ops} each`);
          }
        }
      }
      if (s.opErrors) warnings.push(`${variant} ${op}: ${s.opErrors} ops threw`);
      if (s.diagErrors) warnings.push(`${variant} ${op}: ${s.diagErrors} OpenTelemetry diag errors (export failures?)`);
      if (s.authBad) warnings.push(`${variant} ${op}: ${s.authBad} requests without Basic pk:sk auth`);
      if (s.decodeErrors) warnings.push(`${variant} ${op}: the sink could not decode ${s.decodeErrors} requests`);
    }
  }
}

function evaluateGoals(cpuSummary, memSummary) {
  const goals = [];
  for (const [op, byVariant] of Object.entries(cpuSummary ?? {})) {
    const s = byVariant.sightline;
    if (!s) continue;
    goals.push({
      metric: "cpu", op, variant: "sightline", label: `cpu ${op}`,
      value: s.ratioVsRawJson.median, limit: GOALS.cpuRatio, pass: s.ratioVsRawJson.median <= GOALS.cpuRatio,
    });
  }
  const st = memSummary?.stream?.sightline;
  if (st) {
    goals.push({
      metric: "streamRss", variant: "sightline", label: "peak RSS streaming",
      value: st.ratioVsRawJson.median, limit: GOALS.streamRssRatio, pass: st.ratioVsRawJson.median <= GOALS.streamRssRatio,
    });
  }
  return goals;
}

function versions() {
  const require = createRequire(join(HERE, "..", "package.json"));
  const out = {};
  for (const p of [
    "@opentelemetry/api", "@opentelemetry/sdk-trace-base", "@opentelemetry/context-async-hooks",
    "@opentelemetry/exporter-trace-otlp-http", "@opentelemetry/otlp-transformer", "@langfuse/tracing",
    "@langfuse/otel", "@langfuse/core", "@sightline/tracing", "@sightline/otel",
  ]) {
    try {
      const dir = dirname(require.resolve(`${p}/package.json`));
      out[p] = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
    } catch {
      try {
        // packages whose "exports" hide package.json
        const main = require.resolve(p);
        let dir = dirname(main);
        for (let i = 0; i < 5; i++, dir = dirname(dir)) {
          try { out[p] = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version; break; } catch { /* up */ }
        }
      } catch { out[p] = null; }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.sdk) await sdkBench(opts);
  // The server benchmark (ingestion through the real server, raw insert limit, queries at 1M spans).
  if (opts.server) await runServerBench(parseServerBenchArgs(opts.quick ? ["--quick"] : []));
  killAll();
  const fail = opts.strict && sdkFailed;
  process.exitCode = fail ? 1 : 0;
}

let sdkFailed = false;

/** The SDK overhead benchmark: CPU per op and memory, against raw OpenTelemetry. */
async function sdkBench(opts) {
  const rand = mulberry32(opts.seed);
  const t0 = Date.now();
  const meta = {
    date: new Date().toISOString(), node: process.version, platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    versions: versions(),
    sightlineSetup: process.env.SIGHTLINE_BENCH_SETUP === "register" ? "registerSightline()" : "SightlineSpanProcessor on BasicTracerProvider",
  };
  console.log(
    `Sightline SDK bench${opts.quick ? " (quick)" : ""}: node ${meta.node}, ${meta.cpus} CPUs (${meta.cpuModel}), seed ${opts.seed}\n` +
      `variants ${opts.variants.join(", ")}; ops ${opts.ops.join(", ")}; ${opts.rounds} rounds x ${opts.n} ops ` +
      `(+${opts.warmup} warm-up), yield every ${opts.yieldEvery}; ≈${IO_CHARS_PER_OP} chars of IO per op`,
  );
  const warnings = [];
  meta.loadavgStart = os.loadavg();
  await startSink();
  let cpu;
  let mem;
  if (opts.cpu) {
    const res = await cpuSection(opts, rand, warnings);
    cpu = { rounds: res.rounds, errors: res.errors, summary: summariseCpu(res.rounds, opts) };
    checkData(cpu.summary, warnings);
    const foreign = res.rounds.reduce((a, r) => a + r.foreignCpuUs, 0);
    const capacity = res.rounds.reduce((a, r) => a + r.machineCapacityUs, 0);
    const shares = res.rounds.map((r) => r.foreignCpuUs / r.machineCapacityUs);
    cpu.foreignCpuShare = foreign / Math.max(1, capacity);
    cpu.foreignCpuShareMaxRound = shares.length ? Math.max(...shares) : 0;
    if (cpu.foreignCpuShare > 0.1) {
      warnings.push(
        `other processes used ${f(100 * cpu.foreignCpuShare, 0)}% of the machine's CPU during the CPU rounds ` +
          `(worst round ${f(100 * cpu.foreignCpuShareMaxRound, 0)}%): absolute numbers are inflated and queue drops more likely; ` +
          `ratios hold better, but rerun on a quiet machine`,
      );
    }
  }
  if (opts.mem) {
    const res = await memSection(opts, rand, warnings);
    mem = { ...res, summary: summariseMem(res, opts) };
    for (const [v, s] of Object.entries(mem.summary.stream)) {
      if (s.droppedSpans) warnings.push(`mem stream ${v}: ${s.droppedSpans} of ${s.expectedSpans} spans never reached the sink${s.droppedPerDiag ? ` (the SDK reported ${s.droppedPerDiag} dropped at the queue limit)` : ""}`);
    }
  }
  meta.loadavgEnd = os.loadavg();
  const goals = evaluateGoals(cpu?.summary, mem?.summary);
  const text = report(opts, cpu, mem, warnings, goals, meta);
  console.log(text);
  const elapsedS = (Date.now() - t0) / 1000;
  console.log(`\nTotal ${elapsedS.toFixed(0)} s.`);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(
    opts.out,
    JSON.stringify(
      { meta: { ...meta, elapsedS }, config: { ...opts, baseline: BASELINE, goals: GOALS, spansPerOp: SPANS_PER_OP, ioCharsPerOp: IO_CHARS_PER_OP },
        goals, warnings, cpu, memory: mem, table: text },
      null,
      2,
    ),
  );
  console.log(`Results: ${opts.out}`);
  await sink.stop();
  killAll();
  sdkFailed = goals.some((g) => !g.pass) || warnings.length > 0;
}

main().catch((err) => {
  console.error(err);
  killAll();
  process.exit(1);
});
