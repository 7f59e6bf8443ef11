// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per package,
// and inclusive time of the functions in our packages.
//
//   node --expose-gc --cpu-prof --cpu-prof-dir=bench/results/prof \
//        bench/sdk-worker.mjs sightline generation 8000 --rounds 10
//   node bench/profile-summary.mjs bench/results/prof/<file>.cpuprofile [--top 30] [--filter packages/]
//
// Only the main thread is sampled: GC helper threads and the (concurrent) compiler do not appear,
// "(garbage collector)" is the main thread's share of GC.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
const top = Number(args[args.indexOf("--top") + 1]) || 30;
const filterIdx = args.indexOf("--filter");
const filter = filterIdx >= 0 ? args[filterIdx + 1] : undefined;
if (!file) {
  console.error("usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N] [--filter substring]");
  process.exit(1);
}
const prof = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// sample counts -> time per node (µs)
const selfUs = new Map();
const { samples, timeDeltas } = prof;
for (let i = 0; i < samples.length; i++) {
  const dt = timeDeltas[i + 1] ?? timeDeltas[i] ?? 0;
  selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function where(cf) {
  const url = cf.url || "";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (url.includes("/packages/")) return "packages/" + url.split("/packages/")[1].split("/")[0];
  if (m) return m[1];
  if (url.startsWith("node:")) return "node:internal";
  if (url.includes("/bench/")) return "bench";
  return url ? url.split("/").slice(-1)[0] : "(vm)";
}
const label = (cf) => `${cf.functionName || "(anonymous)"} ${cf.url ? cf.url.replace(/^.*\/(packages|node_modules)\//, "$1/") + ":" + (cf.lineNumber + 1) : ""}`;

const byFn = new Map();
const byPkg = new Map();
const incl = new Map(); // inclusive time per function label (counted once per sample stack)
for (const [id, us] of selfUs) {
  const cf = nodes.get(id).callFrame;
  const l = label(cf);
  byFn.set(l, (byFn.get(l) ?? 0) + us);
  const p = where(cf);
  byPkg.set(p, (byPkg.get(p) ?? 0) + us);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const lc = label(nodes.get(cur).callFrame);
    if (seen.has(lc)) continue;
    seen.add(lc);
    incl.set(lc, (incl.get(lc) ?? 0) + us);
  }
}
const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5) + "%";
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled on the main thread`);
console.log("\nself time by package:");
for (const [p, us] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(us)}  ${p}`);
console.log(`\nself time by function (top ${top}):`);
for (const [l, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${l}`);
console.log(`\ninclusive time${filter ? ` (functions matching "${filter}")` : ""} (top ${top}):`);
for (const [l, us] of [...incl]
  .filter(([l]) => (filter ? l.includes(filter) : true))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) console.log(`  ${pct(us)}  ${l}`);
