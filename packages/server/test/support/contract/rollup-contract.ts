import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CustomPriceTable, GenaiPricesCatalogue, priceObservation } from "@sightline/server";
import type { CustomModelPrice, MetricsQuery, MetricsFilter, ObservationRecord, Repricer, TraceStore } from "@sightline/server";
import { BASE_NS, hexId, observation, realisticTrace, seededRandom } from "../store-fixtures.js";
import { PROJECT, OTHER_PROJECT, withProjects } from "./with-store.js";

const MINUTE_NS = 60_000_000_000n;
const HOUR_NS = 60n * MINUTE_NS;
const FROM_NS = BASE_NS - 123_456n; // 2026-01-01T00:00:00Z, a whole hour
const MODELS = ["gpt-4o", "gpt-4o-mini", "house-model"];

/**
 * Forty traces 73 minutes apart (about two days), over two environments, with generations of three
 * models (some with a completion start), some errors, and one trace that starts a minute before
 * an hour ends, so its observations fall into two hours.
 */
function fixture(): ObservationRecord[] {
  const random = seededRandom(29);
  const records: ObservationRecord[] = [];
  for (let t = 0; t < 40; t++) {
    const startNs = t === 7 ? FROM_NS + 9n * HOUR_NS - MINUTE_NS : BASE_NS + BigInt(t) * 73n * MINUTE_NS;
    const trace = realisticTrace(random, { traceId: hexId(5000 + t, 32), size: 4 + ((t * 7) % 13), startNs, environment: t % 3 === 0 ? "staging" : "production" });
    for (const [i, r] of trace.entries()) {
      const generation = r.type === "GENERATION";
      records.push({
        ...r,
        // Trace 7's later observations start in the next hour.
        startTimeNs: t === 7 ? r.startTimeNs + BigInt(i) * 20_000_000_000n : r.startTimeNs,
        endTimeNs: r.endTimeNs === null ? null : (t === 7 ? r.endTimeNs + BigInt(i) * 20_000_000_000n : r.endTimeNs),
        model: generation ? MODELS[(t + i) % MODELS.length] ?? null : r.model,
        completionStartTimeNs: generation && i % 3 !== 0 ? r.startTimeNs + BigInt(1 + Math.floor(random() * 900_000_000)) + (t === 7 ? BigInt(i) * 20_000_000_000n : 0n) : null,
        level: random() < 0.1 ? "ERROR" : r.level,
      });
    }
  }
  return records;
}

const m = (measure: string, aggregation: MetricsQuery["metrics"][number]["aggregation"]) => ({ measure, aggregation });

/** The queries compared, over an aligned and an unaligned range. */
function queries(): Array<[string, MetricsQuery]> {
  const totals = [
    m("count", "count"),
    m("errors", "sum"),
    m("errors", "avg"),
    m("latency", "avg"),
    m("latency", "min"),
    m("latency", "max"),
    m("latency", "count"),
    m("latency", "p95"),
    m("timeToFirstToken", "avg"),
    m("timeToFirstToken", "p50"),
    m("timeToFirstToken", "p99"),
    m("totalCost", "sum"),
    m("totalTokens", "sum"),
    m("totalTokens", "avg"),
    m("totalTokens", "max"),
  ];
  const breakdown = [m("count", "count"), m("totalCost", "sum"), m("totalTokens", "sum"), m("latency", "avg")];
  const ranges: Array<[string, bigint, bigint]> = [
    ["aligned", FROM_NS, FROM_NS + 4n * 24n * HOUR_NS],
    ["unaligned", FROM_NS + 7n * MINUTE_NS + 5n, FROM_NS + 2n * 24n * HOUR_NS - 13n * MINUTE_NS],
  ];
  const shapes: Array<[string, Partial<MetricsQuery>]> = [
    ["totals", { metrics: totals }],
    ["by model", { metrics: breakdown, dimensions: ["model"] }],
    ["by type and level", { metrics: breakdown, dimensions: ["type", "level"] }],
    ["generations by environment", { metrics: breakdown, dimensions: ["environment"], filters: [{ field: "type", operator: "any of", values: ["GENERATION"] }] }],
    ["models but one, none missing", { metrics: breakdown, filters: [{ field: "model", operator: "none of", values: ["gpt-4o", null] }] }],
    ["by hour", { metrics: totals, granularity: "hour" }],
    ["by day and type", { metrics: breakdown, granularity: "day", dimensions: ["type"] }],
    ["by week", { metrics: totals, granularity: "week" }],
    ["by month and model", { metrics: [...breakdown, m("timeToFirstToken", "p95")], granularity: "month", dimensions: ["model"] }],
  ];
  return ranges.flatMap(([rangeName, fromNs, toNs]) =>
    shapes.map(([name, shape]): [string, MetricsQuery] => [
      `${name}, ${rangeName}`,
      { view: "observations", metrics: [], dimensions: [], filters: [], granularity: null, fromNs, toNs, ...shape },
    ]),
  );
}

/** A filter every observation passes, on a field the rollups do not keep: the query then reads only rows. */
const EVERY_NAME: MetricsFilter = { field: "name", operator: "none of", values: ["(no such name)"] };

/** Every query answers exactly as the same query read from the rows alone. */
async function assertSameAsRows(store: TraceStore, moment: string): Promise<void> {
  for (const [name, q] of queries()) {
    const answered = await store.queryMetrics(PROJECT, q);
    const fromRows = await store.queryMetrics(PROJECT, { ...q, filters: [...q.filters, EVERY_NAME] });
    assert.deepEqual(answered, fromRows, `${moment}: ${name}`);
    assert.ok(fromRows.length > 0, `${moment}: ${name} has rows`);
  }
}

/** Metrics through hourly rollups (`observation_rollups`): always what the rows give, whatever changed since the hour was rolled up. */
export function describeRollupContract(open: () => Promise<TraceStore>): void {
  describe("metrics rollups", () => {
    it("answer exactly as the rows before and after the rollup job, and after late, replaced, re-priced, deleted and expired rows", () =>
      withProjects(open, async (store) => {
        const records = fixture();
        await store.insertObservations(PROJECT, records);
        await store.insertObservations(OTHER_PROJECT, realisticTrace(seededRandom(5), { traceId: hexId(77, 32), size: 30, startNs: BASE_NS + 5n * HOUR_NS }));
        await assertSameAsRows(store, "fresh");
        await store.flushIndex();
        await assertSameAsRows(store, "rolled up");

        const steps: Array<[string, () => Promise<unknown>]> = [
          [
            "a late span in a rolled-up hour",
            () => store.insertObservations(PROJECT, [observation({ id: hexId(9001, 16), traceId: hexId(9001, 32), type: "GENERATION", model: "gpt-4o", startTimeNs: BASE_NS + 3n * HOUR_NS, endTimeNs: BASE_NS + 3n * HOUR_NS + 5_000_000n, usageDetails: { input: 70, output: 7 }, costDetails: { total: 0.25 }, level: "ERROR" })]),
          ],
          [
            "a span replaced by a copy five hours later, another model and more tokens",
            () => {
              const original = records.find((r) => r.type === "GENERATION" && r.model === "gpt-4o-mini") as ObservationRecord;
              const moved = 5n * HOUR_NS;
              return store.insertObservations(PROJECT, [
                { ...original, model: "gpt-4o", startTimeNs: original.startTimeNs + moved, endTimeNs: (original.endTimeNs ?? original.startTimeNs) + moved, completionStartTimeNs: null, usageDetails: { input: 9999, output: 1 } },
              ]);
            },
          ],
          [
            "costs recomputed with a custom price",
            () => {
              const price: CustomModelPrice = { id: "p", projectId: PROJECT, modelName: "house-model", matchPattern: "^house-model$", startDateMs: null, unit: "TOKENS", prices: { input: 0.00002, output: 0.00004 }, createdAtMs: Date.UTC(2026, 0, 1) };
              const reprice: Repricer = (input) => priceObservation({ ...input, costDetails: {} }, { catalogue: new GenaiPricesCatalogue(), custom: new CustomPriceTable([price]) }, 0);
              return store.recomputeCosts(PROJECT, {}, reprice);
            },
          ],
          ["a trace deleted", () => store.deleteTrace(PROJECT, hexId(5000 + 11, 32))],
          ["retention at 30 hours in", () => store.deleteTracesOlderThan(PROJECT, FROM_NS + 30n * HOUR_NS + 17n * MINUTE_NS)],
        ];
        for (const [name, change] of steps) {
          await change();
          await assertSameAsRows(store, `after ${name}`);
          await store.flushIndex();
          await assertSameAsRows(store, `after ${name}, rolled up again`);
        }

        // And both agree with counts and tokens computed here from the stored observations.
        const stored = (await store.listObservations(PROJECT, { page: 1, limit: 1000 })).data;
        const [, byModelQuery] = queries().find(([name]) => name === "by model, aligned") as [string, MetricsQuery];
        const byModel = await store.queryMetrics(PROJECT, byModelQuery);
        const expected = new Map<string | null, [number, number]>();
        for (const o of stored) {
          const [n, tokens] = expected.get(o.model) ?? [0, 0];
          expected.set(o.model, [n + 1, tokens + (o.usageDetails["total"] ?? Object.values(o.usageDetails).reduce((a, b) => a + b, 0))]);
        }
        assert.ok(stored.every((o) => o.startTimeNs >= FROM_NS + 30n * HOUR_NS), "retention removed the first 30 hours");
        assert.deepEqual(
          byModel.map((row) => [row.dimensions[0], row.values[0], row.values[2]]),
          [...expected].map(([model, [n, tokens]]) => [model, n, tokens]).sort((a, b) => (a[0] === null ? 1 : b[0] === null ? -1 : String(a[0]) < String(b[0]) ? -1 : 1)),
        );
      }));
  });
}
