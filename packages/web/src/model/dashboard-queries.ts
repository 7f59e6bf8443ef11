import type { MetricsQuery, MetricsResultRow } from "../api/metrics.js";
import type { TimeRange } from "./time-range.js";
import { bucketStarts } from "./time-range.js";

// The dashboard's metrics queries and the pure shaping of their rows into totals, chart series and
// breakdown tables. Keys are the API's result keys (`${aggregation}_${measure}`).

const count = { measure: "count", aggregation: "count" } as const;
const percentiles = (measure: string) => (["p50", "p95", "p99"] as const).map((aggregation) => ({ measure, aggregation }));
const TRACE_METRICS = [count, { measure: "totalCost", aggregation: "sum" }, { measure: "totalTokens", aggregation: "sum" }, { measure: "errors", aggregation: "avg" }, ...percentiles("latency")] as const;
const OBSERVATION_METRICS = [count, { measure: "errors", aggregation: "avg" }, ...percentiles("timeToFirstToken")] as const;
const BREAKDOWN_METRICS = [count, { measure: "totalCost", aggregation: "sum" }, { measure: "totalTokens", aggregation: "sum" }] as const;

/** The breakdowns the dashboard shows, each one table. */
export const BREAKDOWNS = [
  { key: "model", title: "By model", view: "observations", field: "model", label: "Model" },
  { key: "traceName", title: "By trace name", view: "traces", field: "name", label: "Trace name" },
  { key: "user", title: "By user (top 20 by cost)", view: "traces", field: "userId", label: "User" },
  { key: "environment", title: "By environment", view: "traces", field: "environment", label: "Environment" },
  { key: "type", title: "By observation type", view: "observations", field: "type", label: "Type" },
] as const;

/** One breakdown's key. */
export type BreakdownKey = (typeof BREAKDOWNS)[number]["key"];

/** Every query of the dashboard for a range. */
export interface DashboardQueries {
  traceTotals: MetricsQuery;
  observationTotals: MetricsQuery;
  traceSeries: MetricsQuery;
  observationSeries: MetricsQuery;
  breakdowns: Record<BreakdownKey, MetricsQuery>;
}

/** The dashboard's queries over `[fromMs, toMs)`, bucketed by the range's granularity. */
export function dashboardQueries(range: TimeRange): DashboardQueries {
  const bounds = { fromTimestamp: new Date(range.fromMs).toISOString(), toTimestamp: new Date(range.toMs).toISOString() };
  const timeDimension = { granularity: range.granularity };
  const breakdowns = {} as Record<BreakdownKey, MetricsQuery>;
  for (const b of BREAKDOWNS) {
    breakdowns[b.key] = {
      view: b.view,
      metrics: BREAKDOWN_METRICS,
      dimensions: [{ field: b.field }],
      orderBy: [
        { field: "sum_totalCost", direction: "desc" },
        { field: "count_count", direction: "desc" },
      ],
      limit: b.key === "user" ? 20 : 100,
      ...bounds,
    };
  }
  return {
    traceTotals: { view: "traces", metrics: TRACE_METRICS, ...bounds },
    observationTotals: { view: "observations", metrics: OBSERVATION_METRICS, ...bounds },
    traceSeries: { view: "traces", metrics: TRACE_METRICS, timeDimension, ...bounds },
    observationSeries: { view: "observations", metrics: OBSERVATION_METRICS, timeDimension, ...bounds },
    breakdowns,
  };
}

/** A number cell of a row, or null. */
export function numberCell(row: MetricsResultRow | undefined, key: string): number | null {
  const value = row?.[key];
  return typeof value === "number" ? value : null;
}

/** Chart data: the bucket starts (ms) and, per key, one value per bucket. */
export interface Series {
  x: number[];
  values: Record<string, Array<number | null>>;
}

/**
 * Rows of a time-bucketed query as one value per bucket of the range. Counts and sums of an empty
 * bucket are 0; averages and percentiles stay null (a gap, not a fake zero).
 */
export function toSeries(rows: readonly MetricsResultRow[], range: TimeRange, keys: readonly string[]): Series {
  const byBucket = new Map<number, MetricsResultRow>();
  for (const row of rows) {
    const at = typeof row["time_dimension"] === "string" ? Date.parse(row["time_dimension"]) : Number.NaN;
    if (Number.isFinite(at)) byBucket.set(at, row);
  }
  const x = bucketStarts(range);
  const values: Record<string, Array<number | null>> = {};
  for (const key of keys) {
    const additive = key.startsWith("count_") || key.startsWith("sum_");
    values[key] = x.map((t) => numberCell(byBucket.get(t), key) ?? (additive ? 0 : null));
  }
  return { x, values };
}

/** One row of a breakdown table. */
export interface BreakdownRow {
  label: string | null;
  count: number;
  cost: number;
  tokens: number;
}

/** A breakdown query's rows as table rows (the server already ordered them by cost, then count). */
export function toBreakdown(rows: readonly MetricsResultRow[], field: string): BreakdownRow[] {
  return rows.map((row) => {
    const label = row[field];
    return {
      label: typeof label === "string" ? label : null,
      count: numberCell(row, "count_count") ?? 0,
      cost: numberCell(row, "sum_totalCost") ?? 0,
      tokens: numberCell(row, "sum_totalTokens") ?? 0,
    };
  });
}
