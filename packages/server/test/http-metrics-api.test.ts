// GET /api/public/metrics through the in-process app: the response shape (Langfuse v1 style keys),
// time buckets, ordering and limit, project isolation, and a precise 400 for each kind of bad query.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHarness } from "./support/http-harness.js";
import type { ApiError, Harness } from "./support/http-harness.js";
import { BASE_NS, observation } from "./support/store-fixtures.js";

let h: Harness;
const MS = 1_000_000n;
const FROM = "2026-01-01T00:00:00Z";
const TO = "2026-01-02T00:00:00Z";

before(async () => {
  h = await createHarness();
  const gen = (id: string, traceId: string, offsetMs: bigint, model: string, tokens: number, cost: number, level: "DEFAULT" | "ERROR" = "DEFAULT") =>
    observation({
      id,
      traceId,
      parentObservationId: `${traceId.slice(0, 16)}`,
      isAppRoot: false,
      name: "llm",
      type: "GENERATION",
      model,
      level,
      startTimeNs: BASE_NS + offsetMs * MS,
      endTimeNs: BASE_NS + (offsetMs + 400n) * MS,
      completionStartTimeNs: BASE_NS + (offsetMs + 100n) * MS,
      usageDetails: { input: tokens - 10, output: 10 },
      costDetails: { total: cost },
    });
  const root = (traceId: string, offsetMs: bigint, name: string, userId: string) =>
    observation({
      id: traceId.slice(0, 16),
      traceId,
      name,
      startTimeNs: BASE_NS + offsetMs * MS,
      endTimeNs: BASE_NS + (offsetMs + 1000n) * MS,
      trace: { name, userId },
    });
  const t1 = "1".repeat(32);
  const t2 = "2".repeat(32);
  const t3 = "3".repeat(32);
  await h.store.insertObservations("default", [
    root(t1, 0n, "chat", "alice"),
    gen("a1", t1, 10n, "gpt-4o", 110, 0.002),
    gen("a2", t1, 500n, "gpt-4o-mini", 60, 0.0001),
    root(t2, 3_600_000n, "chat", "bob"),
    gen("b1", t2, 3_600_010n, "gpt-4o", 210, 0.004, "ERROR"),
    root(t3, 7_200_000n, "search", "alice"),
  ]);
  await h.store.insertObservations("team-b", [root("9".repeat(32), 0n, "other", "carol")]);
});
after(async () => {
  await h.close();
});

type Rows = { data: Array<Record<string, string | number | null>>; meta: { rows: number; truncated: boolean } };

const metricsPath = (query: unknown) => `/api/public/metrics?query=${encodeURIComponent(typeof query === "string" ? query : JSON.stringify(query))}`;
const base = { fromTimestamp: FROM, toTimestamp: TO };

describe("GET /api/public/metrics", () => {
  it("answers totals with ${aggregation}_${measure} keys", async () => {
    const { status, body } = await h.get<Rows>(
      metricsPath({
        ...base,
        view: "traces",
        metrics: [
          { measure: "count", aggregation: "count" },
          { measure: "totalCost", aggregation: "sum" },
          { measure: "totalTokens", aggregation: "sum" },
          { measure: "errors", aggregation: "avg" },
        ],
      }),
    );
    assert.equal(status, 200);
    assert.equal(body.data.length, 1);
    const row = body.data[0] ?? {};
    assert.equal(row["count_count"], 3);
    assert.ok(Math.abs((row["sum_totalCost"] as number) - 0.0061) < 1e-12);
    assert.equal(row["sum_totalTokens"], 380);
    assert.ok(Math.abs((row["avg_errors"] as number) - 1 / 3) < 1e-12);
    assert.deepEqual(body.meta, { rows: 1, truncated: false });
  });

  it("buckets by hour and breaks down by model, with ISO time_dimension", async () => {
    const { body } = await h.get<Rows>(
      metricsPath({
        ...base,
        view: "observations",
        dimensions: [{ field: "model" }],
        filters: [{ column: "type", operator: "=", value: "GENERATION", type: "string" }],
        timeDimension: { granularity: "hour" },
        metrics: [
          { measure: "count", aggregation: "count" },
          { measure: "timeToFirstToken", aggregation: "p50" },
          { measure: "latency", aggregation: "max" },
        ],
      }),
    );
    assert.deepEqual(body.data, [
      { time_dimension: "2026-01-01T00:00:00.000Z", model: "gpt-4o", count_count: 1, p50_timeToFirstToken: 100, max_latency: 400 },
      { time_dimension: "2026-01-01T00:00:00.000Z", model: "gpt-4o-mini", count_count: 1, p50_timeToFirstToken: 100, max_latency: 400 },
      { time_dimension: "2026-01-01T01:00:00.000Z", model: "gpt-4o", count_count: 1, p50_timeToFirstToken: 100, max_latency: 400 },
    ]);
  });

  it("orders by a metric, limits the rows and says when it truncated", async () => {
    const { body } = await h.get<Rows>(
      metricsPath({
        ...base,
        view: "traces",
        dimensions: [{ field: "userId" }],
        metrics: [{ measure: "totalCost", aggregation: "sum" }],
        orderBy: [{ field: "sum_totalCost", direction: "desc" }],
        limit: 1,
      }),
    );
    assert.deepEqual(body.data, [{ userId: "bob", sum_totalCost: 0.004 }]);
    assert.deepEqual(body.meta, { rows: 2, truncated: true });
  });

  it("sees only the key's project", async () => {
    const { body } = await h.get<Rows>(metricsPath({ ...base, view: "traces", metrics: [{ measure: "count", aggregation: "count" }] }), h.keyB);
    assert.deepEqual(body.data, [{ count_count: 1 }]);
  });

  it("requires authentication", async () => {
    const { status } = await h.get(metricsPath({ ...base, view: "traces", metrics: [{ measure: "count", aggregation: "count" }] }), null);
    assert.equal(status, 401);
  });

  it("refuses bad queries with a 400 invalid_query that names the problem", async () => {
    const count = [{ measure: "count", aggregation: "count" }];
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /query parameter is required/],
      ["{not json", /not valid JSON/],
      ["[1]", /must be a JSON object/],
      [{ ...base, view: "spans", metrics: count }, /query\.view must be one of "traces", "observations", got "spans"/],
      [{ ...base, view: "traces", metrics: [] }, /query\.metrics must hold 1 to 10 metrics, got 0/],
      [{ ...base, view: "traces", metrics: [{ measure: "timeToFirstToken", aggregation: "avg" }] }, /measure \(a traces measure\) must be one of .*got "timeToFirstToken"/],
      [{ ...base, view: "traces", metrics: [{ measure: "latency", aggregation: "median" }] }, /aggregation must be one of .*got "median"/],
      [{ ...base, view: "traces", metrics: [{ measure: "errors", aggregation: "p95" }] }, /measure "errors" supports the aggregations sum, avg, not "p95"/],
      [{ ...base, view: "traces", metrics: [...count, ...count] }, /names count_count twice/],
      [{ ...base, view: "traces", metrics: count, dimensions: [{ field: "model" }] }, /dimensions\[0\]\.field \(a traces field\) must be one of .*got "model"/],
      [{ ...base, view: "observations", metrics: count, filters: [{ column: "model", operator: "contains", value: "gpt" }] }, /filters\[0\]\.operator must be one of/],
      [{ ...base, view: "observations", metrics: count, filters: [{ column: "model", operator: "=", value: 3 }] }, /filters\[0\]\.value must be a string \(or null\)/],
      [{ ...base, view: "observations", metrics: count, filters: [{ column: "model", operator: "any of", value: ["gpt", "a\u0000b"] }] }, /filters\[0\]\.value must not contain a NUL character/],
      [{ ...base, view: "traces", metrics: count, fromTimestamp: "yesterday" }, /fromTimestamp must be an ISO 8601 timestamp/],
      [{ view: "traces", metrics: count, fromTimestamp: TO, toTimestamp: FROM }, /fromTimestamp .* must be before query\.toTimestamp/],
      [{ ...base, view: "traces", metrics: count, timeDimension: { granularity: "second" } }, /granularity must be one of/],
      [{ view: "traces", metrics: count, fromTimestamp: "2020-01-01T00:00:00Z", toTimestamp: TO, timeDimension: { granularity: "minute" } }, /buckets over this range \(at most 1500\)/],
      [{ ...base, view: "traces", metrics: count, orderBy: [{ field: "sum_totalCost" }] }, /orderBy\[0\]\.field .* must be one of "count_count"/],
      [{ ...base, view: "traces", metrics: count, limit: 0 }, /limit must be an integer from 1 to 10000, got 0/],
    ];
    for (const [query, message] of cases) {
      const path = query === undefined ? "/api/public/metrics" : metricsPath(query);
      const { status, body } = await h.get<ApiError>(path);
      assert.equal(status, 400, JSON.stringify(query));
      assert.equal(body.error.code, "invalid_query");
      assert.match(body.error.message, message);
    }
    const health = await h.app.request("/api/public/health");
    assert.equal(health.status, 200, "the server keeps serving");
  });

  it("answers 405 with Allow for other methods", async () => {
    const res = await h.app.request("/api/public/metrics", { method: "POST", headers: { authorization: h.keyA.authorization } });
    assert.equal(res.status, 405);
    assert.match(res.headers.get("allow") ?? "", /GET/);
  });
});
