import {
  BUCKET_NS,
  METRICS_AGGREGATIONS,
  METRICS_VIEWS,
  metricKey,
  type MetricsAggregation,
  type MetricsFilter,
  type MetricsGranularity,
  type MetricsQuery,
  type MetricsView,
} from "../storage/metrics-query.js";
import { HttpError } from "./http-error.js";
import { parseIsoToNanos, withoutNul } from "./query-params.js";

/** Most metrics in one query. */
export const MAX_METRICS = 10;
/** Most dimensions in one query (besides time). */
export const MAX_DIMENSIONS = 3;
/** Most time buckets one query may produce. */
export const MAX_BUCKETS = 1500;
/** Most result rows (default and ceiling of `limit`). */
export const MAX_METRICS_ROWS = 10_000;

/** A parsed `GET /api/public/metrics` request: the store query plus the ordering and limit applied to its rows. */
export interface MetricsRequest {
  query: MetricsQuery;
  orderBy: Array<{ field: string; direction: "asc" | "desc" }>;
  limit: number;
}

const GRANULARITIES: readonly string[] = ["minute", "hour", "day", "week", "month", "auto"];
const OPERATORS: readonly string[] = ["=", "!=", "any of", "none of"];

function invalid(message: string): HttpError {
  return new HttpError(400, "invalid_query", message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown, name: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`query.${name} must be an array, got ${JSON.stringify(value)}.`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly string[], name: string): T {
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw invalid(`${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

function timestamp(value: unknown, name: string): bigint {
  const ns = typeof value === "string" ? parseIsoToNanos(value) : undefined;
  if (ns === undefined) throw invalid(`query.${name} must be an ISO 8601 timestamp with a zone (e.g. "2026-01-01T00:00:00Z"), got ${JSON.stringify(value)}.`);
  return ns;
}

/**
 * The granularity `auto` picks for a range: about 30 to 200 buckets for common ranges (an hour by
 * minute, a day by hour, a month by day).
 */
export function autoGranularity(rangeNs: bigint): MetricsGranularity {
  const hours = Number(rangeNs / BUCKET_NS.hour);
  if (hours <= 3) return "minute";
  if (hours <= 72) return "hour";
  if (hours <= 24 * 120) return "day";
  if (hours <= 24 * 730) return "week";
  return "month";
}

/**
 * Parses and validates the `query` parameter of `GET /api/public/metrics` (Langfuse metrics API v1
 * shape). Every problem is a 400 `invalid_query` naming the field, the value and what is allowed.
 *
 * @example
 * parseMetricsRequest('{"view":"traces","metrics":[{"measure":"count","aggregation":"count"}],' +
 *   '"fromTimestamp":"2026-01-01T00:00:00Z","toTimestamp":"2026-01-02T00:00:00Z"}');
 */
export function parseMetricsRequest(text: string | undefined): MetricsRequest {
  if (text === undefined) throw invalid("The query parameter is required: a JSON object with view, metrics, fromTimestamp and toTimestamp.");
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid(`The query parameter is not valid JSON (${(error as Error).message}).`);
  }
  if (!isObject(raw)) throw invalid(`The query parameter must be a JSON object, got ${JSON.stringify(raw)}.`);

  const viewName = oneOf<MetricsView>(raw["view"], Object.keys(METRICS_VIEWS), "query.view");
  const view = METRICS_VIEWS[viewName];
  const fieldNames = Object.keys(view.fields);
  const field = (value: unknown, name: string): string => oneOf(value, fieldNames, `${name} (a ${viewName} field)`);

  const metricItems = list(raw["metrics"], "metrics");
  if (metricItems.length === 0 || metricItems.length > MAX_METRICS) throw invalid(`query.metrics must hold 1 to ${MAX_METRICS} metrics, got ${metricItems.length}.`);
  const metrics = metricItems.map((item, i) => {
    if (!isObject(item)) throw invalid(`query.metrics[${i}] must be an object with measure and aggregation, got ${JSON.stringify(item)}.`);
    const measure = oneOf<string>(item["measure"], Object.keys(view.measures), `query.metrics[${i}].measure (a ${viewName} measure)`);
    const allowed = view.measures[measure]?.aggregations ?? [];
    const aggregation = oneOf<MetricsAggregation>(item["aggregation"], METRICS_AGGREGATIONS, `query.metrics[${i}].aggregation`);
    if (!allowed.includes(aggregation)) {
      throw invalid(`query.metrics[${i}]: measure ${JSON.stringify(measure)} supports the aggregations ${allowed.join(", ")}, not ${JSON.stringify(aggregation)}.`);
    }
    return { measure, aggregation };
  });
  const keys = metrics.map(metricKey);
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated !== undefined) throw invalid(`query.metrics names ${repeated} twice.`);

  const dimensionItems = list(raw["dimensions"], "dimensions");
  if (dimensionItems.length > MAX_DIMENSIONS) throw invalid(`query.dimensions holds at most ${MAX_DIMENSIONS} fields, got ${dimensionItems.length}.`);
  const dimensions = dimensionItems.map((item, i) => field(isObject(item) ? item["field"] : item, `query.dimensions[${i}].field`));
  const twice = dimensions.find((d, i) => dimensions.indexOf(d) !== i);
  if (twice !== undefined) throw invalid(`query.dimensions names ${twice} twice.`);

  const filters = list(raw["filters"], "filters").map((item, i) => parseFilter(item, i, field));
  if (filters.length > 20) throw invalid(`query.filters holds at most 20 filters, got ${filters.length}.`);

  const fromNs = timestamp(raw["fromTimestamp"], "fromTimestamp");
  const toNs = timestamp(raw["toTimestamp"], "toTimestamp");
  if (fromNs >= toNs) throw invalid(`query.fromTimestamp (${String(raw["fromTimestamp"])}) must be before query.toTimestamp (${String(raw["toTimestamp"])}).`);

  const granularity = parseGranularity(raw["timeDimension"], toNs - fromNs);
  const outputKeys = [...(granularity === null ? [] : ["time_dimension"]), ...dimensions, ...keys];
  const orderBy = list(raw["orderBy"], "orderBy").map((item, i) => {
    if (!isObject(item)) throw invalid(`query.orderBy[${i}] must be an object with field and direction, got ${JSON.stringify(item)}.`);
    return {
      field: oneOf<string>(item["field"], outputKeys, `query.orderBy[${i}].field (a dimension, time_dimension or metric key of this query)`),
      direction: oneOf<"asc" | "desc">(item["direction"] ?? "asc", ["asc", "desc"], `query.orderBy[${i}].direction`),
    };
  });
  const limitRaw = raw["limit"] ?? MAX_METRICS_ROWS;
  if (typeof limitRaw !== "number" || !Number.isInteger(limitRaw) || limitRaw < 1 || limitRaw > MAX_METRICS_ROWS) {
    throw invalid(`query.limit must be an integer from 1 to ${MAX_METRICS_ROWS}, got ${JSON.stringify(limitRaw)}.`);
  }
  return { query: { view: viewName, metrics, dimensions, filters, granularity, fromNs, toNs }, orderBy, limit: limitRaw };
}

function parseFilter(item: unknown, i: number, field: (value: unknown, name: string) => string): MetricsFilter {
  const name = `query.filters[${i}]`;
  if (!isObject(item)) throw invalid(`${name} must be an object with column, operator and value, got ${JSON.stringify(item)}.`);
  const column = field(item["column"] ?? item["field"], `${name}.column`);
  const operator = oneOf<MetricsFilter["operator"]>(item["operator"], OPERATORS, `${name}.operator`);
  const value = item["value"];
  const many = operator === "any of" || operator === "none of";
  const values: unknown[] = many ? (Array.isArray(value) ? value : [value]) : [value];
  if (many && (values.length === 0 || values.length > 100)) throw invalid(`${name}.value must list 1 to 100 values for ${JSON.stringify(operator)}.`);
  for (const v of values) {
    if (typeof v !== "string" && v !== null) {
      throw invalid(`${name}.value must be ${many ? "an array of strings (or null)" : "a string (or null)"} for ${JSON.stringify(operator)}, got ${JSON.stringify(value)}.`);
    }
    if (typeof v === "string") withoutNul(`${name}.value`, v);
  }
  return { field: column, operator, values: values as Array<string | null> };
}

function parseGranularity(value: unknown, rangeNs: bigint): MetricsGranularity | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw invalid(`query.timeDimension must be an object like {"granularity":"day"}, got ${JSON.stringify(value)}.`);
  const named = oneOf<MetricsGranularity | "auto">(value["granularity"], GRANULARITIES, "query.timeDimension.granularity");
  const granularity = named === "auto" ? autoGranularity(rangeNs) : named;
  const width = granularity === "month" ? 28n * BUCKET_NS.day : BUCKET_NS[granularity];
  const buckets = rangeNs / width + 1n;
  if (buckets > BigInt(MAX_BUCKETS)) {
    throw invalid(`query.timeDimension.granularity ${JSON.stringify(named)} gives ${buckets} buckets over this range (at most ${MAX_BUCKETS}); choose a coarser granularity or a shorter range.`);
  }
  return granularity;
}
