// The metrics queries the dashboard page issues (packages/web/src/model/dashboard-queries.ts), as
// store-level MetricsQuery objects over [fromNs, toNs), for the query benchmarks of both stores.

const count = { measure: "count", aggregation: "count" };
const percentiles = (measure) => ["p50", "p95", "p99"].map((aggregation) => ({ measure, aggregation }));

/** The dashboard's queries, named, for a time range with the given granularity. */
export function dashboardMetricQueries(fromNs, toNs, granularity = "day") {
  const q = (view, metrics, extra = {}) => ({ view, metrics, dimensions: [], filters: [], granularity: null, fromNs, toNs, ...extra });
  const traceTotals = [count, { measure: "totalCost", aggregation: "sum" }, { measure: "totalTokens", aggregation: "sum" }, { measure: "errors", aggregation: "avg" }, ...percentiles("latency")];
  const observationTotals = [count, { measure: "errors", aggregation: "avg" }, ...percentiles("timeToFirstToken")];
  const breakdown = [count, { measure: "totalCost", aggregation: "sum" }, { measure: "totalTokens", aggregation: "sum" }];
  return [
    { name: "metrics: trace totals (count, cost, tokens, error rate, latency p50/p95/p99)", query: q("traces", traceTotals) },
    { name: "metrics: observation totals (count, error rate, TTFT p50/p95/p99)", query: q("observations", observationTotals) },
    { name: `metrics: traces by ${granularity} (same measures)`, query: q("traces", traceTotals, { granularity }) },
    { name: `metrics: observations by ${granularity} (same measures)`, query: q("observations", observationTotals, { granularity }) },
    { name: "metrics: observations by model (count, cost, tokens)", query: q("observations", breakdown, { dimensions: ["model"] }) },
    { name: "metrics: observations by type", query: q("observations", breakdown, { dimensions: ["type"] }) },
    { name: "metrics: traces by name", query: q("traces", breakdown, { dimensions: ["name"] }) },
    { name: "metrics: traces by user", query: q("traces", breakdown, { dimensions: ["userId"] }) },
    { name: "metrics: traces by environment", query: q("traces", breakdown, { dimensions: ["environment"] }) },
  ];
}
