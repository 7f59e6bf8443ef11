import type pg from "pg";
import { HOUR_NS, ROLLUP_VALUE_COLUMNS, ROLLUP_VALUES_COLUMNS, rollupSelectSql } from "../metrics-rollup.js";
import { PG_METRICS_DIALECT } from "./pg-metrics-queries.js";
import { inTransaction } from "./pg-transaction.js";
import { PgBackgroundLoop } from "./pg-background-loop.js";

/** How often the job looks for dirty hours. */
export const DEFAULT_PG_ROLLUP_INTERVAL_MILLIS = 2_000;
/** Dirty hours one transaction recomputes, at most. */
const HOURS_PER_RUN = 32;

const INSERT_ROLLUP = `INSERT INTO observation_rollups (project_id, hour, ${[...ROLLUP_VALUE_COLUMNS, ...ROLLUP_VALUES_COLUMNS].join(", ")})
  SELECT $1, $4::int8, s.* FROM (${rollupSelectSql(PG_METRICS_DIALECT)}) s`;

/**
 * Keeps `observation_rollups` in step with `observations` on PostgreSQL (see `metrics-rollup.ts`):
 * recomputes the hours named in the `rollup_dirty_hours` log that are over. One process at a time
 * per schema (a transaction-scoped advisory lock; the others skip their turn). Each run, in one
 * READ COMMITTED transaction, deletes the log entries it can see for up to `HOURS_PER_RUN` hours,
 * then recomputes those hours from the rows: a statement sees every transaction committed before
 * it, so whatever it misses was committed later, and that transaction's own log entry (invisible to
 * the delete) keeps the hour dirty for the next run. Queries see the job's transaction all or nothing.
 */
export class PgHourlyRollups {
  private readonly loop: PgBackgroundLoop;

  constructor(
    private readonly pool: pg.Pool,
    intervalMillis = DEFAULT_PG_ROLLUP_INTERVAL_MILLIS,
    onError: (error: unknown) => void = () => {},
  ) {
    this.loop = new PgBackgroundLoop(() => this.rollupOnce(), intervalMillis, onError);
  }

  /** Starts the periodic job (the timer does not keep the process alive). */
  start(): void {
    this.loop.start();
  }

  /** Stops the job and waits for a run in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * Recomputes up to `HOURS_PER_RUN` dirty hours that ended before `nowNs`, newest first; returns
   * how many (0 also when another process holds the job's lock).
   */
  async rollupOnce(nowNs: bigint = BigInt(Date.now()) * 1_000_000n): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const lock = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended('sightline-rollups:' || current_schema(), 0)) AS ok");
      if (lock.rows[0]?.ok !== true) return 0;
      const picked = await client.query<{ project_id: string; hour: bigint }>({
        name: "rollup-pick",
        text: `SELECT DISTINCT project_id, hour FROM rollup_dirty_hours WHERE hour < $1 ORDER BY hour DESC LIMIT ${HOURS_PER_RUN}`,
        values: [nowNs / HOUR_NS],
      });
      if (picked.rows.length === 0) return 0;
      const projects = picked.rows.map((row) => row.project_id);
      const hours = picked.rows.map((row) => row.hour);
      await client.query({
        name: "rollup-unmark",
        text: "DELETE FROM rollup_dirty_hours d USING unnest($1::text[], $2::int8[]) AS k(project_id, hour) WHERE d.project_id = k.project_id AND d.hour = k.hour",
        values: [projects, hours],
      });
      await client.query({
        name: "rollup-clear",
        text: "DELETE FROM observation_rollups r USING unnest($1::text[], $2::int8[]) AS k(project_id, hour) WHERE r.project_id = k.project_id AND r.hour = k.hour",
        values: [projects, hours],
      });
      for (const { project_id: projectId, hour } of picked.rows) {
        await client.query({ name: "rollup-insert", text: INSERT_ROLLUP, values: [projectId, hour * HOUR_NS, (hour + 1n) * HOUR_NS, hour] });
      }
      return picked.rows.length;
    });
  }

  /** Recomputes every dirty hour that ended before `nowNs`; returns how many. */
  async flush(nowNs?: bigint): Promise<number> {
    let total = 0;
    for (let done = await this.rollupOnce(nowNs); done > 0; done = await this.rollupOnce(nowNs)) total += done;
    return total;
  }
}
