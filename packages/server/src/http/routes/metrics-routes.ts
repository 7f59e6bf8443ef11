import { metricKey, type MetricsRow } from "../../storage/metrics-query.js";
import type { RouteDeps, SightlineApp } from "../app-env.js";
import { parseMetricsRequest, type MetricsRequest } from "../metrics-query-parser.js";
import { QueryParams } from "../query-params.js";
import { requireAuth } from "../require-auth.js";

type OutputRow = Record<string, string | number | null>;

/** A result row in the API shape: `time_dimension` (ISO), the dimension fields, then `${aggregation}_${measure}` keys. */
export function metricsRowToApi(request: MetricsRequest, row: MetricsRow): OutputRow {
  const out: OutputRow = {};
  if (request.query.granularity !== null) out["time_dimension"] = new Date(row.bucketStartMs ?? 0).toISOString();
  request.query.dimensions.forEach((field, i) => {
    out[field] = row.dimensions[i] ?? null;
  });
  request.query.metrics.forEach((metric, i) => {
    out[metricKey(metric)] = row.values[i] ?? null;
  });
  return out;
}

/** Sorts by the request's `orderBy` (stable over the store's bucket-then-dimension order); nulls last. */
function ordered(rows: OutputRow[], orderBy: MetricsRequest["orderBy"]): OutputRow[] {
  if (orderBy.length === 0) return rows;
  return [...rows].sort((a, b) => {
    for (const { field, direction } of orderBy) {
      const x = a[field] ?? null;
      const y = b[field] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const sign = direction === "asc" ? 1 : -1;
      return x < y ? -sign : sign;
    }
    return 0;
  });
}

/**
 * `GET /api/public/metrics?query={...}`: aggregates over traces or observations (Langfuse metrics API
 * v1 shape; see `parseMetricsRequest` for the accepted subset). Answers `{ data: [...], meta: { truncated } }`.
 */
export function registerMetricsRoutes(app: SightlineApp, deps: RouteDeps): void {
  const auth = requireAuth(deps.authenticator);

  app.get("/api/public/metrics", auth, async (c) => {
    const request = parseMetricsRequest(QueryParams.fromUrl(c.req.url).string("query"));
    const rows = await deps.store.queryMetrics(c.get("auth").projectId, request.query);
    const data = ordered(
      rows.map((row) => metricsRowToApi(request, row)),
      request.orderBy,
    );
    return c.json({ data: data.slice(0, request.limit), meta: { rows: data.length, truncated: data.length > request.limit } });
  });
}
