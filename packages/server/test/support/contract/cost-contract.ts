import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CustomPriceTable, GenaiPricesCatalogue, priceObservation, RECOMPUTE_CHUNK_OBSERVATIONS } from "@sightline/server";
import type { CustomModelPrice, ObservationRecord, PriceCatalogue, Repricer, TraceStore } from "@sightline/server";
import { BASE_NS, hexId, observation } from "../store-fixtures.js";
import { OTHER_PROJECT, PROJECT, withProjects } from "./with-store.js";

const catalogue = new GenaiPricesCatalogue();
const SECOND = 1_000_000_000n;

function customPrice(id: string, matchPattern: string, prices: Record<string, number>, projectId = PROJECT, startDateMs: number | null = null): CustomModelPrice {
  return { id, projectId, modelName: id, matchPattern, startDateMs, unit: "TOKENS", prices, createdAtMs: Date.UTC(2026, 0, 1) + id.length };
}

/** Prices records the way ingestion does (catalogue plus these custom prices). */
function priced(records: ObservationRecord[], custom: CustomModelPrice[] = []): ObservationRecord[] {
  const sources = { catalogue, custom: new CustomPriceTable(custom) };
  return records.map((r) => {
    const { costDetails, costExplanation } = priceObservation(r, sources, 0);
    return { ...r, costDetails, costExplanation };
  });
}

function repricer(custom: CustomModelPrice[]): Repricer {
  const sources = { catalogue, custom: new CustomPriceTable(custom) };
  return (input) => priceObservation({ ...input, costDetails: {} }, sources, 0);
}

/** USD as integer pico-dollars, the stores' exact unit. */
const pico = (usd: number | undefined) => Math.round((usd ?? NaN) * 1e12);

function generation(n: number, traceId: string, model: string | null, usageDetails: Record<string, number>, extra: Partial<ObservationRecord> = {}) {
  return observation({ id: hexId(n, 16), traceId, type: "GENERATION", model, usageDetails, startTimeNs: BASE_NS + BigInt(n) * SECOND, ...extra });
}

async function costsOf(store: TraceStore) {
  const t1 = await store.getTrace(PROJECT, hexId(1, 32));
  const t2 = await store.getTrace(PROJECT, hexId(2, 32));
  const s1 = await store.getSession(PROJECT, "s1");
  const s2 = await store.getSession(PROJECT, "s2");
  const alice = (await store.listUsers(PROJECT, { page: 1, limit: 10 })).data.find((u) => u.id === "alice");
  return { t1: pico(t1?.totalCost), t2: pico(t2?.totalCost), s1: pico(s1?.session.totalCost), s2: pico(s2?.session.totalCost), alice: pico(alice?.totalCost) };
}

/** Custom model prices and cost recomputes. */
export function describeCostContract(open: () => Promise<TraceStore>): void {
  describe("custom prices and cost recompute", () => {
    it("stores, lists and deletes a project's custom prices, and no other project sees them", () =>
      withProjects(open, async (store) => {
        const a = customPrice("price-a", "(?i)^gpt-4o$", { input: 0.00001, output: 0.00002 }, PROJECT, Date.UTC(2026, 0, 1));
        const b = customPrice("price-bb", "^my-model$", { input: 0.000001 });
        await store.createModelPrice(a);
        await store.createModelPrice(b);
        await store.createModelPrice(customPrice("price-c", "^x$", { input: 1 }, OTHER_PROJECT));
        assert.deepEqual(await store.listModelPrices(PROJECT), [a, b]);
        assert.equal(await store.deleteModelPrice(PROJECT, "price-c"), false, "another project's price");
        assert.equal(await store.deleteModelPrice(PROJECT, "price-a"), true);
        assert.equal(await store.deleteModelPrice(PROJECT, "price-a"), false, "already gone");
        assert.deepEqual(await store.listModelPrices(PROJECT), [b]);
        assert.equal((await store.listModelPrices(OTHER_PROJECT)).length, 1);
      }));

    it("stores the cost explanation with the observation", () =>
      withProjects(open, async (store) => {
        const [record] = priced([generation(1, hexId(1, 32), "gpt-4o", { input: 1000, output: 100 })]);
        await store.insertObservations(PROJECT, [record as ObservationRecord]);
        const stored = await store.getObservation(PROJECT, hexId(1, 16));
        assert.deepEqual(stored?.costExplanation, record?.costExplanation);
        assert.equal(stored?.costExplanation?.source, "computed");
      }));

    it("recomputes computed costs after a custom price is added, never provided ones, with exact trace, session and user totals", () =>
      withProjects(open, async (store) => {
        const t1 = hexId(1, 32);
        const t2 = hexId(2, 32);
        await store.insertObservations(
          PROJECT,
          priced([
            observation({ id: hexId(100, 16), traceId: t1, trace: { userId: "alice", sessionId: "s1" } }),
            generation(1, t1, "gpt-4o", { input: 1000, output: 100 }, { parentObservationId: hexId(100, 16) }),
            generation(2, t1, "gpt-4o", { input: 1000 }, { parentObservationId: hexId(100, 16), costDetails: { total: 0.5 } }),
            observation({ id: hexId(200, 16), traceId: t2, startTimeNs: BASE_NS + 10n * SECOND, trace: { userId: "alice", sessionId: "s2" } }),
            generation(11, t2, "my-model", { input: 2000 }, { parentObservationId: hexId(200, 16) }),
            generation(12, t2, "gpt-4o-mini", { input: 1000, output: 1000 }, { parentObservationId: hexId(200, 16) }),
          ]),
        );
        // gpt-4o: 1000 × 2.5/M + 100 × 10/M = 0.0035, plus the provided 0.5; my-model: no price, no cost;
        // gpt-4o-mini: 1000 × 0.15/M + 1000 × 0.6/M = 0.00075
        assert.deepEqual(await costsOf(store), { t1: 503_500_000_000, t2: 750_000_000, s1: 503_500_000_000, s2: 750_000_000, alice: 504_250_000_000 });
        assert.equal((await store.getObservation(PROJECT, hexId(11, 16)))?.costExplanation?.source, "none");

        const custom = [customPrice("gpt4o", "^gpt-4o$", { input: 0.00001, output: 0.00002 }), customPrice("mine", "^my-model$", { input: 0.000001 })];
        const result = await store.recomputeCosts(PROJECT, {}, repricer(custom));
        // gpt-4o: 1000 × 10/M + 100 × 20/M = 0.012 (+0.0085); my-model: 2000 × 1/M = 0.002 (+0.002); gpt-4o-mini unchanged
        assert.deepEqual({ ...result, costDeltaUsd: pico(result.costDeltaUsd) }, { examined: 4, updated: 2, providedSkipped: 1, tracesUpdated: 2, costDeltaUsd: 10_500_000_000 });
        assert.deepEqual(await costsOf(store), { t1: 512_000_000_000, t2: 2_750_000_000, s1: 512_000_000_000, s2: 2_750_000_000, alice: 514_750_000_000 });
        const recomputed = await store.getObservation(PROJECT, hexId(1, 16));
        assert.equal(pico(recomputed?.costDetails["total"]), 12_000_000_000);
        const why = recomputed?.costExplanation;
        assert.equal(why?.source === "computed" && why.price.kind === "custom" && why.price.priceId, "gpt4o");
        assert.deepEqual((await store.getObservation(PROJECT, hexId(2, 16)))?.costDetails, { total: 0.5 }, "the provided cost is kept");

        const again = await store.recomputeCosts(PROJECT, {}, repricer(custom));
        assert.equal(again.updated, 0, "a second recompute with the same prices changes nothing");

        // Ingestion after a recompute keeps the totals exact: a retried span replaces its copy, a new one adds.
        await store.insertObservations(PROJECT, priced([
          generation(1, t1, "gpt-4o", { input: 1000, output: 100 }, { parentObservationId: hexId(100, 16) }),
          generation(3, t1, "gpt-4o", { input: 500 }, { parentObservationId: hexId(100, 16) }),
        ], custom));
        // + 500 × 10/M = 0.005
        assert.deepEqual(await costsOf(store), { t1: 517_000_000_000, t2: 2_750_000_000, s1: 517_000_000_000, s2: 2_750_000_000, alice: 519_750_000_000 });
      }));

    it("recomputes after the catalogue's price changes (a catalogue upgrade), naming the new catalogue", () =>
      withProjects(open, async (store) => {
        let inputUsdPerMillion = 1;
        const upgradable: PriceCatalogue = {
          get name() {
            return `test-catalogue@${inputUsdPerMillion}`;
          },
          find: (model) =>
            model === "m1"
              ? { origin: { kind: "catalogue", providerId: "test", modelId: "m1", priceDate: null, catalogue: upgradable.name }, prices: { input: inputUsdPerMillion } }
              : null,
        };
        const sources = { catalogue: upgradable, custom: new CustomPriceTable([]) };
        const record = generation(1, hexId(1, 32), "m1", { input: 1_000_000 }, { trace: { sessionId: "s", userId: "u" } });
        const { costDetails, costExplanation } = priceObservation(record, sources, 0);
        await store.insertObservations(PROJECT, [{ ...record, costDetails, costExplanation }]);
        // 1,000,000 × $1/M = $1
        assert.equal(pico((await store.getTrace(PROJECT, hexId(1, 32)))?.totalCost), 1_000_000_000_000);
        inputUsdPerMillion = 0.25;
        const result = await store.recomputeCosts(PROJECT, {}, (input) => priceObservation({ ...input, costDetails: {} }, sources, 0));
        // 1,000,000 × $0.25/M = $0.25: −$0.75
        assert.equal(pico(result.costDeltaUsd), -750_000_000_000);
        assert.equal(pico((await store.getTrace(PROJECT, hexId(1, 32)))?.totalCost), 250_000_000_000);
        assert.equal(pico((await store.getSession(PROJECT, "s"))?.session.totalCost), 250_000_000_000);
        const why = (await store.getObservation(PROJECT, hexId(1, 16)))?.costExplanation;
        assert.equal(why?.source === "computed" && why.price.kind === "catalogue" && why.price.catalogue, "test-catalogue@0.25");
      }));

    it("recomputes only the model and time range asked for", () =>
      withProjects(open, async (store) => {
        const t1 = hexId(1, 32);
        await store.insertObservations(PROJECT, priced([
          generation(1, t1, "gpt-4o", { input: 1000 }),
          generation(2, t1, "gpt-4o", { input: 1000 }, { parentObservationId: hexId(1, 16) }),
          generation(3, t1, "gpt-4o-mini", { input: 1000 }, { parentObservationId: hexId(1, 16) }),
        ]));
        const custom = [customPrice("all", ".*", { input: 0.00001 })];
        const byModel = await store.recomputeCosts(PROJECT, { model: "gpt-4o-mini" }, repricer(custom));
        assert.deepEqual([byModel.examined, byModel.updated], [1, 1]);
        const byTime = await store.recomputeCosts(PROJECT, { fromStartTimeNs: BASE_NS + 2n * SECOND, toStartTimeNs: BASE_NS + 3n * SECOND }, repricer(custom));
        assert.deepEqual([byTime.examined, byTime.updated], [1, 1]);
        // gpt-4o #1 keeps 1000 × 2.5/M = 0.0025; #2 and the mini now cost 1000 × 10/M = 0.01 each
        assert.equal(pico((await store.getTrace(PROJECT, t1))?.totalCost), 22_500_000_000);
        assert.equal(pico((await store.getObservation(PROJECT, hexId(1, 16)))?.costDetails["total"]), 2_500_000_000);
      }));

    it(`recomputes in chunks of ${RECOMPUTE_CHUNK_OBSERVATIONS} with exact totals across chunk boundaries`, () =>
      withProjects(open, async (store) => {
        const records: ObservationRecord[] = [];
        for (let t = 1; t <= 3; t++) {
          for (let i = 0; i < 400; i++) {
            const n = t * 1000 + i;
            records.push(generation(n, hexId(t, 32), "gpt-4o", { input: 1000 }, { startTimeNs: BASE_NS + BigInt(i), trace: { userId: "bob" } }));
          }
        }
        await store.insertObservations(PROJECT, priced(records));
        const result = await store.recomputeCosts(PROJECT, {}, repricer([customPrice("p", "^gpt-4o$", { input: 0.00001 })]));
        // Each of 1200 generations: 1000 × 10/M = 0.01 instead of 0.0025
        assert.deepEqual([result.examined, result.updated, result.tracesUpdated], [1200, 1200, 3]);
        assert.equal(pico(result.costDeltaUsd), 9_000_000_000_000);
        for (let t = 1; t <= 3; t++) assert.equal(pico((await store.getTrace(PROJECT, hexId(t, 32)))?.totalCost), 4_000_000_000_000);
        const bob = (await store.listUsers(PROJECT, { page: 1, limit: 10 })).data.find((u) => u.id === "bob");
        assert.equal(pico(bob?.totalCost), 12_000_000_000_000);
      }));
  });
}
