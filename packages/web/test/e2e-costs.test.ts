// Costs in real Chromium against a real server (SQLite): a generation sent over OTLP without a cost
// is priced from the catalogue and its panel explains why; a custom price added on the settings
// page and a recompute change that cost, and the panel then names the custom price.
// Screenshots go to packages/web/test-artifacts/.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SightlineAttributes as A } from "@sightline/core";
import type { RunningServer } from "@sightline/server";
import type { BrowserContext, Page } from "playwright-core";
import { artifact, browserSkipReason, launchBrowser } from "./support/browser.js";
import { startUiServer } from "./support/ui-server.js";
import type { UiServer } from "./support/ui-server.js";

const skip = browserSkipReason();
const PUBLIC_KEY = "pk-sl-e2e-costs";
const SECRET_KEY = "sk-sl-e2e-costs";
const TRACE_ID = "c0570000000000000000000000000001";
const ROOT_ID = "c057000000000001";
const GENERATION_ID = "c057000000000002";

/** An OTLP/JSON request: an agent root and a gpt-4o generation with usage and no cost. */
function otlpBody(): string {
  const startNs = BigInt(Date.UTC(2026, 0, 20, 10, 0)) * 1_000_000n;
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const span = (spanId: string, parentSpanId: string | undefined, name: string, attributes: unknown[]) => ({
    traceId: TRACE_ID,
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name,
    kind: 1,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(startNs + 900_000_000n),
    attributes,
  });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [attr("service.name", "e2e-costs")] },
        scopeSpans: [
          {
            scope: { name: "e2e-costs" },
            spans: [
              span(ROOT_ID, undefined, "ask", [attr(A.OBSERVATION_TYPE, "agent")]),
              span(GENERATION_ID, ROOT_ID, "llm", [
                attr(A.OBSERVATION_TYPE, "generation"),
                attr(A.OBSERVATION_MODEL, "gpt-4o-2024-08-06"),
                attr(A.OBSERVATION_USAGE_DETAILS, JSON.stringify({ prompt_tokens: 1000, completion_tokens: 100, prompt_tokens_details: { cached_tokens: 400 } })),
              ]),
            ],
          },
        ],
      },
    ],
  });
}

describe("cost explanation and custom prices in the browser", { skip }, () => {
  let ui: UiServer;
  let server: RunningServer;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    ui = await startUiServer({ publicKey: PUBLIC_KEY, secretKey: SECRET_KEY });
    server = ui.server;
    const res = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from(`${PUBLIC_KEY}:${SECRET_KEY}`).toString("base64")}` },
      body: otlpBody(),
    });
    assert.equal(res.status, 200);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await ui?.close();
  });

  const explanation = async (): Promise<string> => {
    await page.goto(`${server.url}/traces/${TRACE_ID}?observation=${GENERATION_ID}`);
    const box = page.locator("[data-testid=cost-explanation]");
    await box.waitFor();
    return box.innerText();
  };

  it("explains a computed cost: the model matched, and tokens, price and cost per class", async () => {
    const text = await explanation();
    // input 600 × $2.50/M = $0.0015, cached 400 × $1.25/M = $0.0005, output 100 × $10/M = $0.001: $0.003
    assert.match(text, /Computed: gpt-4o-2024-08-06 matched openai\/gpt-4o/);
    assert.match(text, /Input\s+600\s+\$2\.5 \/ 1M\s+\$0\.0015/);
    assert.match(text, /Cached input \(read\)\s+400\s+\$1\.25 \/ 1M\s+\$0\.0005/);
    assert.match(text, /Output\s+100\s+\$10 \/ 1M\s+\$0\.001/);
    assert.match(text, /Total\s+\$0\.003/);
    await page.locator("[data-testid=observation-panel]").screenshot({ path: artifact("cost-explanation.png") });
  });

  it("adds a custom price on the settings page, recomputes, and the panel names the custom price", async () => {
    await page.goto(`${server.url}/settings`);
    const card = page.locator("section[aria-label='Model prices']");
    await card.waitFor();
    await card.locator("input[name=modelName]").fill("GPT-4o (negotiated)");
    await card.locator("input[name=matchPattern]").fill("^gpt-4o");
    await card.locator("input[name=price-input]").fill("2");
    await card.locator("input[name=price-output]").fill("8");
    await card.locator("button", { hasText: "Add price" }).click();
    await card.locator("table[aria-label='Custom model prices'] tr", { hasText: "GPT-4o (negotiated)" }).waitFor();
    await card.locator("button", { hasText: "Recompute costs" }).click();
    const result = card.locator("[data-testid=recompute-result]");
    await result.waitFor();
    assert.match(await result.innerText(), /1 of 1 observations changed in 1 traces/);
    await page.screenshot({ path: artifact("settings-model-prices.png"), fullPage: true });

    const text = await explanation();
    // No cached price of its own: cached reads bill as input. 1000 × $2/M + 100 × $8/M = 0.002 + 0.0008 = $0.0028
    assert.match(text, /matched custom price “GPT-4o \(negotiated\)”/);
    assert.match(text, /Cached input \(read\) \(billed as Input\)\s+400\s+\$2 \/ 1M\s+\$0\.0008/);
    assert.match(text, /Total\s+\$0\.0028/);
    assert.deepEqual(pageErrors, []);
  });
});
