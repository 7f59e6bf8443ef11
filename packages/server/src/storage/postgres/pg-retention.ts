import type pg from "pg";
import { PgGroupAggregates } from "./pg-group-aggregates.js";
import { NS_PER_DAY, PARTITIONED_TABLES, partitionName } from "./pg-partitions.js";
import { COUNTER, PgCounterDeltas } from "./pg-project-counters.js";
import { summaryOfRow } from "../record-rows.js";
import type { PartitionManager } from "./pg-partitions.js";
import { inTransaction, lockAll, lockKey } from "./pg-transaction.js";
import { HOUR_NS } from "../metrics-rollup.js";

type Row = Record<string, unknown>;

/** Traces deleted per transaction by retention: short transactions never hold ingestion up for long. */
const RETENTION_CHUNK = 500;

/**
 * Deletion of traces (one, a session's, or a project's older than a cutoff) with their
 * observations and their share of the session and user aggregates. Each transaction takes the same
 * advisory locks as ingestion (traces, then sessions and users, each in key order), so a deletion
 * and a concurrent ingest of the same trace serialise instead of interleaving.
 *
 * Retention first drops whole daily partitions (of observations and of their full-text rows) that
 * lie entirely before the cutoff and hold no
 * other project's rows (a partition holds only observations that started in its day, and those
 * belong to traces that started no later, so all of them are due): dropping is a catalog operation,
 * not millions of row deletions. The traces themselves, and observations in partitions that cannot
 * be dropped (the DEFAULT partition, shared days), are then deleted in chunks.
 */
export class PgRetention {
  private readonly groups = new PgGroupAggregates();

  constructor(
    private readonly pool: pg.Pool,
    private readonly partitions: PartitionManager,
  ) {}

  /** Deletes one trace; false when the project has no such trace. */
  async deleteTrace(projectId: string, traceId: string): Promise<boolean> {
    return (await inTransaction(this.pool, (client) => this.deleteTraces(client, projectId, [traceId]))) > 0;
  }

  /** Deletes every trace of a session (the session goes with its last trace); returns the traces deleted. */
  async deleteSession(projectId: string, sessionId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.pool.query<{ id: string }>({
        name: "retention-session-traces",
        text: "SELECT id FROM traces WHERE project_id = $1 AND session_id = $2 LIMIT $3",
        values: [projectId, sessionId, RETENTION_CHUNK],
      });
      if (ids.rows.length === 0) return total;
      total += await inTransaction(this.pool, (client) => this.deleteTraces(client, projectId, ids.rows.map((r) => r.id)));
    }
  }

  /** Deletes the project's traces that started before `cutoffNs`; returns how many traces and whole partitions went. */
  async deleteOlderThan(projectId: string, cutoffNs: bigint): Promise<{ traces: number; partitionsDropped: number }> {
    const partitionsDropped = await this.dropPartitionsBefore(projectId, cutoffNs);
    let traces = 0;
    for (;;) {
      const ids = await this.pool.query<{ id: string }>({
        name: "retention-old-traces",
        text: "SELECT id FROM traces WHERE project_id = $1 AND start_ns < $2 ORDER BY start_ns LIMIT $3",
        values: [projectId, cutoffNs, RETENTION_CHUNK],
      });
      if (ids.rows.length === 0) {
        await this.dropRollupsBefore(projectId, cutoffNs);
        return { traces, partitionsDropped };
      }
      traces += await inTransaction(this.pool, (client) => this.deleteTraces(client, projectId, ids.rows.map((r) => r.id)));
    }
  }

  /**
   * After retention no observation of the project starts before the cutoff (each belonged to a
   * trace that started no later): its metrics rollups of whole hours before it go (dropped
   * partitions fire no delete trigger), and the hour the cutoff falls in is recomputed.
   */
  private async dropRollupsBefore(projectId: string, cutoffNs: bigint): Promise<void> {
    const cutoffHour = cutoffNs / HOUR_NS;
    await inTransaction(this.pool, async (client) => {
      await client.query("DELETE FROM observation_rollups WHERE project_id = $1 AND hour < $2", [projectId, cutoffHour]);
      await client.query("DELETE FROM rollup_dirty_hours WHERE project_id = $1 AND hour < $2", [projectId, cutoffHour]);
      await client.query("INSERT INTO rollup_dirty_hours (project_id, hour) VALUES ($1, $2)", [projectId, cutoffHour]);
    });
  }

  /** Deletes these traces (those that still exist) inside the caller's transaction; returns how many. */
  private async deleteTraces(client: pg.ClientBase, projectId: string, traceIds: string[]): Promise<number> {
    await lockAll(client, traceIds.map((id) => lockKey("trace", projectId, id)));
    const deleted = await client.query<Row>({
      name: "retention-delete-traces",
      text: `DELETE FROM traces WHERE project_id = $1 AND id = ANY($2::text[])
        RETURNING id, tags, user_id, session_id, start_ns, end_ns, max_start_ns, total_tokens, total_cost_pico, environment`,
      values: [projectId, traceIds],
    });
    if (deleted.rows.length === 0) return 0;
    const ids = deleted.rows.map((row) => row["id"] as string);
    let minStart = deleted.rows[0]?.["start_ns"] as bigint;
    let maxStart = deleted.rows[0]?.["max_start_ns"] as bigint;
    for (const row of deleted.rows) {
      if ((row["start_ns"] as bigint) < minStart) minStart = row["start_ns"] as bigint;
      if ((row["max_start_ns"] as bigint) > maxStart) maxStart = row["max_start_ns"] as bigint;
    }
    const counters = new PgCounterDeltas();
    const removed = await client.query<RemovedGroup>({
      name: "retention-delete-observations",
      text: `WITH gone AS (DELETE FROM observations WHERE project_id = $1 AND trace_id = ANY($2::text[]) AND start_ns >= $3 AND start_ns <= $4
          RETURNING type, name, level)
        SELECT type, name, level, count(*)::int8 AS n FROM gone GROUP BY type, name, level`,
      values: [projectId, ids, minStart, maxStart],
    });
    countRemoved(counters, removed.rows);
    counters.bump(COUNTER.traces, -deleted.rows.length);
    for (const row of deleted.rows) for (const tag of row["tags"] as string[]) counters.bump(COUNTER.tag(tag), -1);
    await this.groups.apply(client, projectId, deleted.rows.map((row) => ({ old: summaryOfRow(row), next: null })));
    await counters.flush(client, projectId);
    return deleted.rows.length;
  }

  /**
   * Drops the daily partitions that end at or before the cutoff and hold only this project's rows.
   * Each drop locks its partition first and checks again, so rows of another project that arrive
   * meanwhile are never dropped (that partition is then left to row deletion).
   */
  private async dropPartitionsBefore(projectId: string, cutoffNs: bigint): Promise<number> {
    const result = await this.pool.query<{ name: string; upper: string | null }>(
      `SELECT c.relname AS name, substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''?(-?[0-9]+)''?\\)') AS upper
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'observations'::regclass AND c.relname ~ '^observations_d[0-9]{8}$'`,
    );
    let dropped = 0;
    for (const { name, upper } of result.rows) {
      if (upper === null || BigInt(upper) > cutoffNs) continue;
      const done = await inTransaction(this.pool, async (client) => {
        await client.query("SET LOCAL lock_timeout = '5s'");
        await client.query(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE`);
        const other = await client.query(`SELECT 1 FROM ${name} WHERE project_id < $1 OR project_id > $1 LIMIT 1`, [projectId]);
        if (other.rows.length > 0) return false;
        const day = (BigInt(upper) - NS_PER_DAY) / NS_PER_DAY;
        const counters = new PgCounterDeltas();
        const counts = await client.query<RemovedGroup>(
          `SELECT type, name, level, count(*)::int8 AS n FROM ${name} WHERE project_id = $1 GROUP BY type, name, level`,
          [projectId],
        );
        countRemoved(counters, counts.rows);
        await counters.flush(client, projectId);
        for (const table of PARTITIONED_TABLES) await client.query(`DROP TABLE IF EXISTS ${partitionName(day, table)}`);
        return true;
      });
      if (done) {
        dropped++;
        this.partitions.forget((BigInt(upper) - NS_PER_DAY) / NS_PER_DAY);
      }
    }
    return dropped;
  }
}

/** Observations removed, grouped by type, name and level. */
interface RemovedGroup {
  type: string;
  name: string;
  level: string;
  n: bigint;
}

/** Subtracts removed observations from the counters. */
function countRemoved(counters: PgCounterDeltas, rows: readonly RemovedGroup[]): void {
  for (const { type, name, level, n } of rows) {
    counters.bump(COUNTER.observations, -Number(n));
    counters.bump(COUNTER.type(type), -Number(n));
    counters.bump(COUNTER.name(name), -Number(n));
    counters.bump(COUNTER.level(level), -Number(n));
  }
}
