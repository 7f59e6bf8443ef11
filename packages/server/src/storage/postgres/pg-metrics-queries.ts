import type pg from "pg";
import type { MetricsQuery, MetricsRow } from "../metrics-query.js";
import { buildMetricsSql, collectMetricsRows, type MetricsDialect } from "../metrics-sql.js";
import type { Row } from "../record-rows.js";

/** PostgreSQL's spelling of the metrics SQL: `$n` parameters, jsonb, calendar months, `percentile_disc`. */
export const PG_METRICS_DIALECT: MetricsDialect = {
  placeholder: (index) => `$${index}`,
  jsonNumber: (column, key) =>
    `(CASE WHEN jsonb_typeof(${column}::jsonb -> '${key}') = 'number' THEN (${column}::jsonb ->> '${key}')::double precision END)`,
  monthIndex: (timeNs) => {
    const at = `(to_timestamp(${timeNs} / 1000000000) AT TIME ZONE 'UTC')`;
    return `(EXTRACT(YEAR FROM ${at}) * 12 + EXTRACT(MONTH FROM ${at}) - 1)::bigint`;
  },
  // percentile_disc is the nearest-rank percentile: the first value whose rank reaches ceil(p * n).
  percentileAggregate: (fraction, value) => `percentile_disc(${fraction}) WITHIN GROUP (ORDER BY ${value})`,
  observationsIndexHint: "",
};

/**
 * Metrics over the raw rows of `traces` and `observations`, read at query time (recomputed costs and
 * retention deletions show at once). The time range prunes the `observations` partitions.
 */
export class PgMetricsQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** The rows of a validated metrics query. */
  async query(projectId: string, query: MetricsQuery): Promise<MetricsRow[]> {
    const built = buildMetricsSql(projectId, query, PG_METRICS_DIALECT);
    const main = await this.pool.query<Row>(built.main.sql, built.main.params);
    const percentiles = await Promise.all(built.percentiles.map(async (s) => (await this.pool.query<Row>(s.sql, s.params)).rows));
    return collectMetricsRows(query, main.rows, percentiles);
  }
}
