import type { Database } from "better-sqlite3";
import type { MetricsQuery, MetricsRow } from "../metrics-query.js";
import { bucketSlices, bucketStartMs, buildMetricsSql, collectMetricsRows, nearestRanks, percentileRows, type MetricsDialect } from "../metrics-sql.js";
import { StatementCache } from "./statement-cache.js";

type Row = Record<string, unknown>;

/** SQLite's spelling of the metrics SQL: `?` parameters, JSON1, strftime months, no percentile aggregate. */
export const SQLITE_METRICS_DIALECT: MetricsDialect = {
  placeholder: () => "?",
  jsonNumber: (column, key) => `(CASE WHEN json_type(${column}, '$.${key}') IN ('integer', 'real') THEN json_extract(${column}, '$.${key}') END)`,
  monthIndex: (timeNs) => {
    const at = (format: string) => `CAST(strftime('${format}', ${timeNs} / 1000000000, 'unixepoch') AS INTEGER)`;
    return `(${at("%Y")} * 12 + ${at("%m")} - 1)`;
  },
  percentileAggregate: () => null,
  observationsIndexHint: "INDEXED BY observations_metrics",
};

/**
 * Metrics over the raw rows of the `traces` and `observations` tables, read at query time (so a cost
 * recompute or a retention deletion is reflected at once); the observations view reads the
 * `observations_metrics` covering index. Two execution choices, measured at 1M observations (ADR 0010):
 * - SQLite groups by sorting (a temp B-tree), so a time series runs one ungrouped query per bucket
 *   over that bucket's slice of the index instead of sorting every row by its bucket (2-3x faster);
 * - SQLite has no percentile aggregate, so the non-null values are read as REAL and ranked in JS
 *   (faster than ROW_NUMBER window queries).
 */
export class MetricsQueries {
  private readonly statements: StatementCache;

  constructor(db: Database) {
    this.statements = new StatementCache(db);
  }

  /** The rows of a validated metrics query. */
  query(projectId: string, query: MetricsQuery): MetricsRow[] {
    if (query.granularity === null) return this.run(projectId, query, false);
    const rows: MetricsRow[] = [];
    for (const [fromNs, toNs, bucketNs] of bucketSlices(query.fromNs, query.toNs, query.granularity)) {
      const bucket = bucketStartMs(bucketNs, "minute");
      for (const row of this.run(projectId, { ...query, granularity: null, fromNs, toNs }, true)) rows.push({ ...row, bucketStartMs: bucket });
    }
    return rows;
  }

  /** One ungrouped-by-time query; `skipEmpty` drops the single all-empty row an aggregate without GROUP BY returns. */
  private run(projectId: string, query: MetricsQuery, skipEmpty: boolean): MetricsRow[] {
    const built = buildMetricsSql(projectId, query, SQLITE_METRICS_DIALECT);
    const main = this.statements.get(built.main.sql).all(...built.main.params) as Row[];
    if (skipEmpty && main.every((row) => Number(row["rows_n"]) === 0)) return [];
    const percentiles = built.percentiles.map((s) => {
      const statement = this.statements.get(s.sql);
      if (s.keys.length === 0) return [nearestRanks(Float64Array.from(statement.pluck().all(...s.params) as number[]), s)];
      return percentileRows(statement.raw(true).all(...s.params) as unknown[][], s);
    });
    return collectMetricsRows(query, main, percentiles);
  }
}
