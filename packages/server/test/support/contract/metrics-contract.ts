import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CustomPriceTable, GenaiPricesCatalogue, priceObservation } from "@sightline/server";
import type { CustomModelPrice, MetricsQuery, ObservationRecord, Repricer, StoredObservation, TraceRecord, TraceStore } from "@sightline/server";
import { BASE_NS, hexId, observation, realisticTrace, seededRandom } from "../store-fixtures.js";
import { OTHER_PROJECT, PROJECT, withProjects } from "./with-store.js";

const MINUTE_NS = 60_000_000_000n;
const HOUR_MS = 3_600_000;
const FROM_NS = BASE_NS - 123_456n; // 2026-01-01T00:00:00Z
const TO_NS = FROM_NS + 24n * 60n * MINUTE_NS;

/**
 * Twelve traces, 20 minutes apart, over two environments and three users, with generations of two
 * models (some with a completion start, for time to first token) and some errors.
 */
function fixture(): ObservationRecord[] {
  const random = seededRandom(11);
  const users = ["alice", "bob", undefined];
  const records: ObservationRecord[] = [];
  for (let t = 0; t < 12; t++) {
    const trace = realisticTrace(random, {
      traceId: hexId(1000 + t, 32),
      size: 6 + ((t * 5) % 17),
      startNs: BASE_NS + BigInt(t) * 20n * MINUTE_NS,
      userId: users[t % 3],
      environment: t % 4 === 0 ? "staging" : "production",
    });
    for (const [i, r] of trace.entries()) {
      const generation = r.type === "GENERATION";
      records.push({
        ...r,
        name: i === 0 ? (t % 2 === 0 ? "chat" : "search") : r.name,
        trace: i === 0 ? { ...r.trace, name: t % 2 === 0 ? "chat" : "search" } : r.trace,
        model: generation ? (i % 2 === 0 ? "gpt-4o" : "gpt-4o-mini") : r.model,
        completionStartTimeNs: generation && i % 3 !== 0 ? r.startTimeNs + BigInt(1 + Math.floor(random() * 900_000)) : null,
        level: random() < 0.12 ? "ERROR" : r.level,
      });
    }
  }
  return records;
}

async function load(store: TraceStore): Promise<{ traces: TraceRecord[]; observations: StoredObservation[] }> {
  await store.insertObservations(PROJECT, fixture());
  // Noise in another project, which no metric may count.
  await store.insertObservations(OTHER_PROJECT, realisticTrace(seededRandom(3), { traceId: hexId(9, 32), size: 20 }));
  const traces = (await store.listTraces(PROJECT, { page: 1, limit: 100 })).data;
  const observations = (await store.listObservations(PROJECT, { page: 1, limit: 1000 })).data;
  assert.equal(traces.length, 12);
  return { traces, observations };
}

// ---- the expected values, computed here from the stored rows -------------------------------------

/** Nearest rank: the value at 1-based rank ceil(p * n) of the ascending values (null when there are none). */
function nearestRank(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length) - 1] ?? null;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const present = (values: Array<number | null>): number[] => values.filter((v): v is number => v !== null);
const tokensOf = (d: Record<string, number>): number => Math.round(d["total"] ?? sum(Object.values(d)));
const costOf = (d: Record<string, number>): number => Math.round((d["total"] ?? sum(Object.values(d))) * 1e12) / 1e12;
const latencyMs = (o: StoredObservation): number | null => (o.endTimeNs === null ? null : Number(o.endTimeNs - o.startTimeNs) / 1e6);
const ttftMs = (o: StoredObservation): number | null => (o.completionStartTimeNs === null ? null : Number(o.completionStartTimeNs - o.startTimeNs) / 1e6);

function assertClose(actual: unknown, expected: number | null, label: string): void {
  if (expected === null) return assert.equal(actual, null, label);
  assert.equal(typeof actual, "number", `${label}: ${String(actual)} is a number`);
  const tolerance = Math.max(1e-9, Math.abs(expected) * 1e-9);
  assert.ok(Math.abs((actual as number) - expected) <= tolerance, `${label}: got ${String(actual)}, expected ${expected}`);
}

function query(overrides: Partial<MetricsQuery> & Pick<MetricsQuery, "view" | "metrics">): MetricsQuery {
  return { dimensions: [], filters: [], granularity: null, fromNs: FROM_NS, toNs: TO_NS, ...overrides };
}

/** Groups items by a key function. */
function groupBy<T>(items: T[], key: (item: T) => string | null): Map<string | null, T[]> {
  const groups = new Map<string | null, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Metrics (`queryMetrics`) checked against sums, counts and percentiles computed from the stored rows. */
export function describeMetricsContract(open: () => Promise<TraceStore>): void {
  describe("metrics", () => {
    it("totals traces: count, cost, tokens, latency percentiles, min, max, average and error rate", () =>
      withProjects(open, async (store) => {
        const { traces } = await load(store);
        const latencies = present(traces.map((t) => (t.latencySeconds === null ? null : t.latencySeconds * 1000)));
        const rows = await store.queryMetrics(
          PROJECT,
          query({
            view: "traces",
            metrics: [
              { measure: "count", aggregation: "count" },
              { measure: "totalCost", aggregation: "sum" },
              { measure: "totalTokens", aggregation: "sum" },
              { measure: "latency", aggregation: "avg" },
              { measure: "latency", aggregation: "p50" },
              { measure: "latency", aggregation: "p95" },
              { measure: "latency", aggregation: "p99" },
              { measure: "latency", aggregation: "min" },
              { measure: "latency", aggregation: "max" },
              { measure: "errors", aggregation: "sum" },
              { measure: "errors", aggregation: "avg" },
              { measure: "observationCount", aggregation: "sum" },
            ],
          }),
        );
        assert.equal(rows.length, 1);
        const [row] = rows;
        const errors = traces.filter((t) => t.level === "ERROR").length;
        assert.ok(errors > 0 && errors < traces.length, "the fixture has some traces with errors");
        const expected = [
          traces.length,
          sum(traces.map((t) => t.totalCost)),
          sum(traces.map((t) => t.totalTokens)),
          sum(latencies) / latencies.length,
          nearestRank(latencies, 0.5),
          nearestRank(latencies, 0.95),
          nearestRank(latencies, 0.99),
          Math.min(...latencies),
          Math.max(...latencies),
          errors,
          errors / traces.length,
          sum(traces.map((t) => t.observationCount)),
        ];
        expected.forEach((value, i) => assertClose(row?.values[i], value, `metric ${i}`));
        assert.equal(row?.bucketStartMs, null);
        assert.deepEqual(row?.dimensions, []);
      }));

    it("breaks observations down by type and model with tokens, cost, latency and time to first token", () =>
      withProjects(open, async (store) => {
        const { observations } = await load(store);
        const rows = await store.queryMetrics(
          PROJECT,
          query({
            view: "observations",
            dimensions: ["type", "model"],
            metrics: [
              { measure: "count", aggregation: "count" },
              { measure: "totalTokens", aggregation: "sum" },
              { measure: "totalCost", aggregation: "sum" },
              { measure: "inputTokens", aggregation: "sum" },
              { measure: "latency", aggregation: "p95" },
              { measure: "timeToFirstToken", aggregation: "p50" },
              { measure: "timeToFirstToken", aggregation: "count" },
              { measure: "errors", aggregation: "avg" },
            ],
          }),
        );
        const groups = groupBy(observations, (o) => JSON.stringify([o.type, o.model]));
        assert.equal(rows.length, groups.size);
        assert.ok(groups.has(JSON.stringify(["GENERATION", "gpt-4o"])) && groups.has(JSON.stringify(["GENERATION", "gpt-4o-mini"])));
        for (const row of rows) {
          const members = groups.get(JSON.stringify(row.dimensions)) ?? [];
          const label = JSON.stringify(row.dimensions);
          const ttft = present(members.map(ttftMs));
          const inputs = members.map((o) => o.usageDetails["input"]).filter((v): v is number => typeof v === "number");
          const expected = [
            members.length,
            sum(members.map((o) => tokensOf(o.usageDetails))),
            sum(members.map((o) => costOf(o.costDetails))),
            inputs.length === 0 ? null : sum(inputs),
            nearestRank(present(members.map(latencyMs)), 0.95),
            nearestRank(ttft, 0.5),
            ttft.length,
            members.filter((o) => o.level === "ERROR").length / members.length,
          ];
          expected.forEach((value, i) => assertClose(row.values[i], value, `${label} metric ${i}`));
        }
      }));

    it("buckets by hour in UTC, with the trace name from the observation's trace", () =>
      withProjects(open, async (store) => {
        const { traces, observations } = await load(store);
        const traceName = new Map(traces.map((t) => [t.id, t.name]));
        const rows = await store.queryMetrics(
          PROJECT,
          query({
            view: "observations",
            granularity: "hour",
            dimensions: ["traceName"],
            metrics: [
              { measure: "count", aggregation: "count" },
              { measure: "totalCost", aggregation: "sum" },
            ],
          }),
        );
        const hourOf = (ns: bigint) => Math.floor(Number(ns / 1_000_000n) / HOUR_MS) * HOUR_MS;
        const groups = groupBy(observations, (o) => JSON.stringify([hourOf(o.startTimeNs), traceName.get(o.traceId) ?? null]));
        assert.ok(groups.size >= 6, "several hours and two trace names");
        assert.deepEqual(
          rows.map((r) => JSON.stringify([r.bucketStartMs, ...r.dimensions])),
          [...groups.keys()].sort((a, b) => {
            const [ha, na] = JSON.parse(a ?? "") as [number, string];
            const [hb, nb] = JSON.parse(b ?? "") as [number, string];
            return ha !== hb ? ha - hb : na < nb ? -1 : na > nb ? 1 : 0;
          }),
        );
        for (const row of rows) {
          const members = groups.get(JSON.stringify([row.bucketStartMs, ...row.dimensions])) ?? [];
          assert.equal(row.values[0], members.length);
          assertClose(row.values[1], sum(members.map((o) => costOf(o.costDetails))), "hourly cost");
        }
      }));

    it("buckets traces by day, Monday weeks and calendar months", () =>
      withProjects(open, async (store) => {
        await load(store);
        for (const [granularity, startMs] of [
          ["day", Date.UTC(2026, 0, 1)],
          ["week", Date.UTC(2025, 11, 29)],
          ["month", Date.UTC(2026, 0, 1)],
        ] as const) {
          const rows = await store.queryMetrics(PROJECT, query({ view: "traces", granularity, metrics: [{ measure: "count", aggregation: "count" }] }));
          assert.deepEqual(rows, [{ bucketStartMs: startMs, dimensions: [], values: [12] }], granularity);
        }
      }));

    it("filters by environment, user and model, with = / != / any of / none of and null for a missing value", () =>
      withProjects(open, async (store) => {
        const { traces, observations } = await load(store);
        const userOf = new Map(traces.map((t) => [t.id, t.userId]));
        const cases: Array<[MetricsQuery["filters"], (o: StoredObservation) => boolean]> = [
          [[{ field: "environment", operator: "=", values: ["staging"] }], (o) => o.environment === "staging"],
          [[{ field: "environment", operator: "!=", values: ["staging"] }], (o) => o.environment !== "staging"],
          [[{ field: "model", operator: "any of", values: ["gpt-4o", null] }], (o) => o.model === "gpt-4o" || o.model === null],
          [[{ field: "model", operator: "none of", values: ["gpt-4o"] }], (o) => o.model !== "gpt-4o"],
          [[{ field: "model", operator: "!=", values: [null] }], (o) => o.model !== null],
          [[{ field: "userId", operator: "=", values: [null] }], (o) => (userOf.get(o.traceId) ?? null) === null],
          [
            [
              { field: "userId", operator: "any of", values: ["alice", "bob"] },
              { field: "type", operator: "=", values: ["GENERATION"] },
            ],
            (o) => ["alice", "bob"].includes(userOf.get(o.traceId) ?? "") && o.type === "GENERATION",
          ],
        ];
        for (const [filters, pick] of cases) {
          const rows = await store.queryMetrics(PROJECT, query({ view: "observations", filters, metrics: [{ measure: "totalTokens", aggregation: "sum" }, { measure: "count", aggregation: "count" }] }));
          const members = observations.filter(pick);
          assert.ok(members.length > 0 && members.length < observations.length, `the fixture exercises ${JSON.stringify(filters)}`);
          assert.deepEqual(rows[0]?.values, [sum(members.map((o) => tokensOf(o.usageDetails))), members.length], JSON.stringify(filters));
        }
      }));

    it("counts only the time range, and an empty range is one row of zero count and null values", () =>
      withProjects(open, async (store) => {
        const { traces } = await load(store);
        const from = BASE_NS + 60n * MINUTE_NS;
        const to = BASE_NS + 120n * MINUTE_NS;
        const rows = await store.queryMetrics(PROJECT, query({ view: "traces", fromNs: from, toNs: to, metrics: [{ measure: "count", aggregation: "count" }] }));
        assert.deepEqual(rows[0]?.values, [traces.filter((t) => t.startTimeNs >= from && t.startTimeNs < to).length]);
        const empty = await store.queryMetrics(
          PROJECT,
          query({ view: "observations", fromNs: TO_NS, toNs: TO_NS + MINUTE_NS, metrics: [{ measure: "count", aggregation: "count" }, { measure: "latency", aggregation: "p95" }, { measure: "totalCost", aggregation: "sum" }] }),
        );
        assert.deepEqual(empty, [{ bucketStartMs: null, dimensions: [], values: [0, null, null] }]);
      }));

    it("reflects recomputed costs on the next query", () =>
      withProjects(open, async (store) => {
        const price = (id: string, input: number): CustomModelPrice => ({
          id,
          projectId: PROJECT,
          modelName: "house-model",
          matchPattern: "^house-model$",
          startDateMs: null,
          unit: "TOKENS",
          prices: { input },
          createdAtMs: Date.UTC(2026, 0, 1),
        });
        const sourcesWith = (input: number) => ({ catalogue: new GenaiPricesCatalogue(), custom: new CustomPriceTable([price("p", input)]) });
        const records = [1, 2, 3].map((n) =>
          observation({ id: hexId(n, 16), traceId: hexId(n, 32), type: "GENERATION", model: "house-model", usageDetails: { input: 1000 * n }, startTimeNs: BASE_NS + BigInt(n) * MINUTE_NS }),
        );
        await store.insertObservations(
          PROJECT,
          records.map((r) => ({ ...r, ...priceObservation(r, sourcesWith(0.000001), 0) })),
        );
        const costByModel = async () =>
          (await store.queryMetrics(PROJECT, query({ view: "observations", dimensions: ["model"], metrics: [{ measure: "totalCost", aggregation: "sum" }] })))[0]?.values[0];
        const traceCost = async () => (await store.queryMetrics(PROJECT, query({ view: "traces", metrics: [{ measure: "totalCost", aggregation: "sum" }] })))[0]?.values[0];
        const storedCost = async () => sum((await store.listObservations(PROJECT, { page: 1, limit: 100 })).data.map((o) => costOf(o.costDetails)));
        assertClose(await costByModel(), await storedCost(), "before");
        assertClose(await costByModel(), 0.006, "1,000 + 2,000 + 3,000 input tokens at $1e-6");
        const reprice: Repricer = (input) => priceObservation({ ...input, costDetails: {} }, sourcesWith(0.000003), 0);
        await store.recomputeCosts(PROJECT, {}, reprice);
        assertClose(await costByModel(), await storedCost(), "after, observations");
        assertClose(await costByModel(), 0.018, "the new price");
        assertClose(await traceCost(), 0.018, "after, traces");
      }));

    it("reflects deleted traces on the next query", () =>
      withProjects(open, async (store) => {
        const { traces } = await load(store);
        const victim = traces[0] as TraceRecord;
        const metrics = [{ measure: "count", aggregation: "count" as const }, { measure: "totalTokens", aggregation: "sum" as const }];
        assert.ok(await store.deleteTrace(PROJECT, victim.id));
        const rows = await store.queryMetrics(PROJECT, query({ view: "traces", metrics }));
        assert.deepEqual(rows[0]?.values, [11, sum(traces.map((t) => t.totalTokens)) - victim.totalTokens]);
        const byUser = await store.queryMetrics(PROJECT, query({ view: "traces", dimensions: ["userId"], metrics }));
        const expected = groupBy(traces.slice(1), (t) => t.userId);
        assert.deepEqual(
          byUser.map((r) => [r.dimensions[0], r.values[0]]),
          [...expected].map(([user, members]) => [user, members.length]).sort((a, b) => (a[0] === null ? 1 : b[0] === null ? -1 : String(a[0]) < String(b[0]) ? -1 : 1)),
        );
      }));
  });
}
