import type { Database, Statement } from "better-sqlite3";

/** Counter names: every observation, observations per type, name and level, every trace, traces per tag. */
export const COUNTER = {
  observations: "observations",
  traces: "traces",
  type: (type: string) => `observations.type.${type}`,
  /** Observations per name (SQLite: a name filter's total; there is no name index to count through). */
  name: (name: string) => `observations.name.${name}`,
  level: (level: string) => `observations.level.${level}`,
  /** Traces carrying a tag: answers one-tag counts and picks the rarest tag to drive a multi-tag filter. */
  tag: (tag: string) => `traces.tag.${tag}`,
} as const;

/**
 * Exact per-project row counts for the unfiltered and single-column listings, kept in the ingest
 * transaction. Counting through an index costs time in proportion to the matches (tens of ms for
 * "all generations" at a million spans); a counter row costs one lookup. Deltas of a batch are
 * summed in memory and written once per counter at the end of the batch.
 */
export class ProjectCounters {
  private readonly add: Statement;
  private readonly read: Statement;
  private readonly pending = new Map<string, number>();

  constructor(db: Database) {
    this.add = db.prepare(
      `INSERT INTO project_counters (project_id, name, count) VALUES (?, ?, ?)
       ON CONFLICT (project_id, name) DO UPDATE SET count = count + excluded.count`,
    );
    this.read = db.prepare(`SELECT count FROM project_counters WHERE project_id = ? AND name = ?`).pluck();
  }

  /** Adds to a counter of the batch being written. */
  bump(name: string, delta: number): void {
    this.pending.set(name, (this.pending.get(name) ?? 0) + delta);
  }

  /** Writes the batch's deltas; call inside the write transaction, before it commits. */
  flush(projectId: string): void {
    for (const [name, delta] of this.pending) if (delta !== 0) this.add.run(projectId, name, delta);
    this.pending.clear();
  }

  /** Forgets unwritten deltas (the transaction was rolled back). */
  discard(): void {
    this.pending.clear();
  }

  /** The counter's value (0 when never bumped). */
  get(projectId: string, name: string): number {
    return Number((this.read.get(projectId, name) as bigint | undefined) ?? 0n);
  }
}
