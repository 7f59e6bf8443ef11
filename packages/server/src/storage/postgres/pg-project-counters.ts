import type pg from "pg";
import { COUNTER } from "../sqlite/project-counters.js";
import { pgText } from "./pg-rows.js";

/** Shards per counter: concurrent transactions pick different rows most of the time. */
const SHARDS = 16;

/** The counter names (shared with the SQLite store). */
export { COUNTER };

/**
 * Exact per-project counts for the unfiltered and single-column listings (every trace, traces per
 * tag, every observation, per type, per level), kept in the ingest transaction: `count(*)` costs
 * time in proportion to the rows (tens of ms at a few hundred thousand), a counter a few index
 * lookups. A transaction adds its deltas to ONE random shard of each counter, in name order (so
 * two transactions never wait on each other's rows in a cycle), as its last statement; a read sums
 * the shards.
 */
export class PgCounterDeltas {
  private readonly deltas = new Map<string, number>();

  /** Adds to a counter. */
  bump(name: string, delta: number): void {
    this.deltas.set(name, (this.deltas.get(name) ?? 0) + delta);
  }

  /** Writes the deltas in the caller's transaction. */
  async flush(db: pg.ClientBase, projectId: string): Promise<void> {
    const entries = [...this.deltas].filter(([, delta]) => delta !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.deltas.clear();
    if (entries.length === 0) return;
    await db.query({
      name: "counters-add",
      text: `INSERT INTO project_counters AS c (project_id, name, shard, count)
        SELECT $1, u.name, $2, u.delta FROM unnest($3::text[], $4::int8[]) WITH ORDINALITY AS u(name, delta, n) ORDER BY u.n
        ON CONFLICT (project_id, name, shard) DO UPDATE SET count = c.count + excluded.count`,
      values: [projectId, Math.floor(Math.random() * SHARDS), entries.map(([name]) => pgText(name)), entries.map(([, delta]) => delta)],
    });
  }
}

/** A counter's value (0 when never bumped). */
export async function readCounter(db: pg.Pool | pg.ClientBase, projectId: string, name: string): Promise<number> {
  const result = await db.query<{ n: bigint | null }>({
    name: "counters-read",
    text: "SELECT sum(count)::int8 AS n FROM project_counters WHERE project_id = $1 AND name = $2",
    values: [projectId, name],
  });
  return Number(result.rows[0]?.n ?? 0n);
}
