import { BUCKET_NS, METRICS_VIEWS, PERCENTILES, type MetricsQuery } from "./metrics-query.js";
import { bucketSql, buildMetricsSql, filterSql, keyAlias, SqlParams, viewSelect, type MetricsDialect, type SqlStatement } from "./metrics-sql.js";

/**
 * Hourly partial aggregates of the observations view (`observation_rollups`), so a dashboard over
 * a month reads ~720 hours of groups instead of every observation (ADR 0010).
 *
 * - One row per (project, UTC hour, type, model, level, environment): the row count, the error
 *   count, and for latency, time to first token, cost and tokens their sum, non-null count, minimum
 *   and maximum. Counts, sums, averages, minimums and maximums of any union of hours follow exactly.
 *   For latency and time to first token the row also keeps every value (PostgreSQL: a BIGINT[];
 *   SQLite: a BLOB of doubles), so their percentiles over any union of hours are exact too: the
 *   nearest rank over the hours' values and the rows' values of the rest of the range.
 * - An hour is "dirty" while `rollup_dirty_hours` names it: the ingest transaction marks the hours
 *   it writes, and triggers mark the hours of updated (replaced, re-priced) and deleted rows, in the
 *   same transaction as the change. A background job recomputes dirty hours that are over (the
 *   current hour stays dirty while it fills) from the rows and clears their mark.
 * - A query reads, in one snapshot, the rollups of the clean whole hours in its range and the rows
 *   of everything else (the partial hours at its edges and the dirty hours), and merges the
 *   partial groups; percentiles rank the union of the kept values and the rows' values.
 * So a query answered through rollups returns exactly what the rows alone give, at any moment.
 */

/** One hour in nanoseconds: the rollup grain. */
export const HOUR_NS = BUCKET_NS.hour;

/** Dimensions (and filter fields) the rollups keep, with their rollup column. */
const ROLLUP_FIELDS: Readonly<Record<string, string>> = { type: "r.type", model: "r.model", level: "r.level", environment: "r.environment" };

/** Measures the rollups keep (sum, non-null count, min, max), by their column prefix. */
const ROLLUP_MEASURES: Readonly<Record<string, string>> = { latency: "latency", timeToFirstToken: "ttft", totalCost: "cost", totalTokens: "tokens" };

/** Measures whose values the rollups keep (for percentiles), by their column. */
const ROLLUP_VALUES: Readonly<Record<string, string>> = { latency: "latency_values", timeToFirstToken: "ttft_values" };

/** The value-list columns of the rollup table, in order. */
export const ROLLUP_VALUES_COLUMNS: readonly string[] = Object.values(ROLLUP_VALUES);

/** The per-row SQL of the measures whose values the rollups keep, in `ROLLUP_VALUES_COLUMNS` order. */
export const ROLLUP_VALUES_SQL: readonly string[] = Object.keys(ROLLUP_VALUES).map((measure) => METRICS_VIEWS.observations.measures[measure]?.sql ?? "NULL");

/** A query answers from rollups only when they save reading at least this many whole hours. */
const MIN_ROLLUP_HOURS = 2n;
/** Past this many separate row-read ranges (scattered dirty hours), the plain query is simpler and as fast. */
const MAX_RAW_RANGES = 24;
/**
 * When at least this share of the whole hours is dirty (e.g. right after an upgrade, before the job
 * caught up), the plain query, tuned for reading rows, is faster than rollups plus rows.
 */
const MAX_DIRTY_SHARE = 0.5;

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
export function rollupTableDdl(textType: string, integerType: string, valuesType: string): string {
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
    ${measures},
    ${ROLLUP_VALUES_COLUMNS.map((column) => `${column} ${valuesType}`).join(",\n    ")}
  );
  CREATE INDEX observation_rollups_hour ON observation_rollups (project_id, hour);`;
}

/**
 * The rollup rows of one project's `[fromNs, toNs)` (one hour), computed from the observations:
 * columns as `ROLLUP_VALUE_COLUMNS`, then (where the database aggregates arrays) the value lists
 * as `ROLLUP_VALUES_COLUMNS`. Binds project, from, to (as `p(1)`, `p(2)`, `p(3)`).
 */
export function rollupSelectSql(dialect: MetricsDialect): string {
  const measures = METRICS_VIEWS.observations.measures;
  const aggregates = Object.keys(ROLLUP_MEASURES).flatMap((measure) => {
    const value = measures[measure]?.sql ?? "NULL";
    return [`SUM(${value})`, `COUNT(${value})`, `MIN(${value})`, `MAX(${value})`];
  });
  if (dialect.rollupValues === "array") aggregates.push(...ROLLUP_VALUES_SQL.map((value) => `array_agg(${value}) FILTER (WHERE ${value} IS NOT NULL)`));
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
      if (!(metric.measure in ROLLUP_VALUES)) return null;
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

/**
 * The values of one measure whose percentiles a query wants, from the rollups of the clean hours
 * and the rows of the rest: `statements[0]` selects the group keys and the rollups' value list as
 * `x`, the others the keys and each row's value as `x`, one per range of rows. Their placeholders
 * number on from one statement to the next, so PostgreSQL can run them as one UNION ALL.
 */
export interface PercentileSources {
  measure: string;
  /** The metrics (by index in the query) to rank from these values, and their fraction. */
  wanted: Array<{ index: number; fraction: number }>;
  /** The group key aliases (`b`, `d0`…), in column order. */
  keys: string[];
  statements: SqlStatement[];
}

/** The statements of a query answered through rollups: one over the rollups, one per range of rows, and the sources of each percentile measure. */
export interface RollupStatements {
  rollup: SqlStatement;
  raw: SqlStatement[];
  percentiles: PercentileSources[];
}

/**
 * The statements that answer `query` through rollups, given the dirty hours of its range (read in
 * the same snapshot the statements run in), or null when reading only rows is the better plan
 * (many scattered ranges, or most hours dirty). Run them and hand the rows to `mergeGroups` then `collectMetricsRows`.
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
  if (ranges.length > MAX_RAW_RANGES || dirtyHours.length >= MAX_DIRTY_SHARE * Number(plan.toHour - plan.fromHour)) return null;
  const raw = ranges.map(([fromNs, toNs]) => buildMetricsSql(projectId, { ...query, fromNs, toNs }, dialect, "additive").main);
  const wanted = new Map<string, Array<{ index: number; fraction: number }>>();
  query.metrics.forEach((metric, index) => {
    const fraction = PERCENTILES[metric.aggregation];
    if (fraction !== undefined) wanted.set(metric.measure, [...(wanted.get(metric.measure) ?? []), { index, fraction }]);
  });
  const percentiles = [...wanted].map(([measure, metrics]): PercentileSources => {
    const rolled = new SqlParams(dialect);
    const { where, keys } = rollupWhere(projectId, query, plan, dialect, rolled);
    const column = `r.${ROLLUP_VALUES[measure] ?? ""}`;
    const values = dialect.rollupValues === "array" ? { from: ` CROSS JOIN LATERAL unnest(${column}) AS v(x)`, x: "v.x" } : { from: "", x: column };
    const statements = [{ sql: `SELECT ${[...keys, `${values.x} AS x`].join(", ")} FROM observation_rollups r${values.from} ${where} AND ${column} IS NOT NULL`, params: rolled.values }];
    let offset = rolled.end;
    for (const [fromNs, toNs] of ranges) {
      const params = new SqlParams(dialect, offset);
      const part = viewSelect(projectId, { ...query, fromNs, toNs }, dialect, params);
      const value = part.measureSql(measure) ?? "NULL";
      statements.push({ sql: `SELECT ${[...part.keys, `${dialect.percentileValue(value)} AS x`].join(", ")} FROM ${part.from} ${part.where} AND ${value} IS NOT NULL`, params: params.values });
      offset = params.end;
    }
    return { measure, wanted: metrics, keys: keys.map(keyAlias), statements };
  });
  return { rollup: rollupSql(projectId, query, plan, dialect), raw, percentiles };
}

/**
 * One statement that ranks a measure's values from all its sources where the database has a
 * percentile aggregate (PostgreSQL): `SELECT keys, percentile_disc(…) … FROM (… UNION ALL …)`.
 */
export function percentileUnionSql(sources: PercentileSources, dialect: MetricsDialect): SqlStatement {
  const columns = [...sources.keys, ...sources.wanted.map(({ index, fraction }) => `${dialect.percentileAggregate(fraction, "u.x") ?? "NULL"} AS m${index}`)];
  const groupBy = sources.keys.length === 0 ? "" : ` GROUP BY ${sources.keys.join(", ")}`;
  return {
    sql: `SELECT ${columns.join(", ")} FROM (${sources.statements.map((s) => s.sql).join(" UNION ALL ")}) u${groupBy}`,
    params: sources.statements.flatMap((s) => s.params),
  };
}

/** The WHERE clause and group keys of a statement over the clean rolled-up hours of the plan. */
function rollupWhere(projectId: string, query: MetricsQuery, plan: RollupPlan, dialect: MetricsDialect, params: SqlParams): { where: string; keys: string[] } {
  const param = (value: unknown): string => params.add(value);
  const field = (name: string): string => ROLLUP_FIELDS[name] ?? "NULL";
  const conditions = [`r.project_id = ${param(projectId)}`, `r.hour >= ${param(plan.fromHour)}`, `r.hour < ${param(plan.toHour)}`];
  for (const filter of query.filters) conditions.push(filterSql(field(filter.field), filter, param));
  conditions.push("NOT EXISTS (SELECT 1 FROM rollup_dirty_hours d WHERE d.project_id = r.project_id AND d.hour = r.hour)");
  const keys: string[] = [];
  if (query.granularity !== null) keys.push(`${bucketSql(`(r.hour * ${HOUR_NS})`, query.granularity, dialect)} AS b`);
  query.dimensions.forEach((name, i) => keys.push(`${field(name)} AS d${i}`));
  return { where: `WHERE ${conditions.join(" AND ")}`, keys };
}

/** The additive metrics of the query over the clean rolled-up hours of the plan, columns named as `buildMetricsSql` names them. */
function rollupSql(projectId: string, query: MetricsQuery, plan: RollupPlan, dialect: MetricsDialect): SqlStatement {
  const params = new SqlParams(dialect);
  const { where, keys } = rollupWhere(projectId, query, plan, dialect, params);
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
  return { sql: `SELECT ${columns.join(", ")} FROM observation_rollups r ${where}${groupBy}`, params: params.values };
}
