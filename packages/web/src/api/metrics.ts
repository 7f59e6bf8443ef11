import type { RequestOptions } from "./client.js";
import { queryString, request } from "./client.js";
import type { Infer, Schema } from "./schema.js";
import { array, boolean, object, record, SchemaError, withDefault } from "./schema.js";

// `GET /api/public/metrics`: the request shape (Langfuse metrics API v1 subset) and the response check.

/** Aggregations the server accepts. */
export type MetricsAggregation = "count" | "sum" | "avg" | "min" | "max" | "p50" | "p95" | "p99";

/** One metrics query; its result rows carry `time_dimension`, the dimension fields and `${aggregation}_${measure}` keys. */
export interface MetricsQuery {
  view: "traces" | "observations";
  metrics: ReadonlyArray<{ measure: string; aggregation: MetricsAggregation }>;
  dimensions?: ReadonlyArray<{ field: string }>;
  filters?: ReadonlyArray<{ column: string; operator: "=" | "!=" | "any of" | "none of"; value: string | null | ReadonlyArray<string | null> }>;
  timeDimension?: { granularity: "minute" | "hour" | "day" | "week" | "month" | "auto" };
  fromTimestamp: string;
  toTimestamp: string;
  orderBy?: ReadonlyArray<{ field: string; direction: "asc" | "desc" }>;
  limit?: number;
}

/** A result cell: a dimension value (string or null) or a metric value (number or null). */
const cell: Schema<string | number | null> = (v, path) => {
  if (v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) return v;
  throw new SchemaError(path, "string, number or null", v);
};

/** The response of `GET /api/public/metrics`. */
export const metricsResponse = object({
  data: array(record(cell)),
  meta: withDefault(object({ truncated: boolean }), { truncated: false }),
});

/** A metrics response. */
export type MetricsResponse = Infer<typeof metricsResponse>;

/** A metrics result row. */
export type MetricsResultRow = MetricsResponse["data"][number];

/** Runs a metrics query in the project. */
export function fetchMetrics(query: MetricsQuery, ctx: Pick<RequestOptions, "projectId" | "signal">): Promise<MetricsResponse> {
  return request(`/api/public/metrics${queryString({ query: JSON.stringify(query) })}`, metricsResponse, ctx);
}
