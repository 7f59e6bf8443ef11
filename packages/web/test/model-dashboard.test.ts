import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dashboardQueries, toBreakdown, toSeries } from "../src/model/dashboard-queries.js";
import { bucketStart, bucketStarts, granularityFor, resolveRange } from "../src/model/time-range.js";

const NOW = Date.UTC(2026, 0, 15, 12, 34, 56);

describe("resolveRange", () => {
  it("ends relative ranges at the next whole minute and picks the bucket size", () => {
    const end = Date.UTC(2026, 0, 15, 12, 35);
    assert.deepEqual(resolveRange("1h", null, null, NOW), { key: "1h", fromMs: end - 3_600_000, toMs: end, granularity: "minute" });
    assert.deepEqual(resolveRange("24h", null, null, NOW), { key: "24h", fromMs: end - 86_400_000, toMs: end, granularity: "hour" });
    assert.equal(resolveRange("7d", null, null, NOW).granularity, "hour");
    assert.equal(resolveRange("30d", null, null, NOW).granularity, "day");
  });

  it("takes a custom range from the URL, and falls back to 24 hours when it is missing or reversed", () => {
    const custom = resolveRange("custom", "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", NOW);
    assert.deepEqual(custom, { key: "custom", fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 2, 1), granularity: "day" });
    assert.equal(resolveRange("custom", "2026-03-01T00:00:00Z", "2026-01-01T00:00:00Z", NOW).key, "24h");
    assert.equal(resolveRange("custom", "soon", null, NOW).key, "24h");
    assert.equal(resolveRange("bogus", null, null, NOW).key, "24h");
    assert.equal(granularityFor(400 * 86_400_000), "week");
    assert.equal(granularityFor(800 * 86_400_000), "month");
  });
});

describe("bucketStarts", () => {
  it("aligns buckets in UTC as the server does: Monday weeks, calendar months", () => {
    assert.equal(bucketStart(Date.UTC(2026, 0, 1, 13, 5), "hour"), Date.UTC(2026, 0, 1, 13));
    assert.equal(bucketStart(Date.UTC(2026, 0, 1, 13, 5), "week"), Date.UTC(2025, 11, 29), "Thursday 1 January 2026 is in the week of Monday 29 December");
    assert.deepEqual(bucketStarts({ fromMs: Date.UTC(2026, 0, 20), toMs: Date.UTC(2026, 3, 1), granularity: "month" }), [
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 1, 1),
      Date.UTC(2026, 2, 1),
    ]);
    assert.equal(bucketStarts({ fromMs: NOW - 3_600_000, toMs: NOW, granularity: "minute" }).length, 61);
  });
});

describe("toSeries", () => {
  it("fills empty buckets with 0 for counts and sums, and leaves percentiles as gaps", () => {
    const range = { fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 0, 1, 3), granularity: "hour" as const };
    const series = toSeries(
      [
        { time_dimension: "2026-01-01T00:00:00.000Z", count_count: 4, sum_totalCost: 0.5, p95_latency: 120 },
        { time_dimension: "2026-01-01T02:00:00.000Z", count_count: 1, sum_totalCost: 0.25, p95_latency: null },
      ],
      range,
      ["count_count", "sum_totalCost", "p95_latency"],
    );
    assert.deepEqual(series.x, [Date.UTC(2026, 0, 1, 0), Date.UTC(2026, 0, 1, 1), Date.UTC(2026, 0, 1, 2)]);
    assert.deepEqual(series.values, { count_count: [4, 0, 1], sum_totalCost: [0.5, 0, 0.25], p95_latency: [120, null, null] });
  });
});

describe("dashboardQueries", () => {
  it("asks for totals, series in the range's granularity and ordered breakdowns", () => {
    const q = dashboardQueries({ fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 0, 2), granularity: "hour" });
    assert.equal(q.traceTotals.fromTimestamp, "2026-01-01T00:00:00.000Z");
    assert.equal(q.traceTotals.timeDimension, undefined);
    assert.deepEqual(q.traceSeries.timeDimension, { granularity: "hour" });
    assert.deepEqual(q.breakdowns.model.dimensions, [{ field: "model" }]);
    assert.equal(q.breakdowns.model.view, "observations");
    assert.equal(q.breakdowns.user.limit, 20);
    assert.deepEqual(
      toBreakdown([{ model: "gpt-4o", count_count: 2, sum_totalCost: 0.1, sum_totalTokens: 300 }, { model: null, count_count: 5, sum_totalCost: null, sum_totalTokens: 0 }], "model"),
      [
        { label: "gpt-4o", count: 2, cost: 0.1, tokens: 300 },
        { label: null, count: 5, cost: 0, tokens: 0 },
      ],
    );
  });
});
