// The price catalogue wrapper (@pydantic/genai-prices: offline, model-name matching, dates, tiers),
// custom prices (matching, start dates, precedence over the catalogue) and the per-project cache.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CustomPriceTable, GENAI_PRICES_VERSION, GenaiPricesCatalogue, ProjectPricing, priceObservation } from "@sightline/server";
import type { CustomModelPrice } from "@sightline/server";

const JAN_2026_MS = Date.UTC(2026, 0, 2);
const catalogue = new GenaiPricesCatalogue();

function custom(init: Partial<CustomModelPrice> & Pick<CustomModelPrice, "id" | "matchPattern" | "prices">): CustomModelPrice {
  return { projectId: "p", modelName: init.id, startDateMs: null, unit: "TOKENS", createdAtMs: 1, ...init };
}

describe("GenaiPricesCatalogue", () => {
  it("names the installed catalogue version", () => {
    const main = createRequire(import.meta.url).resolve("@pydantic/genai-prices");
    const pkg = JSON.parse(readFileSync(join(dirname(main), "..", "package.json"), "utf8")) as { version: string };
    assert.equal(pkg.version, GENAI_PRICES_VERSION);
    assert.equal(catalogue.name, `@pydantic/genai-prices@${pkg.version}`);
  });

  it("prices without any network access", () => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = () => {
      throw new Error("no network in pricing");
    };
    try {
      assert.equal(new GenaiPricesCatalogue().find("gpt-4o", JAN_2026_MS)?.prices.input, 2.5);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it("matches dated variants, aliases, provider prefixes and Bedrock ids to the catalogue's models", () => {
    const id = (model: string) => {
      const origin = catalogue.find(model, JAN_2026_MS)?.origin;
      return origin?.kind === "catalogue" ? `${origin.providerId}/${origin.modelId}` : null;
    };
    assert.equal(id("gpt-4o-2024-08-06"), "openai/gpt-4o");
    assert.equal(id("GPT-4o"), "openai/gpt-4o");
    assert.equal(id("openai/gpt-4o"), "openai/gpt-4o");
    assert.equal(id("claude-3-5-sonnet-20241022"), "anthropic/claude-3-5-sonnet");
    assert.equal(id("claude-3-5-sonnet-latest"), "anthropic/claude-3-5-sonnet");
    assert.equal(id("anthropic/claude-3-5-sonnet"), "anthropic/claude-3-5-sonnet");
    assert.equal(id("google/gemini-2.5-flash"), "google/gemini-2.5-flash");
    assert.equal(id("models/gemini-2.0-flash"), "google/gemini-2.0-flash");
    assert.equal(id("mistral-large-latest"), "mistral/mistral-large");
    assert.equal(id("anthropic.claude-3-5-sonnet-20241022-v2:0"), "aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0");
    assert.equal(id("text-embedding-3-small"), "openai/text-embedding-3-small");
    assert.equal(id("openai/text-embedding-3-small"), "openai/text-embedding-3-small");
    assert.equal(id("no-such-model-xyz"), null);
  });

  it("keeps tiered prices as tiers (USD per million tokens)", () => {
    assert.deepEqual(catalogue.find("gemini-2.5-pro", JAN_2026_MS)?.prices.input, {
      baseUsdPerMillion: 1.25,
      tiers: [{ startTokens: 200_000, usdPerMillion: 2.5 }],
    });
  });

  it("picks the price in force at the observation's time and names its start date", () => {
    const before = catalogue.find("o3", Date.UTC(2025, 4, 1));
    const after = catalogue.find("o3", Date.UTC(2025, 5, 10));
    assert.equal(before?.prices.input, 10);
    assert.equal(before?.origin.kind === "catalogue" && before.origin.priceDate, null);
    assert.equal(after?.prices.input, 2);
    assert.equal(after?.origin.kind === "catalogue" && after.origin.priceDate, "2025-06-10");
  });
});

describe("CustomPriceTable", () => {
  const table = new CustomPriceTable([
    custom({ id: "old", matchPattern: "(?i)^gpt-4o$", prices: { input: 0.000001, output: 0.000002 }, startDateMs: null, createdAtMs: 1 }),
    custom({ id: "new", matchPattern: "^GPT-4O$", prices: { input: 0.000003 }, startDateMs: Date.UTC(2026, 0, 1), createdAtMs: 2 }),
    custom({ id: "broken", matchPattern: "(", prices: { input: 1 } }),
  ]);

  it("matches case-insensitively (a Langfuse `(?i)` prefix included) and picks the latest start date in force", () => {
    const early = table.find("gpt-4o", Date.UTC(2025, 0, 1));
    assert.equal(early?.origin.kind === "custom" && early.origin.priceId, "old");
    // 0.000001 USD per token = 1 USD per million
    assert.deepEqual(early?.prices, { input: 1, output: 2 });
    const late = table.find("GPT-4o", Date.UTC(2026, 5, 1));
    assert.equal(late?.origin.kind === "custom" && late.origin.priceId, "new");
    assert.equal(late?.origin.kind === "custom" && late.origin.startDate, "2026-01-01T00:00:00.000Z");
    assert.equal(table.find("gpt-4o-mini", Date.UTC(2026, 5, 1)), null);
  });

  it("overrides the catalogue for the models it matches", () => {
    const input = { model: "gpt-4o", usageDetails: { input: 1000, output: 10 }, costDetails: {}, startTimeNs: BigInt(Date.UTC(2025, 0, 1)) * 1_000_000n };
    const cost = priceObservation(input, { catalogue, custom: table }, 0);
    // 1000 × 1/M + 10 × 2/M = 0.001 + 0.00002 = 0.00102
    assert.ok(Math.abs((cost.costDetails["total"] ?? 0) - 0.00102) < 1e-15);
    assert.equal(cost.costExplanation.source === "computed" && cost.costExplanation.price.kind, "custom");
  });
});

describe("ProjectPricing", () => {
  it("reads a project's custom prices once per TTL, and again at once after invalidate", async () => {
    let loads = 0;
    let nowMs = 1000;
    const pricing = new ProjectPricing(catalogue, async () => (loads++, []), 10_000, () => nowMs);
    await pricing.sourcesFor("p");
    await pricing.sourcesFor("p");
    assert.equal(loads, 1);
    nowMs += 10_000;
    await pricing.sourcesFor("p");
    assert.equal(loads, 2);
    pricing.invalidate("p");
    await pricing.sourcesFor("p");
    assert.equal(loads, 3);
  });
});
