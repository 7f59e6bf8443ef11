// The dashboard and the retention setting in real Chromium against a real server (SQLite): the
// rendered totals match both the metrics API and the numbers computed here from the rows written;
// charts and breakdowns render in both themes; retention is set and reset from the settings page.
// Screenshots go to packages/web/test-artifacts/.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ObservationRecord, RunningServer } from "@sightline/server";
import type { BrowserContext, Page } from "playwright-core";
import { artifact, browserSkipReason, launchBrowser } from "./support/browser.js";
import { eventually, startUiServer } from "./support/ui-server.js";
import type { UiServer } from "./support/ui-server.js";

const skip = browserSkipReason();
const PUBLIC_KEY = "pk-sl-e2e-dash";
const SECRET_KEY = "sk-sl-e2e-dash";
const MS = 1_000_000n;
const START_MS = Date.UTC(2026, 0, 10, 9, 0);
const FROM = new Date(START_MS - 3_600_000).toISOString();
const TO = new Date(START_MS + 5 * 3_600_000).toISOString();

/** Six traces over four hours: a root and a generation each; the generation of trace 4 fails. */
function records(): ObservationRecord[] {
  const out: ObservationRecord[] = [];
  for (let t = 0; t < 6; t++) {
    const traceId = (t + 1).toString(16).padStart(32, "a");
    const rootId = (t + 1).toString(16).padStart(16, "b");
    const start = BigInt(START_MS + t * 40 * 60_000) * MS;
    const base = {
      statusMessage: null,
      version: null,
      environment: t % 2 === 0 ? "production" : "staging",
      input: null,
      output: null,
      metadata: {},
      modelParameters: null,
      promptName: null,
      promptVersion: null,
      resourceAttributes: { "service.name": "e2e" },
      scope: { name: "e2e", version: "1" },
    };
    out.push({
      ...base,
      id: rootId,
      traceId,
      parentObservationId: null,
      name: t % 3 === 0 ? "chat" : "search",
      type: "AGENT",
      startTimeNs: start,
      endTimeNs: start + BigInt(500 + 100 * t) * MS,
      completionStartTimeNs: null,
      level: "DEFAULT",
      model: null,
      usageDetails: {},
      costDetails: {},
      isAppRoot: true,
      trace: { name: t % 3 === 0 ? "chat" : "search", userId: `user-${t % 2}` },
    });
    out.push({
      ...base,
      id: (t + 1).toString(16).padStart(16, "c"),
      traceId,
      parentObservationId: rootId,
      name: "llm",
      type: "GENERATION",
      startTimeNs: start + 10n * MS,
      endTimeNs: start + BigInt(400 + 100 * t) * MS,
      completionStartTimeNs: start + BigInt(60 + 20 * t) * MS,
      level: t === 4 ? "ERROR" : "DEFAULT",
      model: t % 2 === 0 ? "gpt-4o" : "gpt-4o-mini",
      usageDetails: { input: 100 + t, output: 20 },
      costDetails: { total: 0.001 * (t + 1) },
      isAppRoot: false,
      trace: {},
    });
  }
  return out;
}

async function totals(page: Page): Promise<Record<string, number | null>> {
  const cards = await page.locator("[data-testid^=total-]").evaluateAll((nodes) =>
    nodes.map((n) => [(n as HTMLElement).dataset.testid ?? "", (n as HTMLElement).dataset.value ?? ""] as const),
  );
  return Object.fromEntries(cards.map(([id, v]) => [id.replace("total-", ""), v === "" ? null : Number(v)]));
}

describe("dashboard and retention settings in the browser", { skip }, () => {
  let ui: UiServer;
  let server: RunningServer;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];
  const auth = `Basic ${Buffer.from(`${PUBLIC_KEY}:${SECRET_KEY}`).toString("base64")}`;
  const api = async (path: string, init: RequestInit = {}) => (await fetch(`${server.url}${path}`, { ...init, headers: { authorization: auth, ...init.headers } })).json() as Promise<Record<string, unknown>>;

  before(async () => {
    ui = await startUiServer({ publicKey: PUBLIC_KEY, secretKey: SECRET_KEY });
    server = ui.server;
    await server.store.insertObservations("default", records());
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await ui?.close();
  });

  it("shows totals equal to the metrics API and to the sums of the rows written", async () => {
    await page.goto(`${server.url}/dashboard?range=custom&from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`);
    await eventually(async () => assert.equal(typeof (await totals(page))["traces"], "number"));
    const shown = await totals(page);

    const query = (view: string, metrics: Array<[string, string]>) =>
      `/api/public/metrics?query=${encodeURIComponent(JSON.stringify({ view, metrics: metrics.map(([measure, aggregation]) => ({ measure, aggregation })), fromTimestamp: FROM, toTimestamp: TO }))}`;
    const traceRow = ((await api(query("traces", [["count", "count"], ["totalCost", "sum"], ["totalTokens", "sum"], ["errors", "avg"], ["latency", "p95"]])))["data"] as Array<Record<string, number>>)[0]!;
    const obsRow = ((await api(query("observations", [["count", "count"], ["errors", "avg"], ["timeToFirstToken", "p50"]])))["data"] as Array<Record<string, number>>)[0]!;
    assert.equal(shown["traces"], traceRow["count_count"]);
    assert.equal(shown["cost"], traceRow["sum_totalCost"]);
    assert.equal(shown["tokens"], traceRow["sum_totalTokens"]);
    assert.equal(shown["trace-error-rate"], traceRow["avg_errors"]);
    assert.equal(shown["latency-p95"], traceRow["p95_latency"]);
    assert.equal(shown["observations"], obsRow["count_count"]);
    assert.equal(shown["ttft-p50"], obsRow["p50_timeToFirstToken"]);

    // Independently, from the rows written: 6 traces, 12 observations, 0.021 USD, 6 * 120 + 15 tokens,
    // one failing trace; TTFTs 50, 70, ..., 150 ms (nearest-rank p50 = 3rd = 90); latencies 500..1000 ms (p95 = 6th).
    assert.equal(shown["traces"], 6);
    assert.equal(shown["observations"], 12);
    assert.ok(Math.abs((shown["cost"] ?? 0) - 0.021) < 1e-12);
    assert.equal(shown["tokens"], 735);
    assert.ok(Math.abs((shown["trace-error-rate"] ?? 0) - 1 / 6) < 1e-12);
    assert.equal(shown["ttft-p50"], 90);
    assert.equal(shown["latency-p95"], 1000);
    assert.match(await page.locator("[data-testid=total-cost]").innerText(), /\$0\.021/);
  });

  it("draws the charts and the breakdowns, in light and dark", async () => {
    await eventually(async () => assert.equal(await page.locator(".chart canvas").count(), 6));
    const model = page.locator("section[aria-label='By model']");
    await eventually(async () => assert.match(await model.innerText(), /gpt-4o-mini[\s\S]*gpt-4o/));
    const rows = await model.locator("tbody tr").allInnerTexts();
    assert.match(rows[0] ?? "", /^gpt-4o-mini\s+3\s+369\s+\$0\.012/, "ordered by cost: gpt-4o-mini has traces 1, 3, 5");
    assert.match(rows[1] ?? "", /^gpt-4o\s+3\s+366\s+\$0\.009/);
    assert.match(await page.locator("section[aria-label='By environment']").innerText(), /staging[\s\S]*production/);
    await page.screenshot({ path: artifact("dashboard-light.png"), fullPage: true });
    await page.locator("button[aria-label='Toggle theme']").click();
    await eventually(async () => assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark"));
    await eventually(async () => assert.equal(await page.locator(".chart canvas").count(), 6));
    await page.screenshot({ path: artifact("dashboard-dark.png"), fullPage: true });
    await page.locator("button[aria-label='Toggle theme']").click();
  });

  it("switches to a preset range, keeping it in the URL", async () => {
    await page.selectOption("select[name=range]", "7d");
    await page.waitForURL(/range=7d/);
    await eventually(async () => assert.equal((await totals(page))["traces"], 0), 8000);
    assert.equal(new URL(page.url()).searchParams.get("from"), null);
  });

  it("sets the project's retention from the settings page and returns it to the server default", async () => {
    await page.goto(`${server.url}/settings`);
    const card = page.locator("section[aria-label='Data retention']");
    await eventually(async () => assert.match(await card.innerText(), /follows the server default: kept forever/));
    await card.locator("input[name=retentionDays]").fill("14");
    await card.locator("button[type=submit]").click();
    await eventually(async () => assert.match(await card.locator("[data-testid=retention-current]").innerText(), /keeps traces for 14 days/));
    assert.equal((await api("/api/ui/projects/default/retention"))["retentionDays"], 14);
    await page.screenshot({ path: artifact("settings-retention.png"), fullPage: true });
    await card.locator("button", { hasText: "Use server default" }).click();
    await eventually(async () => assert.match(await card.innerText(), /follows the server default/));
    assert.equal((await api("/api/ui/projects/default/retention"))["retentionDays"], null);
    assert.deepEqual(pageErrors, []);
  });
});
