import { BUCKET_NS, METRICS_VIEWS, PERCENTILES, type MetricsQuery } from "./metrics-query.js";
import { bucketSql, buildMetricsSql, filterSql, type MetricsDialect, type MetricsStatements, type SqlStatement } from "./metrics-sql.js";

/**
 * Hourly partial aggregates of the observations view (`observation_rollups`), so a dashboard over
 * a month reads ~720 hours of groups instead of every observation (ADR 0010).
 *
 * - One row per (project, UTC hour, type, model, level, environment): the row count, the error
 *   count, and for latency, time to first token, cost and tokens their sum, non-null count, minimum
 *   and maximum. Counts, sums, averages, minimums and maximums of any union of hours follow exactly.
 * - An hour is "dirty" while `rollup_dirty_hours` names it: the ingest transaction marks the hours
 *   it writes, and triggers mark the hours of updated (replaced, re-priced) and deleted rows, in the
 *   same transaction as the change. A background job recomputes dirty hours that are over (the
 *   current hour stays dirty while it fills) from the rows and clears their mark.
 * - A query reads, in one snapshot, the rollups of the clean whole hours in its range and the rows
 *   of everything else (the partial hours at its edges and the dirty hours), and merges the
 *   partial groups. Percentiles do not merge: they are ranked over the rows of the whole range.
 * So a query answered through rollups returns exactly what the rows alone give, at any moment.
 */

/** One hour in nanoseconds: the rollup grain. */
export const HOUR_NS = BUCKET_NS.hour;

/** Dimensions (and filter fields) the rollups keep, with their rollup column. */
const ROLLUP_FIELDS: Readonly<Record<string, string>> = { type: "r.type", model: "r.model", level: "r.level", environment: "r.environment" };

/** Measures the rollups keep (sum, non-null count, min, max), by their column prefix. */
const ROLLUP_MEASURES: Readonly<Record<string, string>> = { latency: "latency", timeToFirstToken: "ttft", totalCost: "cost", totalTokens: "tokens" };

/** A query answers from rollups only when they save reading at least this many whole hours. */
const MIN_ROLLUP_HOURS = 2n;
/** Past this many separate row-read ranges (scattered dirty hours), the plain query is simpler and as fast. */
const MAX_RAW_RANGES = 24;

/** The rollup table's columns after `project_id, hour`, in order. */
export const ROLLUP_VALUE_COLUMNS: readonly string[] = [
  "type",
  "model",
  "level",
  "environment",
  "n",
  "errors",
  ...Object.values(ROLLUP_MEASURES).flatMap((prefix) => [`${prefix}_sum`, `${prefix}_n`, `${prefix}_min`, `${prefix}_max`]),
];

/** The rollup table (same DDL on both stores; `hour` is `start_ns / HOUR_NS`). */
export function rollupTableDdl(textType: string, integerType: string): string {
  const measures = Object.values(ROLLUP_MEASURES)
    .map((prefix) => `${prefix}_sum ${integerType}, ${prefix}_n ${integerType} NOT NULL, ${prefix}_min ${integerType}, ${prefix}_max ${integerType}`)
    .join(",\n    ");
  return `CREATE TABLE observation_rollups (
    project_id ${textType} NOT NULL,
    hour ${integerType} NOT NULL,
    type TEXT NOT NULL,
    model ${textType},
    level TEXT NOT NULL,
    environment ${textType} NOT NULL,
    n ${integerType} NOT NULL,
    errors ${integerType} NOT NULL,
    ${measures}
  );
  CREATE INDEX observation_rollups_hour ON observation_rollups (project_id, hour);`;
}

/**
 * The rollup rows of one project's `[fromNs, toNs)` (one hour), computed from the observations:
 * columns as `ROLLUP_VALUE_COLUMNS`. Binds project, from, to (as `p(1)`, `p(2)`, `p(3)`).
 */
export function rollupSelectSql(dialect: MetricsDialect): string {
  const measures = METRICS_VIEWS.observations.measures;
  const aggregates = Object.keys(ROLLUP_MEASURES).flatMap((measure) => {
    const value = measures[measure]?.sql ?? "NULL";
    return [`SUM(${value})`, `COUNT(${value})`, `MIN(${value})`, `MAX(${value})`];
  });
  const hint = dialect.observationsIndexHint === "" ? "" : ` ${dialect.observationsIndexHint}`;
  return `SELECT o.type, o.model, o.level, o.environment, COUNT(*), SUM(${measures["errors"]?.sql ?? "0"}), ${aggregates.join(", ")}
    FROM observations o${hint}
    WHERE o.project_id = ${dialect.placeholder(1)} AND o.start_ns >= ${dialect.placeholder(2)} AND o.start_ns < ${dialect.placeholder(3)}
    GROUP BY o.type, o.model, o.level, o.environment`;
}

/** The whole hours `[fromHour, toHour)` of a query's range that rollups may answer. */
export interface RollupPlan {
  fromHour: bigint;
  toHour: bigint;
}

/**
 * Whether rollups can answer (part of) this query: the observations view, time buckets of an hour
 * or more (or none), dimensions and filters the rollups keep, and measures they keep (percentiles
 * of them are ranked from the rows), over a range holding at least `MIN_ROLLUP_HOURS` whole hours.
 */
export function planRollup(query: MetricsQuery): RollupPlan | null {
  if (query.view !== "observations" || query.granularity === "minute" || query.fromNs < 0n) return null;
  if (![...query.dimensions, ...query.filters.map((f) => f.field)].every((field) => field in ROLLUP_FIELDS)) return null;
  let additive = false;
  for (const metric of query.metrics) {
    if (PERCENTILES[metric.aggregation] !== undefined) {
      if (!(metric.measure in ROLLUP_MEASURES)) return null;
      continue;
    }
    if (metric.measure !== "count" && metric.measure !== "errors" && !(metric.measure in ROLLUP_MEASURES)) return null;
    additive = true;
  }
  if (!additive) return null;
  const fromHour = (query.fromNs + HOUR_NS - 1n) / HOUR_NS;
  const toHour = query.toNs / HOUR_NS;
  return toHour - fromHour >= MIN_ROLLUP_HOURS ? { fromHour, toHour } : null;
}

/** The dirty hours of a project in `[fromHour, toHour)`. Binds project, fromHour, toHour. */
export function dirtyHoursSql(dialect: MetricsDialect): string {
  return `SELECT DISTINCT hour FROM rollup_dirty_hours WHERE project_id = ${dialect.placeholder(1)} AND hour >= ${dialect.placeholder(2)} AND hour < ${dialect.placeholder(3)}`;
}

/** The statements of a query answered through rollups: one over the rollups, one per range of rows, and the percentiles over the whole range. */
export interface RollupStatements {
  rollup: SqlStatement;
  raw: SqlStatement[];
  /** Percentile metrics over the whole range (null when the query has none). */
  percentiles: MetricsStatements | null;
}

/**
 * The statements that answer `query` through rollups, given the dirty hours of its range (read in
 * the same snapshot the statements run in), or null when too many scattered ranges would have to
 * be read from the rows. Run them and hand the rows to `mergeGroups` then `collectMetricsRows`.
 */
export function rollupStatements(projectId: string, query: MetricsQuery, plan: RollupPlan, dirtyHours: readonly bigint[], dialect: MetricsDialect): RollupStatements | null {
  const ranges: Array<[bigint, bigint]> = [];
  const addRange = (fromNs: bigint, toNs: bigint) => {
    if (fromNs >= toNs) return;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last[1] === fromNs) last[1] = toNs;
    else ranges.push([fromNs, toNs]);
  };
  addRange(query.fromNs, plan.fromHour * HOUR_NS);
  for (const hour of [...dirtyHours].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) addRange(hour * HOUR_NS, (hour + 1n) * HOUR_NS);
  addRange(plan.toHour * HOUR_NS, query.toNs);
  if (ranges.length > MAX_RAW_RANGES) return null;
  const raw = ranges.map(([fromNs, toNs]) => buildMetricsSql(projectId, { ...query, fromNs, toNs }, dialect, "additive").main);
  const hasPercentiles = query.metrics.some((metric) => PERCENTILES[metric.aggregation] !== undefined);
  return {
    rollup: rollupSql(projectId, query, plan, dialect),
    raw,
    percentiles: hasPercentiles ? buildMetricsSql(projectId, query, dialect, "percentiles") : null,
  };
}

/** The additive metrics of the query over the clean rolled-up hours of the plan, columns named as `buildMetricsSql` names them. */
function rollupSql(projectId: string, query: MetricsQuery, plan: RollupPlan, dialect: MetricsDialect): SqlStatement {
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return dialect.placeholder(params.length);
  };
  const field = (name: string): string => ROLLUP_FIELDS[name] ?? "NULL";
  const conditions = [`r.project_id = ${param(projectId)}`, `r.hour >= ${param(plan.fromHour)}`, `r.hour < ${param(plan.toHour)}`];
  for (const filter of query.filters) conditions.push(filterSql(field(filter.field), filter, param));
  conditions.push("NOT EXISTS (SELECT 1 FROM rollup_dirty_hours d WHERE d.project_id = r.project_id AND d.hour = r.hour)");
  const keys: string[] = [];
  if (query.granularity !== null) keys.push(`${bucketSql(`(r.hour * ${HOUR_NS})`, query.granularity, dialect)} AS b`);
  query.dimensions.forEach((name, i) => keys.push(`${field(name)} AS d${i}`));
  const columns = [...keys, "SUM(r.n) AS rows_n"];
  query.metrics.forEach((metric, i) => {
    if (PERCENTILES[metric.aggregation] !== undefined) return;
    if (metric.measure === "count") columns.push(`SUM(r.n) AS m${i}`);
    else if (metric.measure === "errors") {
      columns.push(`SUM(r.errors) AS m${i}`);
      if (metric.aggregation === "avg") columns.push(`SUM(r.n) AS n${i}`);
    } else {
      const prefix = `r.${ROLLUP_MEASURES[metric.measure] ?? ""}`;
      if (metric.aggregation === "avg") columns.push(`SUM(${prefix}_sum) AS m${i}`, `SUM(${prefix}_n) AS n${i}`);
      else if (metric.aggregation === "count") columns.push(`SUM(${prefix}_n) AS m${i}`);
      else if (metric.aggregation === "min") columns.push(`MIN(${prefix}_min) AS m${i}`);
      else if (metric.aggregation === "max") columns.push(`MAX(${prefix}_max) AS m${i}`);
      else columns.push(`SUM(${prefix}_sum) AS m${i}`);
    }
  });
  const groupBy = keys.length === 0 ? "" : ` GROUP BY ${keys.map((_, i) => i + 1).join(", ")}`;
  return { sql: `SELECT ${columns.join(", ")} FROM observation_rollups r WHERE ${conditions.join(" AND ")}${groupBy}`, params };
}
