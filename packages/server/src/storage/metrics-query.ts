/**
 * The metrics query model shared by the HTTP layer and both stores (Langfuse's metrics API v1
 * shape, as a validated subset): a view, measures with aggregations, dimensions, string filters, an
 * optional time bucket, and a half-open time range. Values are computed from the stored rows at
 * query time, so recomputed costs and retention deletions show up on the next query.
 */

/** What one row is: a trace (the `traces` table) or an observation. */
export type MetricsView = "traces" | "observations";

/** How one measure is folded over the rows of a group. */
export type MetricsAggregation = "count" | "sum" | "avg" | "min" | "max" | "p50" | "p95" | "p99";

/** Every aggregation, in the order the API documents them. */
export const METRICS_AGGREGATIONS: readonly MetricsAggregation[] = ["count", "sum", "avg", "min", "max", "p50", "p95", "p99"];

/** Percentile aggregations and their fraction. Nearest rank: the value at 1-based rank ceil(p·n) of the ascending non-null values. */
export const PERCENTILES: Readonly<Partial<Record<MetricsAggregation, number>>> = { p50: 0.5, p95: 0.95, p99: 0.99 };

/** A fixed time bucket size (`auto` is resolved to one of these by the HTTP layer). */
export type MetricsGranularity = "minute" | "hour" | "day" | "week" | "month";

/** One metric of a query: a measure and how it is aggregated. Its result key is `${aggregation}_${measure}`. */
export interface MetricsMetric {
  measure: string;
  aggregation: MetricsAggregation;
}

/** A string filter on a dimension field; `null` in `values` matches a missing value. */
export interface MetricsFilter {
  field: string;
  operator: "=" | "!=" | "any of" | "none of";
  values: Array<string | null>;
}

/** A validated metrics query (see `parseMetricsQuery`). Times are nanoseconds since the epoch, `[fromNs, toNs)`. */
export interface MetricsQuery {
  view: MetricsView;
  metrics: MetricsMetric[];
  /** Dimension field names (see `METRICS_VIEWS`), grouped by in this order. */
  dimensions: string[];
  filters: MetricsFilter[];
  /** Group by time bucket (UTC; weeks start on Monday) or not at all. */
  granularity: MetricsGranularity | null;
  fromNs: bigint;
  toNs: bigint;
}

/** One group of a metrics result. */
export interface MetricsRow {
  /** The bucket's start, when the query has a granularity. */
  bucketStartMs: number | null;
  /** The dimension values, in the query's dimension order. */
  dimensions: Array<string | null>;
  /** The metric values, in the query's metric order (null: no non-null value in the group). */
  values: Array<number | null>;
}

/** A measure: the per-row value, its unit scale, and the aggregations that make sense for it. */
export interface MeasureSpec {
  /** SQL over the view's aliases (`t` traces, `o` observations); null for a plain row count. */
  sql: string | null;
  /** Multiplies the stored value into the API unit (ns to ms, pico-USD to USD). */
  scale: number;
  aggregations: readonly MetricsAggregation[];
  description: string;
}

/** A dimension: its SQL and whether it needs the trace joined to an observation. */
export interface FieldSpec {
  sql: string;
  needsTrace: boolean;
}

/** A view: its table, time column, dimensions and measures. */
export interface ViewSpec {
  from: string;
  /** The join that makes the trace's columns available as `t` (observations view only). */
  traceJoin: string | null;
  projectColumn: string;
  timeColumn: string;
  fields: Readonly<Record<string, FieldSpec>>;
  measures: Readonly<Record<string, MeasureSpec>>;
}

const ALL = METRICS_AGGREGATIONS;
const NS_TO_MS = 1e-6;
const PICO_TO_USD = 1e-12;

const traceField = (sql: string): FieldSpec => ({ sql, needsTrace: true });
const ownField = (sql: string): FieldSpec => ({ sql, needsTrace: false });

/**
 * The `traces` and `observations` views. Token classes come from `usage_details` (`input`,
 * `output`); `errors` is 1 for an ERROR row, so `sum` is the error count and `avg` the error rate.
 * The dialect-specific pieces (JSON access) are placeholders `{input}`/`{output}` filled by the store.
 */
export const METRICS_VIEWS: Readonly<Record<MetricsView, ViewSpec>> = {
  traces: {
    from: "traces t",
    traceJoin: null,
    projectColumn: "t.project_id",
    timeColumn: "t.start_ns",
    fields: {
      name: ownField("t.name"),
      traceName: ownField("t.name"),
      userId: ownField("t.user_id"),
      sessionId: ownField("t.session_id"),
      environment: ownField("t.environment"),
      level: ownField("t.level"),
    },
    measures: {
      count: { sql: null, scale: 1, aggregations: ["count"], description: "traces" },
      latency: { sql: "t.latency_ns", scale: NS_TO_MS, aggregations: ALL, description: "trace latency in milliseconds" },
      totalCost: { sql: "t.total_cost_pico", scale: PICO_TO_USD, aggregations: ALL, description: "trace cost in USD" },
      totalTokens: { sql: "t.total_tokens", scale: 1, aggregations: ALL, description: "trace tokens" },
      observationCount: { sql: "t.observation_count", scale: 1, aggregations: ALL, description: "observations per trace" },
      errors: { sql: "CASE WHEN t.level = 'ERROR' THEN 1 ELSE 0 END", scale: 1, aggregations: ["sum", "avg"], description: "1 for a trace with an error" },
    },
  },
  observations: {
    from: "observations o",
    traceJoin: "LEFT JOIN traces t ON t.project_id = o.project_id AND t.id = o.trace_id",
    projectColumn: "o.project_id",
    timeColumn: "o.start_ns",
    fields: {
      name: ownField("o.name"),
      type: ownField("o.type"),
      model: ownField("o.model"),
      environment: ownField("o.environment"),
      level: ownField("o.level"),
      traceName: traceField("t.name"),
      userId: traceField("t.user_id"),
      sessionId: traceField("t.session_id"),
    },
    measures: {
      count: { sql: null, scale: 1, aggregations: ["count"], description: "observations" },
      latency: { sql: "(o.end_ns - o.start_ns)", scale: NS_TO_MS, aggregations: ALL, description: "duration in milliseconds" },
      timeToFirstToken: {
        sql: "(o.completion_start_ns - o.start_ns)",
        scale: NS_TO_MS,
        aggregations: ALL,
        description: "time to first token in milliseconds (observations with a completion start)",
      },
      totalCost: { sql: "o.cost_pico", scale: PICO_TO_USD, aggregations: ALL, description: "cost in USD" },
      totalTokens: { sql: "o.tokens", scale: 1, aggregations: ALL, description: "tokens" },
      inputTokens: { sql: "{input}", scale: 1, aggregations: ALL, description: "usage_details.input" },
      outputTokens: { sql: "{output}", scale: 1, aggregations: ALL, description: "usage_details.output" },
      errors: { sql: "CASE WHEN o.level = 'ERROR' THEN 1 ELSE 0 END", scale: 1, aggregations: ["sum", "avg"], description: "1 for an ERROR observation" },
    },
  },
};

/** Bucket widths of the fixed-length granularities, in nanoseconds. */
export const BUCKET_NS: Readonly<Record<Exclude<MetricsGranularity, "month">, bigint>> = {
  minute: 60_000_000_000n,
  hour: 3_600_000_000_000n,
  day: 86_400_000_000_000n,
  week: 7n * 86_400_000_000_000n,
};

/** Weeks start on Monday: 1970-01-05 (the epoch was a Thursday). */
export const WEEK_OFFSET_NS = 4n * 86_400_000_000_000n;

/** The result key of a metric, as in Langfuse (`sum_totalCost`). */
export function metricKey(metric: MetricsMetric): string {
  return `${metric.aggregation}_${metric.measure}`;
}
