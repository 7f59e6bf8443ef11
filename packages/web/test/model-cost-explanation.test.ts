import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { explainCost } from "../src/model/cost-explanation.js";

describe("explainCost", () => {
  it("turns a computed catalogue cost into rows, naming the fallback class and the tier", () => {
    const view = explainCost({
      source: "computed",
      model: "gemini-2.5-pro",
      price: { kind: "catalogue", providerId: "google", modelId: "gemini-2.5-pro", priceDate: null, catalogue: "@pydantic/genai-prices@0.1.8" },
      tier: { inputTokens: 250000, startTokens: 200000 },
      classes: [
        { class: "input", usageKey: "input", tokens: 200000, usdPerMillion: 2.5, pricedAs: null, costUsd: 0.5 },
        { class: "reasoning", usageKey: "output_reasoning_tokens", tokens: 10, usdPerMillion: 15, pricedAs: "output", costUsd: 0.00015 },
      ],
      totalUsd: 0.50015,
      computedAtMs: 0,
    });
    assert.deepEqual(view, {
      kind: "computed",
      model: "gemini-2.5-pro",
      matched: "google/gemini-2.5-pro",
      source: "Catalogue @pydantic/genai-prices@0.1.8",
      tier: "Long-context tier: 250,000 input tokens > 200,000",
      rows: [
        { label: "Input", tokens: 200000, usdPerMillion: 2.5, costUsd: 0.5, note: null },
        { label: "Reasoning", tokens: 10, usdPerMillion: 15, costUsd: 0.00015, note: "billed as Output" },
      ],
      totalUsd: 0.50015,
    });
  });

  it("names a custom price with its pattern and start date", () => {
    const view = explainCost({
      source: "computed",
      model: "m",
      price: { kind: "custom", priceId: "id", modelName: "Mine", matchPattern: "^m$", startDate: "2026-02-01T00:00:00.000Z" },
      tier: null,
      classes: [],
      totalUsd: 0,
    });
    assert.equal(view?.kind === "computed" && view.matched, "custom price “Mine”");
    assert.equal(view?.kind === "computed" && view.source, "Custom price of this project (pattern ^m$), from 2026-02-01");
  });

  it("explains provided costs and missing costs, and ignores what it does not know", () => {
    assert.deepEqual(explainCost({ source: "provided" }), { kind: "provided" });
    assert.match((explainCost({ source: "none", reason: "unknown_model", model: "x" }) as { reason: string }).reason, /no catalogue or custom price/);
    assert.equal(explainCost(null), null);
    assert.equal(explainCost({ source: "future" }), null);
  });
});
