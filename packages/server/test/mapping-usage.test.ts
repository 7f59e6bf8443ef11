// Usage and cost: normalising usage objects (ours, OpenAI Chat Completions and Responses,
// Anthropic), flat counters of the GenAI conventions, OpenInference and the Vercel AI SDK, and costs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mapSpan, normalizeUsageDetails } from "@sightline/server";
import type { AttributeMap } from "@sightline/server";
import { SightlineAttributes as A } from "@sightline/core";
import { span } from "./fixtures/mapping/span-factory.js";

/** Maps attributes on a generation (flat usage counters are read on model calls). */
const generation = (attributes: AttributeMap) => mapSpan(span({ attributes: { [A.OBSERVATION_TYPE]: "generation", ...attributes } }));

describe("normalizeUsageDetails", () => {
  it("keeps our own bucket map as it is, adding the total as the sum when it is missing", () => {
    assert.deepEqual(normalizeUsageDetails({ input: 10, output: 5, input_cached_tokens: 3 }), { input: 10, output: 5, input_cached_tokens: 3, total: 18 });
    assert.deepEqual(normalizeUsageDetails({ input: 10, output: 5, total: 99 }), { input: 10, output: 5, total: 99 });
  });

  it("normalises an OpenAI Chat Completions usage object, subtracting the detail buckets and keeping the provider's total", () => {
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 300,
      total_tokens: 1300,
      prompt_tokens_details: { cached_tokens: 400, audio_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 200, audio_tokens: 0, accepted_prediction_tokens: 10, rejected_prediction_tokens: 5 },
    };
    assert.deepEqual(normalizeUsageDetails(usage), {
      input: 500,
      output: 85,
      total: 1300,
      input_cached_tokens: 400,
      input_audio_tokens: 100,
      output_reasoning_tokens: 200,
      output_audio_tokens: 0,
      output_accepted_prediction_tokens: 10,
      output_rejected_prediction_tokens: 5,
    });
  });

  it("normalises an OpenAI Responses usage object", () => {
    const usage = {
      input_tokens: 120,
      output_tokens: 80,
      total_tokens: 200,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens_details: { reasoning_tokens: 50 },
    };
    assert.deepEqual(normalizeUsageDetails(usage), {
      input: 100,
      output: 30,
      total: 200,
      input_cached_tokens: 20,
      output_reasoning_tokens: 50,
    });
  });

  it("floors input and output at zero when the details exceed them", () => {
    assert.deepEqual(normalizeUsageDetails({ prompt_tokens: 5, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 9 } }), {
      input: 0,
      output: 0,
      input_cached_tokens: 9,
      total: 9,
    });
  });

  it("keeps Anthropic cache reads and writes as their own buckets without subtracting them", () => {
    assert.deepEqual(normalizeUsageDetails({ input_tokens: 7, output_tokens: 445, cache_read_input_tokens: 16399, cache_creation_input_tokens: 2089 }), {
      input: 7,
      output: 445,
      input_cached_tokens: 16399,
      input_cache_creation: 2089,
      total: 18940,
    });
  });

  it("accepts a JSON string and numeric strings, and drops negative, non-numeric and null counts", () => {
    assert.deepEqual(normalizeUsageDetails('{"input":"12","output":-1,"x":"abc","y":null}'), { input: 12, total: 12 });
    assert.deepEqual(normalizeUsageDetails({ prompt_tokens: 4, prompt_tokens_details: { cached_tokens: null } }), { input: 4, total: 4 });
  });

  it("keeps a provider's extra numeric counters under their own names", () => {
    assert.deepEqual(normalizeUsageDetails({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, search_calls: 1 }), {
      input: 1,
      output: 2,
      total: 3,
      search_calls: 1,
    });
  });

  it("returns an empty map for anything that is not an object", () => {
    for (const value of [null, undefined, 5, "text", "[1,2]", [1, 2]]) assert.deepEqual(normalizeUsageDetails(value), {}, String(value));
  });

  it("never writes through __proto__ or inherited names", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":1},"constructor":3,"input":1}') as unknown;
    assert.deepEqual(normalizeUsageDetails(parsed), { constructor: 3, input: 1, total: 4 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe("usage from span attributes", () => {
  it("uses the explicit usage details (our map or an OpenAI object) and nothing else", () => {
    assert.deepEqual(generation({ [A.OBSERVATION_USAGE_DETAILS]: '{"input":3,"output":4}', "gen_ai.usage.input_tokens": 99 }).usageDetails, {
      input: 3,
      output: 4,
      total: 7,
    });
    const openai = JSON.stringify({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 } });
    assert.deepEqual(generation({ [A.OBSERVATION_USAGE_DETAILS]: openai }).usageDetails, { input: 6, output: 5, total: 15, input_cached_tokens: 4 });
  });

  it("honours explicit usage on any observation type", () => {
    const agent = mapSpan(span({ attributes: { [A.OBSERVATION_TYPE]: "agent", [A.OBSERVATION_USAGE_DETAILS]: '{"input":1}' } }));
    assert.deepEqual(agent.usageDetails, { input: 1, total: 1 });
  });

  it("reads GenAI counters, subtracting cache and reasoning parts from input and output", () => {
    const o = generation({
      "gen_ai.usage.input_tokens": 100,
      "gen_ai.usage.output_tokens": 50,
      "gen_ai.usage.cache_read.input_tokens": 30,
      "gen_ai.usage.cache_creation.input_tokens": 20,
      "gen_ai.usage.reasoning.output_tokens": 10,
    });
    assert.deepEqual(o.usageDetails, {
      input: 50,
      output: 40,
      input_cached_tokens: 30,
      input_cache_creation: 20,
      output_reasoning_tokens: 10,
      total: 150,
    });
    assert.equal(o.metadata.attributes, undefined, "every counter became a field");
  });

  it("reads the older GenAI names and keeps the provider's total", () => {
    assert.deepEqual(generation({ "gen_ai.usage.prompt_tokens": 8, "gen_ai.usage.completion_tokens": 2, "gen_ai.usage.total_tokens": 11 }).usageDetails, {
      input: 8,
      output: 2,
      total: 11,
    });
  });

  it("reads OpenInference token counts including prompt and completion details", () => {
    const o = generation({
      "llm.token_count.prompt": 200,
      "llm.token_count.completion": 40,
      "llm.token_count.total": 240,
      "llm.token_count.prompt_details.cache_read": 50,
      "llm.token_count.prompt_details.cache_write": 25,
      "llm.token_count.prompt_details.audio": 5,
      "llm.token_count.completion_details.reasoning": 15,
      "llm.token_count.completion_details.audio": 3,
    });
    assert.deepEqual(o.usageDetails, {
      input: 120,
      output: 22,
      total: 240,
      input_cached_tokens: 50,
      input_cache_creation: 25,
      input_audio_tokens: 5,
      output_reasoning_tokens: 15,
      output_audio_tokens: 3,
    });
  });

  it("reads Vercel AI SDK counters (v4 and v5 names) and provider metadata", () => {
    assert.deepEqual(generation({ "ai.usage.promptTokens": 10, "ai.usage.completionTokens": 7, "ai.usage.tokens": 17 }).usageDetails, {
      input: 10,
      output: 7,
      total: 17,
    });
    assert.deepEqual(
      generation({ "ai.usage.inputTokens": 100, "ai.usage.outputTokens": 60, "ai.usage.cachedInputTokens": 40, "ai.usage.reasoningTokens": 20 }).usageDetails,
      { input: 60, output: 40, input_cached_tokens: 40, output_reasoning_tokens: 20, total: 160 },
    );
    const anthropic = JSON.stringify({ anthropic: { usage: { cache_read_input_tokens: 300, cache_creation_input_tokens: 100 } } });
    assert.deepEqual(generation({ "ai.usage.promptTokens": 500, "ai.usage.completionTokens": 9, "ai.response.providerMetadata": anthropic }).usageDetails, {
      input: 100,
      output: 9,
      input_cached_tokens: 300,
      input_cache_creation: 100,
      total: 509,
    });
    const openai = JSON.stringify({ openai: { cachedPromptTokens: 4, reasoningTokens: 3, acceptedPredictionTokens: 1, rejectedPredictionTokens: 0 } });
    assert.deepEqual(generation({ "ai.usage.promptTokens": 10, "ai.usage.completionTokens": 8, "ai.response.providerMetadata": openai }).usageDetails, {
      input: 6,
      output: 4,
      input_cached_tokens: 4,
      output_reasoning_tokens: 3,
      output_accepted_prediction_tokens: 1,
      output_rejected_prediction_tokens: 0,
      total: 18,
    });
    const bedrock = JSON.stringify({ bedrock: { usage: { cacheReadInputTokens: 2, cacheWriteInputTokens: 1 } } });
    assert.deepEqual(generation({ "ai.usage.promptTokens": 10, "ai.response.providerMetadata": bedrock }).usageDetails, {
      input: 7,
      input_cached_tokens: 2,
      input_cache_creation: 1,
      total: 10,
    });
  });

  it("counts a bucket named by two conventions once, preferring the Vercel counter", () => {
    const o = generation({ "ai.usage.promptTokens": 12, "gen_ai.usage.input_tokens": 12, "gen_ai.usage.details.input_tokens": 12, "gen_ai.usage.output_tokens": 3 });
    assert.deepEqual(o.usageDetails, { input: 12, output: 3, total: 15 });
    assert.equal(o.metadata.attributes, undefined, "repeated equal counts are represented");
    const differing = generation({ "ai.usage.promptTokens": 12, "gen_ai.usage.input_tokens": 13 });
    assert.deepEqual(differing.usageDetails, { input: 12, total: 12 });
    assert.deepEqual(differing.metadata.attributes, { "gen_ai.usage.input_tokens": 13 }, "a different count stays visible");
  });

  it("keeps unknown counters without adding them to a computed total", () => {
    const o = generation({ "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 2, "gen_ai.usage.details.text_prompt_tokens": 10 });
    assert.deepEqual(o.usageDetails, { input: 10, output: 2, text_prompt_tokens: 10, total: 12 });
  });

  it("ignores counters that are not non-negative numbers, and keeps them visible", () => {
    const o = generation({ "gen_ai.usage.input_tokens": "lots", "gen_ai.usage.output_tokens": -4 });
    assert.deepEqual(o.usageDetails, {});
    assert.deepEqual(o.metadata.attributes, { "gen_ai.usage.input_tokens": "lots", "gen_ai.usage.output_tokens": -4 });
  });

  it("does not read flat counters on wrapper spans, which repeat their model calls' usage", () => {
    const wrapper = mapSpan(span({ attributes: { "ai.operationId": "ai.generateText", "ai.model.id": "gpt-4o", "ai.usage.promptTokens": 10 } }));
    assert.equal(wrapper.type, "SPAN");
    assert.deepEqual(wrapper.usageDetails, {});
    assert.equal((wrapper.metadata.attributes as AttributeMap)["ai.usage.promptTokens"], 10);
    const agent = mapSpan(span({ attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.usage.input_tokens": 50, "gen_ai.usage.cost": 0.2 } }));
    assert.deepEqual([agent.usageDetails, agent.costDetails], [{}, {}]);
  });
});

describe("cost from span attributes", () => {
  it("uses the explicit cost details, adding the total as the sum of the parts", () => {
    assert.deepEqual(generation({ [A.OBSERVATION_COST_DETAILS]: '{"input":0.25,"output":0.5}' }).costDetails, { input: 0.25, output: 0.5, total: 0.75 });
    assert.deepEqual(generation({ [A.OBSERVATION_COST_DETAILS]: '{"input":0.1,"total":1}' }).costDetails, { input: 0.1, total: 1 });
    assert.deepEqual(generation({ [A.OBSERVATION_COST_DETAILS]: '{"input":"x"}' }).costDetails, {});
  });

  it("reads gen_ai.usage.cost and OpenInference llm.cost.* when there is no explicit cost", () => {
    assert.deepEqual(generation({ "gen_ai.usage.cost": 0.012 }).costDetails, { total: 0.012 });
    assert.deepEqual(generation({ "llm.cost.total": 0.3 }).costDetails, { total: 0.3 });
    assert.deepEqual(generation({ "llm.cost.prompt": 0.25, "llm.cost.completion": 0.5 }).costDetails, { input: 0.25, output: 0.5, total: 0.75 });
    assert.deepEqual(generation({ [A.OBSERVATION_COST_DETAILS]: '{"total":2}', "gen_ai.usage.cost": 9 }).costDetails, { total: 2 });
  });

  it("keeps gen_ai.usage.cost out of the token counts", () => {
    assert.deepEqual(generation({ "gen_ai.usage.cost": 0.5, "gen_ai.usage.input_tokens": 3 }).usageDetails, { input: 3, total: 3 });
  });
});
