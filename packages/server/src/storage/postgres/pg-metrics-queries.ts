import type pg from "pg";
import type { MetricsQuery, MetricsRow } from "../metrics-query.js";
import { buildMetricsSql, collectMetricsRows, mergeGroups, type MetricsDialect } from "../metrics-sql.js";
import { dirtyHoursSql, percentileUnionSql, planRollup, rollupStatements, type RollupPlan } from "../metrics-rollup.js";
import type { Row } from "../record-rows.js";
import { withClient } from "./pg-transaction.js";

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
  percentileValue: (value) => value,
  rollupValues: "array",
  observationsIndexHint: "",
};

/**
 * Metrics over the rows of `traces` and `observations`, read at query time (recomputed costs and
 * retention deletions show at once). The time range prunes the `observations` partitions. A query
 * that hourly rollups can answer (`planRollup`) reads them for the clean whole hours of its range
 * and the rows for the rest, in one REPEATABLE READ transaction (one snapshot).
 */
export class PgMetricsQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** The rows of a validated metrics query. */
  async query(projectId: string, query: MetricsQuery): Promise<MetricsRow[]> {
    const plan = planRollup(query);
    const rolledUp = plan === null ? null : await this.fromRollups(projectId, query, plan);
    if (rolledUp !== null) return rolledUp;
    const built = buildMetricsSql(projectId, query, PG_METRICS_DIALECT);
    const main = await this.pool.query<Row>(built.main.sql, built.main.params);
    const percentiles = await Promise.all(built.percentiles.map(async (s) => (await this.pool.query<Row>(s.sql, s.params)).rows));
    return collectMetricsRows(query, main.rows, percentiles);
  }

  /** The query answered from the rollups of its clean whole hours and the rows of the rest; null when that is not worth it. */
  private async fromRollups(projectId: string, query: MetricsQuery, plan: RollupPlan): Promise<MetricsRow[] | null> {
    return withClient(this.pool, async (client) => {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      try {
        const dirty = await client.query<{ hour: bigint }>(dirtyHoursSql(PG_METRICS_DIALECT), [projectId, plan.fromHour, plan.toHour]);
        const statements = rollupStatements(
          projectId,
          query,
          plan,
          dirty.rows.map((row) => BigInt(row.hour)),
          PG_METRICS_DIALECT,
        );
        if (statements === null) return null;
        const parts: Row[] = [];
        for (const statement of [statements.rollup, ...statements.raw]) parts.push(...(await client.query<Row>(statement.sql, statement.params)).rows);
        const percentiles: Row[][] = [];
        for (const sources of statements.percentiles) {
          const union = percentileUnionSql(sources, PG_METRICS_DIALECT);
          percentiles.push((await client.query<Row>(union.sql, union.params)).rows);
        }
        return collectMetricsRows(query, mergeGroups(query, parts), percentiles);
      } finally {
        await client.query("COMMIT").catch(() => undefined);
      }
    });
  }
}
