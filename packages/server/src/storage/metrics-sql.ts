import {
  BUCKET_NS,
  METRICS_VIEWS,
  PERCENTILES,
  WEEK_OFFSET_NS,
  type MetricsFilter,
  type MetricsGranularity,
  type MetricsQuery,
  type MetricsRow,
} from "./metrics-query.js";

/** How one database spells the parts of a metrics query that differ (a small adapter, not dialect ifs). */
export interface MetricsDialect {
  /** The placeholder of the n-th (1-based) parameter: `?` or `$n`. */
  placeholder(index: number): string;
  /** A numeric key of a JSON text column, or NULL when the key is missing or not a number. */
  jsonNumber(column: string, key: string): string;
  /** The UTC calendar month of a nanosecond time as an integer: year * 12 + month - 1. */
  monthIndex(timeNs: string): string;
  /**
   * A nearest-rank percentile aggregate over `value` (PostgreSQL's `percentile_disc`), or null when
   * the database has none: then the values are read and ranked in JS (`percentileRows`).
   */
  percentileAggregate(fraction: number, value: string): string | null;
  /** A per-row value as read for percentiles (SQLite: a REAL, so it comes back as a number, not a BigInt). */
  percentileValue(value: string): string;
  /**
   * How the rollup table holds the values of a measure whose percentiles it keeps: an array column
   * the database unnests (PostgreSQL), or a BLOB of doubles read and ranked in JS (SQLite).
   */
  readonly rollupValues: "array" | "blob";
  /**
   * Written after `observations o`: SQLite's `INDEXED BY observations_metrics`, since its planner
   * otherwise picks an index that orders a GROUP BY (e.g. by type) and then reads every row.
   */
  readonly observationsIndexHint: string;
}

/** A statement and its parameters. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * The values of one measure whose percentiles the dialect cannot aggregate: the statement selects
 * the group keys (`b`, `d0`…) and the non-null values as `x`, in that column order.
 */
export interface PercentileValues extends SqlStatement {
  /** The metrics (by index in the query) to compute from these values, and their fraction. */
  wanted: Array<{ index: number; fraction: number }>;
  /** The group key column names, in order. */
  keys: string[];
}

/** A built metrics query: one grouped aggregate, plus a values statement per measure whose percentiles run in JS. */
export interface MetricsStatements {
  main: SqlStatement;
  percentiles: PercentileValues[];
}

type Row = Record<string, unknown>;

/**
 * Which of a query's metrics a built statement computes: all of them, only those that merge across
 * partial groups (counts, sums, minimums, maximums, averages as sum and count), or only the
 * percentiles (which do not merge, so a query answered in parts ranks them over the whole range).
 */
export type MetricsPart = "all" | "additive" | "percentiles";

/** Parameters of one statement, or of several concatenated ones (numbering goes on from `offset`). */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(
    private readonly dialect: MetricsDialect,
    private readonly offset = 0,
  ) {}

  /** Adds a value; returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect.placeholder(this.offset + this.values.length);
  }

  /** How many placeholders this list and those before it used. */
  get end(): number {
    return this.offset + this.values.length;
  }
}

/** The FROM clause, WHERE clause and group key columns (`… AS b`, `… AS d0`…) of a query over its view. */
export interface ViewSelect {
  from: string;
  where: string;
  keys: string[];
  /** The SQL of a measure's per-row value (null for the plain row count). */
  measureSql(name: string): string | null;
}

/** The parts of a statement over the query's view and range; parameters go to `params`. */
export function viewSelect(projectId: string, query: MetricsQuery, dialect: MetricsDialect, params: SqlParams): ViewSelect {
  const view = METRICS_VIEWS[query.view];
  const param = (value: unknown): string => params.add(value);
  const fieldSql = (name: string): string => {
    const spec = view.fields[name];
    if (spec === undefined) throw new Error(`Unknown ${query.view} field ${name}.`);
    return spec.sql;
  };
  const measureSql = (name: string): string | null => {
    const spec = view.measures[name];
    if (spec === undefined) throw new Error(`Unknown ${query.view} measure ${name}.`);
    return spec.sql?.replace("{input}", dialect.jsonNumber("o.usage_details", "input")).replace("{output}", dialect.jsonNumber("o.usage_details", "output")) ?? null;
  };

  const needsTrace = [...query.dimensions, ...query.filters.map((f) => f.field)].some((name) => view.fields[name]?.needsTrace === true);
  const hint = query.view === "observations" && dialect.observationsIndexHint !== "" ? ` ${dialect.observationsIndexHint}` : "";
  const from = `${view.from}${hint}${needsTrace && view.traceJoin !== null ? ` ${view.traceJoin}` : ""}`;
  const conditions = [`${view.projectColumn} = ${param(projectId)}`, `${view.timeColumn} >= ${param(query.fromNs)}`, `${view.timeColumn} < ${param(query.toNs)}`];
  for (const filter of query.filters) conditions.push(filterSql(fieldSql(filter.field), filter, param));

  const keys: string[] = [];
  if (query.granularity !== null) keys.push(`${bucketSql(view.timeColumn, query.granularity, dialect)} AS b`);
  query.dimensions.forEach((name, i) => keys.push(`${fieldSql(name)} AS d${i}`));
  return { from, where: `WHERE ${conditions.join(" AND ")}`, keys, measureSql };
}

/** Builds the SQL of a validated metrics query. The caller runs it and hands the rows to `collectMetricsRows`. */
export function buildMetricsSql(projectId: string, query: MetricsQuery, dialect: MetricsDialect, part: MetricsPart = "all"): MetricsStatements {
  const sqlParams = new SqlParams(dialect);
  const params = sqlParams.values;
  const { from, where, keys, measureSql } = viewSelect(projectId, query, dialect, sqlParams);
  const groupBy = keys.length === 0 ? "" : `GROUP BY ${keys.map((_, i) => i + 1).join(", ")}`;

  // rows_n: how many rows the group has (lets a caller tell an empty ungrouped result from a real one).
  const columns = [...keys, "COUNT(*) AS rows_n"];
  const rankedInJs = new Map<string, Array<{ index: number; fraction: number }>>();
  query.metrics.forEach((metric, i) => {
    const value = measureSql(metric.measure);
    const fraction = PERCENTILES[metric.aggregation];
    if (part === (fraction === undefined ? "percentiles" : "additive")) return;
    if (value === null) {
      columns.push(`COUNT(*) AS m${i}`);
    } else if (fraction !== undefined) {
      const aggregate = dialect.percentileAggregate(fraction, value);
      if (aggregate !== null) columns.push(`${aggregate} AS m${i}`);
      else rankedInJs.set(metric.measure, [...(rankedInJs.get(metric.measure) ?? []), { index: i, fraction }]);
    } else if (metric.aggregation === "avg") {
      columns.push(`SUM(${value}) AS m${i}`, `COUNT(${value}) AS n${i}`);
    } else {
      const fn = { count: "COUNT", sum: "SUM", min: "MIN", max: "MAX" }[metric.aggregation as "count" | "sum" | "min" | "max"];
      columns.push(`${fn}(${value}) AS m${i}`);
    }
  });
  const main = { sql: `SELECT ${columns.join(", ")} FROM ${from} ${where} ${groupBy}`, params: [...params] };

  const keyAliases = keys.map(keyAlias);
  const percentiles = [...rankedInJs].map(([measure, wanted]) => ({
    // REAL (a double in SQLite, the one dialect that ranks in JS): returned as a number even where integers come back as BigInt.
    sql: `SELECT ${[...keys, `${dialect.percentileValue(measureSql(measure) ?? "1")} AS x`].join(", ")} FROM ${from} ${where} AND ${measureSql(measure) ?? "1"} IS NOT NULL`,
    params: [...params],
    wanted,
    keys: keyAliases,
  }));
  return { main, percentiles };
}

/** The alias of a key column (`… AS b` is `b`). */
export function keyAlias(column: string): string {
  return column.slice(column.lastIndexOf(" AS ") + 4);
}

/** A string that tells groups apart by their key values (faster than JSON for one row in a million). */
export function groupValuesKey(values: readonly unknown[]): string {
  let key = "";
  for (const value of values) key += value === null || value === undefined ? "\u0002\u0001" : `${String(value)}\u0001`;
  return key;
}

/**
 * Nearest-rank percentiles of raw values (rows of `[...keys, x]`, as arrays), per group: the value
 * at 1-based rank ceil(p * n) of the ascending values, p * n in double precision exactly as
 * PostgreSQL's `percentile_disc`. Returns rows keyed like the main query's (`b`, `d0`…, `m{index}`).
 */
export function percentileRows(values: Iterable<unknown[]>, statement: PercentileValues): Row[] {
  const width = statement.keys.length;
  const groups = new Map<string, { keys: unknown[]; xs: number[] }>();
  for (const row of values) {
    const keys = row.slice(0, width);
    const id = groupValuesKey(keys);
    let group = groups.get(id);
    if (group === undefined) groups.set(id, (group = { keys, xs: [] }));
    group.xs.push(Number(row[width]));
  }
  const rows: Row[] = [];
  for (const { keys, xs } of groups.values()) {
    const row: Row = nearestRanks(Float64Array.from(xs), statement);
    statement.keys.forEach((key, i) => (row[key] = keys[i]));
    rows.push(row);
  }
  return rows;
}

/** The wanted nearest-rank percentiles of one group's values (sorted in place) as `m{index}` columns. */
export function nearestRanks(values: Float64Array, statement: Pick<PercentileValues, "wanted">): Row {
  const sorted = values.sort();
  const row: Row = {};
  for (const { index, fraction } of statement.wanted) row[`m${index}`] = sorted.length === 0 ? null : sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1];
  return row;
}

/** The key of a result group: its bucket and dimension values (as `collectMetricsRows` matches rows). */
export function groupKey(row: Row, dimensions: number): string {
  return JSON.stringify([String(row["b"] ?? ""), ...Array.from({ length: dimensions }, (_, i) => row[`d${i}`] ?? null)]);
}

/**
 * Folds partial groups (rows shaped as `buildMetricsSql` names its columns, additive metrics only)
 * into one row per group: counts and sums add, minimums and maximums pick, averages add their sum
 * and count. Percentile columns are not merged (they come from a statement over the whole range).
 */
export function mergeGroups(query: MetricsQuery, parts: Iterable<Row>): Row[] {
  const merged = new Map<string, Row>();
  for (const part of parts) {
    const key = groupKey(part, query.dimensions.length);
    const into = merged.get(key);
    if (into === undefined) merged.set(key, { ...part });
    else mergeGroup(into, part, query);
  }
  return [...merged.values()];
}

function mergeGroup(into: Row, part: Row, query: MetricsQuery): void {
  into["rows_n"] = addAggregates(into["rows_n"], part["rows_n"]);
  query.metrics.forEach((metric, i) => {
    const key = `m${i}`;
    if (metric.aggregation === "min") into[key] = pick(into[key], part[key], (a, b) => a <= b);
    else if (metric.aggregation === "max") into[key] = pick(into[key], part[key], (a, b) => a >= b);
    else if (metric.aggregation === "count" || metric.aggregation === "sum") into[key] = addAggregates(into[key], part[key]);
    else if (metric.aggregation === "avg") {
      into[key] = addAggregates(into[key], part[key]);
      into[`n${i}`] = addAggregates(into[`n${i}`], part[`n${i}`]);
    }
  });
}

/** SQL-style addition of two aggregates: null is "no value"; integers stay exact as BigInt. */
function addAggregates(a: unknown, b: unknown): unknown {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  if (typeof a === "bigint" && typeof b === "bigint") return a + b;
  return Number(a) + Number(b);
}

/** The one of two aggregates that `keepFirst` prefers; null is "no value". */
function pick(a: unknown, b: unknown, keepFirst: (a: number, b: number) => boolean): unknown {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  return keepFirst(Number(a), Number(b)) ? a : b;
}

/** Merges the main and percentile rows into result rows, scaled into API units and sorted by bucket then dimensions. */
export function collectMetricsRows(query: MetricsQuery, main: Row[], percentiles: Row[][]): MetricsRow[] {
  const view = METRICS_VIEWS[query.view];
  const dims = query.dimensions.length;
  const keyOf = (row: Row): string => groupKey(row, dims);
  const extra = new Map<string, Row>();
  for (const rows of percentiles) for (const row of rows) extra.set(keyOf(row), { ...extra.get(keyOf(row)), ...row });
  const result: MetricsRow[] = [];
  for (const row of main) {
    const merged = { ...extra.get(keyOf(row)), ...row };
    result.push({
      bucketStartMs: query.granularity === null ? null : bucketStartMs(row["b"], query.granularity),
      dimensions: Array.from({ length: dims }, (_, i) => (row[`d${i}`] as string | null | undefined) ?? null),
      values: query.metrics.map((metric, i) => {
        const scale = view.measures[metric.measure]?.scale ?? 1;
        const raw = toNumber(merged[`m${i}`]);
        if (metric.aggregation === "count") return raw ?? 0;
        if (raw === null) return null;
        if (metric.aggregation === "avg") {
          const n = toNumber(merged[`n${i}`]) ?? 0;
          return n === 0 ? null : (raw / n) * scale;
        }
        return raw * scale;
      }),
    });
  }
  return result.sort(compareRows);
}

function compareRows(a: MetricsRow, b: MetricsRow): number {
  if (a.bucketStartMs !== b.bucketStartMs) return (a.bucketStartMs ?? 0) - (b.bucketStartMs ?? 0);
  for (let i = 0; i < a.dimensions.length; i++) {
    const x = a.dimensions[i] ?? null;
    const y = b.dimensions[i] ?? null;
    if (x !== y) return x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
  }
  return 0;
}

/** A driver value (bigint, numeric text, number) as a number; null stays null. */
function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === "number" ? value : Number(value);
}

/** The bucket start of a nanosecond time, as SQL: fixed widths by integer arithmetic, months by the calendar. */
export function bucketSql(timeNs: string, granularity: MetricsGranularity, dialect: MetricsDialect): string {
  if (granularity === "month") return dialect.monthIndex(timeNs);
  const width = BUCKET_NS[granularity];
  const offset = granularity === "week" ? WEEK_OFFSET_NS : 0n;
  return offset === 0n ? `(${timeNs} - ${timeNs} % ${width})` : `(${timeNs} - (${timeNs} - ${offset}) % ${width})`;
}

/**
 * The buckets that overlap `[fromNs, toNs)`, each clipped to the range: `[startNs, endNs, bucketStartNs]`.
 * The same boundaries as the SQL bucket expressions (UTC, Monday weeks, calendar months).
 */
export function bucketSlices(fromNs: bigint, toNs: bigint, granularity: MetricsGranularity): Array<[bigint, bigint, bigint]> {
  const slices: Array<[bigint, bigint, bigint]> = [];
  const monthStartNs = (ms: number) => BigInt(ms) * 1_000_000n;
  let start: bigint;
  let next: (bucket: bigint) => bigint;
  if (granularity === "month") {
    const d = new Date(Number(fromNs / 1_000_000n));
    start = monthStartNs(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    next = (bucket) => {
      const m = new Date(Number(bucket / 1_000_000n));
      return monthStartNs(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
    };
  } else {
    const width = BUCKET_NS[granularity];
    const offset = granularity === "week" ? WEEK_OFFSET_NS : 0n;
    start = fromNs - ((((fromNs - offset) % width) + width) % width);
    next = (bucket) => bucket + width;
  }
  for (let bucket = start; bucket < toNs; bucket = next(bucket)) {
    const end = next(bucket);
    slices.push([bucket < fromNs ? fromNs : bucket, end > toNs ? toNs : end, bucket]);
  }
  return slices;
}

/** A bucket key from the database (nanoseconds, or a month index) as epoch milliseconds. */
export function bucketStartMs(value: unknown, granularity: MetricsGranularity): number {
  if (granularity === "month") {
    const index = Number(value);
    return Date.UTC(Math.floor(index / 12), index % 12, 1);
  }
  return Number(BigInt(value as bigint | string | number) / 1_000_000n);
}

/** The SQL condition of one filter; NULL handling is explicit so `!=` keeps rows without a value. */
export function filterSql(column: string, filter: MetricsFilter, param: (value: unknown) => string): string {
  const values = filter.values.filter((v): v is string => v !== null);
  const hasNull = values.length !== filter.values.length;
  const list = values.map((v) => param(v)).join(", ");
  const negate = filter.operator === "!=" || filter.operator === "none of";
  if (!negate) {
    const parts = [...(values.length > 0 ? [`${column} IN (${list})`] : []), ...(hasNull ? [`${column} IS NULL`] : [])];
    return `(${parts.join(" OR ")})`;
  }
  const parts = [...(values.length > 0 ? [`(${column} IS NULL OR ${column} NOT IN (${list}))`] : []), ...(hasNull ? [`${column} IS NOT NULL`] : [])];
  return `(${parts.join(" AND ")})`;
}
