#!/usr/bin/env node
// UI benchmark: time from navigation to an interactive trace page in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) for traces of 1,000, 10,000 and 100,000
// observations, and the traces page with 100,000 traces stored. Data is inserted directly through
// the store API of a real server (startServer) that serves the built UI.
//
//   npm run build && node packages/web/bench/ui-bench.mjs
//
// "Interactive" = the tree and timeline rows are drawn AND a click on an observation shows its
// details panel (the observation's IO fetched on demand). Also measured: jumping to the last row
// of the tree (End key) to show that scrolling a 100k trace does not freeze the page.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { resolveServerConfig, silentServerLogger, startServer } from "@sightline/server";

const CHROMIUM = "/usr/bin/chromium";
const WEB_DIST = fileURLToPath(new URL("../dist", import.meta.url));
const SIZES = (process.env.UI_BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const TRACE_LIST_COUNT = Number(process.env.UI_BENCH_TRACES ?? 100_000);
const RUNS = Number(process.env.UI_BENCH_RUNS ?? 3);

if (!existsSync(CHROMIUM) || !existsSync(join(WEB_DIST, "index.html"))) {
  console.log(`ui-bench: skipped (${!existsSync(CHROMIUM) ? `${CHROMIUM} missing` : "web UI not built: npm run build"})`);
  process.exit(0);
}

const BASE_NS = 1_767_225_600_000_000_000n;
const hex = (n, width) => n.toString(16).padStart(width, "0");

function record(traceId, id, parentId, i, type, extra = {}) {
  const start = BASE_NS + BigInt(i) * 1_000_000n;
  return {
    id,
    traceId,
    parentObservationId: parentId,
    name: type === "GENERATION" ? "llm-call" : type === "TOOL" ? "search-tool" : `step-${i}`,
    type,
    startTimeNs: start,
    endTimeNs: start + 5_000_000n + BigInt(i % 7) * 1_000_000n,
    completionStartTimeNs: null,
    level: i % 997 === 0 ? "ERROR" : "DEFAULT",
    statusMessage: i % 997 === 0 ? "upstream timeout" : null,
    version: null,
    environment: "default",
    input: type === "GENERATION" ? [{ role: "user", content: `Question number ${i}: what is the status of order ${i}?` }] : { step: i },
    output: type === "GENERATION" ? { role: "assistant", content: `Order ${i} shipped yesterday and arrives tomorrow.` } : { ok: true },
    metadata: { i },
    model: type === "GENERATION" ? "gpt-4o-mini" : null,
    modelParameters: type === "GENERATION" ? { temperature: 0.2 } : null,
    usageDetails: type === "GENERATION" ? { input: 40, output: 20, total: 60 } : {},
    costDetails: type === "GENERATION" ? { input: 0.000006, output: 0.000012, total: 0.000018 } : {},
    promptName: null,
    promptVersion: null,
    isAppRoot: parentId === null,
    trace: parentId === null ? { name: `bench-${traceId.slice(0, 6)}`, userId: `user-${i % 50}` } : {},
    resourceAttributes: { "service.name": "bench" },
    scope: { name: "bench" },
    ...extra,
  };
}

/** A trace of `n` observations: an agent root, fan-out of 10 per level (depth ~log10 n), mixed types. */
function bigTrace(traceId, n) {
  const records = [];
  for (let i = 0; i < n; i++) {
    // Ids unique across traces, as the SDK's random span ids are.
    const id = (k) => `${hex(n, 6)}${hex(k, 10)}`;
    const parent = i === 0 ? null : id(Math.floor((i - 1) / 10) + 1);
    const type = i === 0 ? "AGENT" : i % 3 === 0 ? "GENERATION" : i % 3 === 1 ? "SPAN" : "TOOL";
    records.push(record(traceId, id(i + 1), parent, i, type));
  }
  return records;
}

async function insertAll(store, records) {
  for (let k = 0; k < records.length; k += 5000) await store.insertObservations("default", records.slice(k, k + 5000));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "sightline-ui-bench-"));
  const server = await startServer(resolveServerConfig({ port: 0, host: "127.0.0.1", dataDir, initPublicKey: "pk-sl-bench", initSecretKey: "sk-sl-bench" }, {}), {
    logger: silentServerLogger,
    webDir: WEB_DIST,
  });
  const profile = mkdtempSync(join(tmpdir(), "sightline-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1440, height: 900 },
  });
  const results = [];
  try {
    const page = await context.newPage();
    for (const n of SIZES) {
      const traceId = hex(n, 32);
      const t0 = performance.now();
      await insertAll(server.store, bigTrace(traceId, n));
      const insertMs = performance.now() - t0;
      const drawn = [];
      const interactive = [];
      const jumpEnd = [];
      for (let run = 0; run < RUNS; run++) {
        await page.goto("about:blank");
        const start = performance.now();
        await page.goto(`${server.url}/traces/${traceId}`, { waitUntil: "commit" });
        await page.locator("[role=treeitem]").nth(5).waitFor({ timeout: 60_000 });
        await page.locator(".timeline-cell .bar").first().waitFor();
        drawn.push(performance.now() - start);
        await page.locator("[role=treeitem]").nth(3).click();
        await page.locator("[data-testid=observation-panel]").waitFor({ timeout: 60_000 });
        interactive.push(performance.now() - start);
        // Scroll: jump to the last visible row with the keyboard and wait until it is drawn.
        const s = performance.now();
        await page.locator("[role=tree]").press("End");
        await page.waitForFunction(() => {
          const el = globalThis.document.querySelector("[role=tree]");
          return el !== null && el.scrollTop > 0 && el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
        }, undefined, { timeout: 60_000 });
        jumpEnd.push(performance.now() - s);
      }
      const rows = await page.locator("[role=treeitem]").count();
      results.push({ what: `trace page, ${n.toLocaleString("en-US")} observations`, drawnMs: median(drawn), interactiveMs: median(interactive), endKeyMs: median(jumpEnd), domRows: rows, insertMs });
    }

    // The traces page with TRACE_LIST_COUNT traces of one observation each.
    const t0 = performance.now();
    const batch = [];
    for (let i = 0; i < TRACE_LIST_COUNT; i++) {
      batch.push(record(hex(10_000_000 + i, 32), `ff${hex(i + 1, 14)}`, null, i, i % 2 === 0 ? "GENERATION" : "SPAN"));
      if (batch.length === 5000) await server.store.insertObservations("default", batch.splice(0));
    }
    if (batch.length > 0) await server.store.insertObservations("default", batch.splice(0));
    const insertMs = performance.now() - t0;
    const listMs = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto("about:blank");
      const start = performance.now();
      await page.goto(`${server.url}/traces?live=off`, { waitUntil: "commit" });
      await page.locator("[role=row][data-row-key]").nth(20).waitFor({ timeout: 60_000 });
      listMs.push(performance.now() - start);
    }
    const filterMs = [];
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      await page.goto(`${server.url}/traces?live=off&userId=user-${run + 7}`, { waitUntil: "commit" });
      await page.locator("[role=row][data-row-key]").first().waitFor({ timeout: 60_000 });
      filterMs.push(performance.now() - start);
    }
    results.push({ what: `traces page, ${TRACE_LIST_COUNT.toLocaleString("en-US")} traces stored`, drawnMs: median(listMs), interactiveMs: median(listMs), endKeyMs: null, domRows: await page.locator("[role=row][data-row-key]").count(), insertMs });
    results.push({ what: `traces page filtered by user, ${TRACE_LIST_COUNT.toLocaleString("en-US")} traces`, drawnMs: median(filterMs), interactiveMs: median(filterMs), endKeyMs: null, domRows: null, insertMs: 0 });
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }

  console.log(`\nSightline UI benchmark (headless Chromium, median of ${RUNS} navigations)`);
  console.log("what".padEnd(52), "drawn ms".padStart(9), "interactive ms".padStart(15), "End-key ms".padStart(11), "DOM rows".padStart(9));
  for (const r of results) {
    console.log(
      r.what.padEnd(52),
      r.drawnMs.toFixed(0).padStart(9),
      r.interactiveMs.toFixed(0).padStart(15),
      (r.endKeyMs === null ? "–" : r.endKeyMs.toFixed(0)).padStart(11),
      (r.domRows === null ? "–" : String(r.domRows)).padStart(9),
    );
  }
}

await main();
