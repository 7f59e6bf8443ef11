// Costs over HTTP: the cost explanation of an ingested generation, custom model prices
// (/api/public/models and the UI's project routes), recompute, and precise 4xx for bad input.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SightlineAttributes as A } from "@sightline/core";
import { createApp, silentServerLogger } from "@sightline/server";
import type { SightlineApp } from "@sightline/server";
import { buildSpans, createHarness, JSON_TYPE, otlpJson } from "./support/http-harness.js";
import type { ApiError, ApiPage, Harness, TestKey } from "./support/http-harness.js";

interface ApiCostObservation {
  calculatedTotalCost: number | null;
  costDetails: Record<string, number>;
  costSource: string | null;
  modelId: string | null;
  inputPrice: number | null;
  usageClasses: Record<string, number> | null;
  costExplanation: {
    source: string;
    reason?: string;
    price?: { kind: string; providerId?: string; modelId?: string; priceId?: string };
    classes?: Array<{ class: string; tokens: number; usdPerMillion: number; costUsd: number }>;
  } | null;
}

interface ApiModelPrice {
  id: string;
  modelName: string;
  matchPattern: string;
  startDate: string | null;
  unit: string;
  inputPrice: number | null;
  outputPrice: number | null;
  prices: Record<string, { price: number }>;
  isLangfuseManaged: boolean;
}

let h: Harness;

async function send(method: string, path: string, body: unknown, key: TestKey | null = h.keyA, contentType = "application/json", app: SightlineApp = h.app) {
  const res = await app.request(path, {
    method,
    headers: { ...(key === null ? {} : { authorization: key.authorization }), "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & ApiError };
}

/** Ingests one gpt-4o generation and returns its observation id and trace id. */
async function ingestGeneration(model: string, usage: Record<string, number>): Promise<{ id: string; traceId: string }> {
  const spans = buildSpans([
    { name: "llm", attributes: { [A.OBSERVATION_TYPE]: "generation", [A.OBSERVATION_MODEL]: model, [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify(usage) } },
  ]);
  const res = await h.post("/v1/traces", otlpJson(spans), JSON_TYPE);
  assert.equal(res.status, 200);
  return { id: spans[0]!.spanContext().spanId, traceId: spans[0]!.spanContext().traceId };
}

const close = (a: number | null | undefined, b: number) => a !== null && a !== undefined && Math.abs(a - b) < 1e-12;

before(async () => {
  h = await createHarness();
});
after(() => h.close());

describe("costs over HTTP", () => {
  it("explains a computed cost: model matched, price and tokens per class", async () => {
    const { id } = await ingestGeneration("gpt-4o-2024-08-06", { input: 1000, output: 100 });
    const { status, body } = await h.get<ApiCostObservation>(`/api/public/observations/${id}`);
    assert.equal(status, 200);
    // 1000 × 2.50/M + 100 × 10/M = 0.0025 + 0.001 = 0.0035
    assert.ok(close(body.calculatedTotalCost, 0.0035));
    assert.equal(body.costSource, "computed");
    assert.equal(body.modelId, "openai/gpt-4o");
    assert.ok(close(body.inputPrice, 0.0000025));
    assert.deepEqual(body.usageClasses, { input: 1000, output: 100, total: 1100 });
    assert.equal(body.costExplanation?.price?.kind, "catalogue");
    assert.deepEqual(
      body.costExplanation?.classes?.map((c) => [c.class, c.tokens, c.usdPerMillion]),
      [["input", 1000, 2.5], ["output", 100, 10]],
    );
  });

  it("shows no cost (null, not 0) for a model no price matches", async () => {
    const { id } = await ingestGeneration("in-house-llm", { input: 10 });
    const { body } = await h.get<ApiCostObservation>(`/api/public/observations/${id}`);
    assert.equal(body.calculatedTotalCost, null);
    assert.equal(body.costSource, null);
    assert.deepEqual(body.costExplanation, { source: "none", reason: "unknown_model", model: "in-house-llm" });
  });

  it("creates, lists, reads and deletes a custom price; new generations use it at once; recompute re-prices old ones", async () => {
    const old = await ingestGeneration("in-house-llm", { input: 2000, output: 500 });
    const created = await send("POST", "/api/public/models", {
      modelName: "In-house LLM",
      matchPattern: "(?i)^in-house-llm$",
      unit: "TOKENS",
      inputPrice: 0.000001,
      prices: { output: { price: 0.000004 } },
    });
    assert.equal(created.status, 201);
    const price = created.body as unknown as ApiModelPrice;
    assert.equal(price.modelName, "In-house LLM");
    assert.deepEqual(price.prices, { output: { price: 0.000004 }, input: { price: 0.000001 } });
    assert.equal(price.isLangfuseManaged, false);

    const list = await h.get<ApiPage<ApiModelPrice>>("/api/public/models");
    assert.deepEqual(list.body.data.map((p) => p.id), [price.id]);
    assert.equal((await h.get<ApiModelPrice>(`/api/public/models/${price.id}`)).body.matchPattern, "(?i)^in-house-llm$");
    assert.equal((await h.get(`/api/public/models/${price.id}`, h.keyB)).status, 404, "another project does not see it");

    const fresh = await ingestGeneration("in-house-llm", { input: 1000 });
    const freshCost = (await h.get<ApiCostObservation>(`/api/public/observations/${fresh.id}`)).body;
    // 1000 × 1/M = 0.001
    assert.ok(close(freshCost.calculatedTotalCost, 0.001));
    assert.equal(freshCost.costExplanation?.price?.priceId, price.id);
    assert.equal(freshCost.modelId, price.id);

    assert.equal((await h.get<ApiCostObservation>(`/api/public/observations/${old.id}`)).body.calculatedTotalCost, null, "not yet recomputed");
    const recompute = await send("POST", "/api/public/costs/recompute", { model: "in-house-llm" });
    assert.equal(recompute.status, 200);
    // The two earlier in-house-llm generations get a cost; the fresh one is unchanged.
    assert.deepEqual([recompute.body["examined"], recompute.body["updated"], recompute.body["providedSkipped"]], [3, 2, 0]);
    // 2000 × 1/M + 500 × 4/M = 0.002 + 0.002 = 0.004
    assert.ok(close((await h.get<ApiCostObservation>(`/api/public/observations/${old.id}`)).body.calculatedTotalCost, 0.004));
    const trace = await h.get<{ totalCost: number }>(`/api/public/traces/${old.traceId}`);
    assert.ok(close(trace.body.totalCost, 0.004));

    assert.equal((await send("DELETE", `/api/public/models/${price.id}`, "", h.keyB)).status, 404);
    assert.equal((await send("DELETE", `/api/public/models/${price.id}`, "")).status, 200);
    assert.equal((await send("DELETE", `/api/public/models/${price.id}`, "")).body.error.code, "model_not_found");
    const after = await ingestGeneration("in-house-llm", { input: 1000 });
    assert.equal((await h.get<ApiCostObservation>(`/api/public/observations/${after.id}`)).body.calculatedTotalCost, null, "deleted: no price again");
  });

  it("serves the same through the UI's project routes (open on loopback)", async () => {
    const ui = createApp({ store: h.store, config: { host: "127.0.0.1" }, logger: silentServerLogger });
    const post = (path: string, body: unknown) => send("POST", path, body, null, "application/json", ui);
    const created = await post("/api/ui/projects/team-b/model-prices", { modelName: "m", matchPattern: "^m$", prices: { input: 0.000002 } });
    assert.equal(created.status, 201);
    const list = await ui.request("/api/ui/projects/team-b/model-prices");
    assert.deepEqual(((await list.json()) as ApiPage<ApiModelPrice>).data.map((p) => p.modelName), ["m"]);
    const recompute = await post("/api/ui/projects/team-b/costs/recompute", {});
    assert.equal(recompute.status, 200);
    assert.equal(recompute.body["examined"], 0);
    assert.equal((await post("/api/ui/projects/nope/model-prices", { modelName: "m", matchPattern: "m", inputPrice: 1 })).body.error.code, "project_not_found");
    assert.equal((await send("DELETE", `/api/ui/projects/team-b/model-prices/${String(created.body["id"])}`, "", null, "application/json", ui)).status, 200);
    assert.equal((await post("/api/ui/projects/team-b/model-prices", { modelName: "m" })).status, 400);
  });

  it("refuses bad custom prices with a precise 400", async () => {
    const refuse = async (body: unknown, code: string, mention: string) => {
      const { status, body: answer } = await send("POST", "/api/public/models", body);
      assert.equal(status, 400, JSON.stringify(answer));
      assert.equal(answer.error.code, code);
      assert.match(answer.error.message, new RegExp(mention));
    };
    await refuse({ matchPattern: "^x$", inputPrice: 1 }, "invalid_body", "modelName");
    await refuse({ modelName: "x", inputPrice: 1 }, "invalid_body", "matchPattern");
    await refuse({ modelName: "x", matchPattern: "(unclosed", inputPrice: 1 }, "invalid_match_pattern", "not a valid regular expression");
    await refuse({ modelName: "x", matchPattern: "^(a+)+$", inputPrice: 1 }, "invalid_match_pattern", "exponential time");
    await refuse({ modelName: "x", matchPattern: "^x$" }, "invalid_body", "at least one price");
    await refuse({ modelName: "x", matchPattern: "^x$", inputPrice: -1 }, "invalid_body", "non-negative");
    await refuse({ modelName: "x", matchPattern: "^x$", prices: { bananas: 1 } }, "invalid_body", "prices.bananas");
    await refuse({ modelName: "x", matchPattern: "^x$", totalPrice: 1 }, "invalid_body", "totalPrice");
    await refuse({ modelName: "x", matchPattern: "^x$", inputPrice: 1, unit: "CHARACTERS" }, "invalid_body", "unit");
    await refuse({ modelName: "x", matchPattern: "^x$", inputPrice: 1, startDate: "yesterday" }, "invalid_body", "startDate");
    await refuse({ modelName: "x", matchPattern: "^x$", inputPrice: 1, prices: { input: 2 } }, "invalid_body", "both set");
    await refuse("[1]", "invalid_body", "JSON object");
    await refuse("{", "invalid_json", "not valid JSON");
    const wrongType = await send("POST", "/api/public/models", "modelName=x", h.keyA, "application/x-www-form-urlencoded");
    assert.equal(wrongType.status, 415);
    assert.equal((await send("POST", "/api/public/models", { modelName: "x", matchPattern: "x", inputPrice: 1 }, null)).status, 401);
    assert.equal((await send("PUT", "/api/public/models", {})).status, 405);
  });

  it("refuses a bad recompute request with a precise 400", async () => {
    const refuse = async (body: unknown, mention: string) => {
      const { status, body: answer } = await send("POST", "/api/public/costs/recompute", body);
      assert.equal(status, 400);
      assert.match(answer.error.message, new RegExp(mention));
    };
    await refuse({ model: 5 }, "model");
    await refuse({ fromStartTime: "soon" }, "fromStartTime");
    await refuse({ fromStartTime: "2026-02-01T00:00:00Z", toStartTime: "2026-01-01T00:00:00Z" }, "before toStartTime");
    await refuse({ modle: "gpt-4o" }, "Unknown field");
  });
});
