// Usage and cost per source: hand-worked payloads of each usage shape the server receives, with
// their normalised token classes and their cost from the published prices (the arithmetic is
// written out in each test). Prices, USD per million tokens, as the catalogue holds them:
//   gpt-4o / gpt-4o-2024-08-06: input 2.50, cached input 1.25, output 10.00
//   gpt-4o-mini: input 0.15, cached input 0.075, output 0.60
//   o3 (from 2025-06-10): input 2.00, cached input 0.50, output 8.00 (before: 10.00 / 0.50 / 40.00)
//   claude-3-5-sonnet / claude-sonnet-4: input 3.00, cache write 3.75, cache read 0.30, output 15.00
//   gemini-2.5-pro: input 1.25 (2.50 above 200k input tokens), cache read 0.125 (0.25), output 10.00 (15.00)
//   mistral-large-latest: input 2.00, output 6.00 (no cache price: cached reads bill as input)
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CustomPriceTable, GenaiPricesCatalogue, mapSpan, priceObservation, usageClassesOf } from "@sightline/server";
import type { AttributeMap, PricedCost } from "@sightline/server";
import { SightlineAttributes as A } from "@sightline/core";
import { START_NS, span } from "./fixtures/mapping/span-factory.js";

const catalogue = new GenaiPricesCatalogue();
const sources = { catalogue, custom: new CustomPriceTable([]) };
const NOW_MS = 1_767_323_100_000;

/** Maps a generation span and prices it with the catalogue. */
function priced(attributes: AttributeMap, startTimeUnixNano: bigint = START_NS) {
  const record = mapSpan(span({ startTimeUnixNano, endTimeUnixNano: startTimeUnixNano + 1_000_000_000n, attributes: { [A.OBSERVATION_TYPE]: "generation", ...attributes } }));
  return { record, classes: usageClassesOf(record.usageDetails), cost: priceObservation(record, sources, NOW_MS) };
}

/** Asserts a cost in USD to a pico-dollar (float products are not exact decimals). */
function assertUsd(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
}

/** The catalogue origin of a computed cost (fails the test for a custom one). */
function catalogueOrigin(cost: PricedCost) {
  const origin = computed(cost).price;
  assert.equal(origin.kind, "catalogue");
  return origin as Extract<typeof origin, { kind: "catalogue" }>;
}

function computed(cost: PricedCost) {
  assert.equal(cost.costExplanation.source, "computed");
  return cost.costExplanation as Extract<PricedCost["costExplanation"], { source: "computed" }>;
}

describe("usage and cost by source", () => {
  it("OpenAI Chat Completions usage: cached and reasoning tokens are taken out of prompt and completion and priced once", () => {
    const { classes, cost } = priced({
      [A.OBSERVATION_MODEL]: "gpt-4o-2024-08-06",
      [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({
        prompt_tokens: 1000,
        completion_tokens: 300,
        total_tokens: 1300,
        prompt_tokens_details: { cached_tokens: 400 },
        completion_tokens_details: { reasoning_tokens: 100 },
      }),
    });
    // input = 1000 - 400 = 600; output = 300 - 100 = 200
    assert.deepEqual(classes, { input: 600, cacheRead: 400, output: 200, reasoning: 100, total: 1300 });
    // 600 × 2.50/M = 0.0015; 400 × 1.25/M = 0.0005; 200 × 10/M = 0.002; reasoning 100 × 10/M (as output) = 0.001
    assertUsd(cost.costDetails["input"], 0.0015, "input");
    assertUsd(cost.costDetails["input_cached_tokens"], 0.0005, "cached");
    assertUsd(cost.costDetails["output"], 0.002, "output");
    assertUsd(cost.costDetails["output_reasoning_tokens"], 0.001, "reasoning");
    assertUsd(cost.costDetails["total"], 0.005, "total");
    const why = computed(cost);
    assert.deepEqual(why.price, { kind: "catalogue", providerId: "openai", modelId: "gpt-4o", priceDate: null, catalogue: catalogue.name });
    assert.equal(why.classes.find((c) => c.class === "reasoning")?.pricedAs, "output");
  });

  it("OpenAI Responses usage (o3): input_tokens_details and output_tokens_details, at the price in force on the day", () => {
    const usage = JSON.stringify({
      input_tokens: 2000,
      output_tokens: 1500,
      total_tokens: 3500,
      input_tokens_details: { cached_tokens: 1000 },
      output_tokens_details: { reasoning_tokens: 1000 },
    });
    const { classes, cost } = priced({ [A.OBSERVATION_MODEL]: "o3", [A.OBSERVATION_USAGE_DETAILS]: usage });
    assert.deepEqual(classes, { input: 1000, cacheRead: 1000, output: 500, reasoning: 1000, total: 3500 });
    // 1000 × 2/M + 1000 × 0.5/M + 500 × 8/M + 1000 × 8/M = 0.002 + 0.0005 + 0.004 + 0.008 = 0.0145
    assertUsd(cost.costDetails["total"], 0.0145, "total after the 2025-06-10 price cut");
    assert.equal(catalogueOrigin(cost).priceDate, "2025-06-10");
    // On 2025-05-01 the launch price applied (input 10.00, output 40.00; the catalogue keeps cached input at 0.50):
    // 1000 × 10/M + 1000 × 0.5/M + 500 × 40/M + 1000 × 40/M = 0.01 + 0.0005 + 0.02 + 0.04 = 0.0705
    const before = priced({ [A.OBSERVATION_MODEL]: "o3", [A.OBSERVATION_USAGE_DETAILS]: usage }, 1_746_057_600_000_000_000n).cost;
    assertUsd(before.costDetails["total"], 0.0705, "total before the price cut");
    assert.equal(catalogueOrigin(before).priceDate, null);
  });

  it("Anthropic usage: input_tokens excludes cache reads and writes, which are classes of their own", () => {
    const { classes, cost } = priced({
      [A.OBSERVATION_MODEL]: "claude-3-5-sonnet-20241022",
      [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({
        input_tokens: 100,
        cache_read_input_tokens: 2000,
        cache_creation_input_tokens: 500,
        output_tokens: 300,
      }),
    });
    // Nothing is subtracted; the total is 100 + 2000 + 500 + 300 = 2900
    assert.deepEqual(classes, { input: 100, cacheRead: 2000, cacheWrite: 500, output: 300, total: 2900 });
    // 100 × 3/M + 2000 × 0.30/M + 500 × 3.75/M + 300 × 15/M = 0.0003 + 0.0006 + 0.001875 + 0.0045 = 0.007275
    assertUsd(cost.costDetails["input_cache_creation"], 0.001875, "cache write");
    assertUsd(cost.costDetails["total"], 0.007275, "total");
  });

  it("gen_ai.usage.* with a provider-prefixed model name", () => {
    const { classes, cost } = priced({
      "gen_ai.request.model": "openai/gpt-4o-mini",
      "gen_ai.usage.input_tokens": 10_000,
      "gen_ai.usage.output_tokens": 2000,
      "gen_ai.usage.cache_read.input_tokens": 4000,
    });
    // GenAI input_tokens include the cached reads: input = 10000 - 4000 = 6000
    assert.deepEqual(classes, { input: 6000, cacheRead: 4000, output: 2000, total: 12_000 });
    // 6000 × 0.15/M + 4000 × 0.075/M + 2000 × 0.60/M = 0.0009 + 0.0003 + 0.0012 = 0.0024
    assertUsd(cost.costDetails["total"], 0.0024, "total");
    const origin = catalogueOrigin(cost);
    assert.equal(`${origin.providerId}/${origin.modelId}`, "openai/gpt-4o-mini");
  });

  it("OpenInference llm.token_count.* with prompt_details: Gemini's long-context tier applies to the whole request", () => {
    const long = priced({
      "llm.model_name": "gemini-2.5-pro",
      "llm.token_count.prompt": 250_000,
      "llm.token_count.completion": 1000,
      "llm.token_count.prompt_details.cache_read": 50_000,
    });
    assert.deepEqual(long.classes, { input: 200_000, cacheRead: 50_000, output: 1000, total: 251_000 });
    // 250,000 input tokens > 200,000: 200000 × 2.50/M + 50000 × 0.25/M + 1000 × 15/M = 0.5 + 0.0125 + 0.015 = 0.5275
    assertUsd(long.cost.costDetails["total"], 0.5275, "long-context total");
    assert.deepEqual(computed(long.cost).tier, { inputTokens: 250_000, startTokens: 200_000 });
    const short = priced({ "llm.model_name": "gemini-2.5-pro", "llm.token_count.prompt": 100_000, "llm.token_count.completion": 1000 });
    // 100000 × 1.25/M + 1000 × 10/M = 0.125 + 0.01 = 0.135
    assertUsd(short.cost.costDetails["total"], 0.135, "base-tier total");
    assert.equal(computed(short.cost).tier, null);
  });

  it("Vercel AI SDK usage with OpenAI provider metadata (cached prompt and reasoning tokens)", () => {
    const { classes, cost } = priced({
      "ai.model.id": "gpt-4o",
      "ai.usage.promptTokens": 1000,
      "ai.usage.completionTokens": 500,
      "ai.response.providerMetadata": JSON.stringify({ openai: { cachedPromptTokens: 200, reasoningTokens: 100 } }),
    });
    assert.deepEqual(classes, { input: 800, cacheRead: 200, output: 400, reasoning: 100, total: 1500 });
    // 800 × 2.5/M + 200 × 1.25/M + 400 × 10/M + 100 × 10/M = 0.002 + 0.00025 + 0.004 + 0.001 = 0.00725
    assertUsd(cost.costDetails["total"], 0.00725, "total");
  });

  it("Vercel AI SDK usage with Anthropic's raw usage: the cache is not taken out of the input a second time", () => {
    const { classes, cost } = priced({
      "ai.model.id": "claude-sonnet-4-20250514",
      "ai.usage.inputTokens": 100,
      "ai.usage.outputTokens": 50,
      "ai.usage.cachedInputTokens": 1000,
      "ai.response.providerMetadata": JSON.stringify({
        anthropic: { usage: { input_tokens: 100, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 }, cacheCreationInputTokens: 200 },
      }),
    });
    assert.deepEqual(classes, { input: 100, cacheRead: 1000, cacheWrite: 200, output: 50, total: 1350 });
    // 100 × 3/M + 1000 × 0.30/M + 200 × 3.75/M + 50 × 15/M = 0.0003 + 0.0003 + 0.00075 + 0.00075 = 0.0021
    assertUsd(cost.costDetails["total"], 0.0021, "total");
  });

  it("our (Langfuse) usage_details keys; a class without a price of its own bills at its fallback class", () => {
    const { classes, cost } = priced({
      [A.OBSERVATION_MODEL]: "mistral-large-latest",
      [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({ input: 500, output: 100, input_cached_tokens: 200 }),
    });
    assert.deepEqual(classes, { input: 500, cacheRead: 200, output: 100, total: 800 });
    // 500 × 2/M + 200 × 2/M (as input) + 100 × 6/M = 0.001 + 0.0004 + 0.0006 = 0.002
    assertUsd(cost.costDetails["total"], 0.002, "total");
    assert.equal(computed(cost).classes.find((c) => c.class === "cacheRead")?.pricedAs, "input");
  });

  it("audio tokens of a Chat Completions usage are their own classes, billed at input/output without a modality price", () => {
    const { classes } = priced({
      [A.OBSERVATION_MODEL]: "gpt-4o",
      [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({
        prompt_tokens: 300,
        completion_tokens: 200,
        total_tokens: 500,
        prompt_tokens_details: { audio_tokens: 100, image_tokens: 50 },
        completion_tokens_details: { audio_tokens: 80 },
      }),
    });
    assert.deepEqual(classes, { input: 150, inputAudio: 100, inputImage: 50, output: 120, outputAudio: 80, total: 500 });
  });

  it("Bedrock model ids are priced under the aws provider", () => {
    const { cost } = priced({
      [A.OBSERVATION_MODEL]: "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
      [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({ input: 1000, output: 1000 }),
    });
    // 1000 × 3/M + 1000 × 15/M = 0.018
    assertUsd(cost.costDetails["total"], 0.018, "total");
    assert.equal(catalogueOrigin(cost).providerId, "aws");
  });
});

describe("provided costs and no costs", () => {
  it("a cost the client sent wins over the computed one and is marked provided", () => {
    const { cost } = priced({
      [A.OBSERVATION_MODEL]: "gpt-4o",
      [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({ input: 1000, output: 100 }),
      [A.OBSERVATION_COST_DETAILS]: JSON.stringify({ input: 0.1, output: 0.2 }),
    });
    assert.deepEqual(cost, { costDetails: { input: 0.1, output: 0.2, total: 0.30000000000000004 }, costExplanation: { source: "provided" } });
  });

  it("a negative cost is dropped, so the computed one applies", () => {
    const { record, cost } = priced({
      [A.OBSERVATION_MODEL]: "gpt-4o",
      [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({ input: 1000 }),
      [A.OBSERVATION_COST_DETAILS]: JSON.stringify({ total: -5 }),
    });
    assert.deepEqual(record.costDetails, {});
    // 1000 × 2.5/M = 0.0025
    assertUsd(cost.costDetails["total"], 0.0025, "total");
  });

  it("no model, no usage (an error before any token) or an unknown model: no cost, never an invented 0", () => {
    const noModel = priced({ [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({ input: 10 }) }).cost;
    assert.deepEqual(noModel, { costDetails: {}, costExplanation: { source: "none", reason: "no_model", model: null } });
    const failed = priced({ [A.OBSERVATION_MODEL]: "gpt-4o", [A.OBSERVATION_LEVEL]: "ERROR" }).cost;
    assert.deepEqual(failed, { costDetails: {}, costExplanation: { source: "none", reason: "no_usage", model: "gpt-4o" } });
    const unknown = priced({ [A.OBSERVATION_MODEL]: "my-finetune-7b", [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({ input: 10 }) }).cost;
    assert.deepEqual(unknown, { costDetails: {}, costExplanation: { source: "none", reason: "unknown_model", model: "my-finetune-7b" } });
  });
});
