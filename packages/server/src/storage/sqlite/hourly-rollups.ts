import type { Database, Statement } from "better-sqlite3";
import { HOUR_NS, ROLLUP_VALUE_COLUMNS, ROLLUP_VALUES_COLUMNS, ROLLUP_VALUES_SQL, rollupSelectSql } from "../metrics-rollup.js";
import { groupValuesKey } from "../metrics-sql.js";
import { SQLITE_METRICS_DIALECT } from "./metrics-queries.js";
import { encodeDoubles } from "./rollup-values.js";

/** How often dirty hours are looked for by default (`metricsRollupIntervalMillis`). */
export const DEFAULT_ROLLUP_INTERVAL_MILLIS = 1_000;

/** Longest one run reads before it writes what it has (the first hour is always done, however long). */
const READ_SLICE_MILLIS = 50;
/** Dirty hours one run looks at, at most. */
const HOURS_PER_RUN = 64;

interface ComputedHour {
  projectId: string;
  hour: bigint;
  version: bigint;
  rows: unknown[][];
}

/**
 * Keeps `observation_rollups` in step with `observations` (see `metrics-rollup.ts`): recomputes the
 * dirty hours that are over from their rows. The rows are aggregated in a READ transaction, which
 * never holds the write lock up (an hour of a busy project may be millions of rows), and written in
 * a short write transaction only for the hours whose mark `version` did not move meanwhile; an
 * hour written to in between stays dirty for the next run. Runs on the background thread (or on a
 * timer of the store's own thread for a database without one).
 */
export class HourlyRollups {
  private readonly pending: Statement;
  private readonly compute: Statement;
  private readonly values: Statement;
  private readonly version: Statement;
  private readonly clear: Statement;
  private readonly insert: Statement;
  private readonly unmark: Statement;
  private readonly readHours: (beforeHour: bigint) => ComputedHour[];
  private readonly writeHours: (hours: readonly ComputedHour[]) => number;

  constructor(db: Database) {
    this.pending = db.prepare(`SELECT project_id, hour, version FROM rollup_dirty_hours WHERE hour < ? ORDER BY hour DESC LIMIT ${HOURS_PER_RUN}`);
    this.compute = db.prepare(rollupSelectSql(SQLITE_METRICS_DIALECT)).raw(true);
    // The kept values (for percentiles), per group: SQLite has no array aggregate, so they are read and packed here.
    this.values = db
      .prepare(
        `SELECT o.type, o.model, o.level, o.environment, ${ROLLUP_VALUES_SQL.map((value) => `CAST(${value} AS REAL)`).join(", ")}
         FROM observations o ${SQLITE_METRICS_DIALECT.observationsIndexHint} WHERE o.project_id = ? AND o.start_ns >= ? AND o.start_ns < ?`,
      )
      .raw(true);
    this.version = db.prepare(`SELECT version FROM rollup_dirty_hours WHERE project_id = ? AND hour = ?`).pluck();
    this.clear = db.prepare(`DELETE FROM observation_rollups WHERE project_id = ? AND hour = ?`);
    const columns = ["project_id", "hour", ...ROLLUP_VALUE_COLUMNS, ...ROLLUP_VALUES_COLUMNS];
    this.insert = db.prepare(`INSERT INTO observation_rollups (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
    this.unmark = db.prepare(`DELETE FROM rollup_dirty_hours WHERE project_id = ? AND hour = ? AND version = ?`);
    this.readHours = db.transaction((beforeHour: bigint) => this.read(beforeHour));
    this.writeHours = db.transaction((hours: readonly ComputedHour[]) => this.write(hours)).immediate;
  }

  /**
   * Brings dirty hours that ended before `nowNs` up to date (newest first, for up to about
   * `READ_SLICE_MILLIS`); returns how many. The hour `nowNs` falls in stays dirty while it fills.
   */
  rollupOnce(nowNs: bigint = BigInt(Date.now()) * 1_000_000n): number {
    const hours = this.readHours(nowNs / HOUR_NS);
    return hours.length === 0 ? 0 : this.writeHours(hours);
  }

  /** Dirty hours that are over and not yet recomputed. */
  backlog(nowNs: bigint = BigInt(Date.now()) * 1_000_000n): number {
    return this.pending.all(nowNs / HOUR_NS).length;
  }

  /** Recomputes every dirty hour that ended before `nowNs` (hours that change meanwhile stay dirty); returns how many. */
  flush(nowNs?: bigint): number {
    let total = 0;
    for (let done = this.rollupOnce(nowNs); done > 0; done = this.rollupOnce(nowNs)) total += done;
    return total;
  }

  private read(beforeHour: bigint): ComputedHour[] {
    const deadline = performance.now() + READ_SLICE_MILLIS;
    const hours: ComputedHour[] = [];
    for (const row of this.pending.all(beforeHour) as Array<{ project_id: string; hour: bigint | number; version: bigint | number }>) {
      const hour = BigInt(row.hour);
      const range = [row.project_id, hour * HOUR_NS, (hour + 1n) * HOUR_NS];
      const lists = new Map<string, number[][]>();
      for (const values of this.values.iterate(...range) as IterableIterator<unknown[]>) {
        const key = groupValuesKey(values.slice(0, 4));
        let group = lists.get(key);
        if (group === undefined) lists.set(key, (group = ROLLUP_VALUES_COLUMNS.map(() => [])));
        group.forEach((list, i) => {
          const value = values[4 + i];
          if (value !== null) list.push(value as number);
        });
      }
      const rows = (this.compute.all(...range) as unknown[][]).map((aggregates) => {
        const group = lists.get(groupValuesKey(aggregates.slice(0, 4))) ?? [];
        return [...aggregates, ...ROLLUP_VALUES_COLUMNS.map((_, i) => encodeDoubles(group[i] ?? []))];
      });
      hours.push({ projectId: row.project_id, hour, version: BigInt(row.version), rows });
      if (performance.now() >= deadline) break;
    }
    return hours;
  }

  private write(hours: readonly ComputedHour[]): number {
    let done = 0;
    for (const { projectId, hour, version, rows } of hours) {
      const current = this.version.get(projectId, hour) as bigint | number | undefined;
      if (current === undefined || BigInt(current) !== version) continue;
      this.clear.run(projectId, hour);
      for (const values of rows) this.insert.run(projectId, hour, ...values);
      this.unmark.run(projectId, hour, version);
      done++;
    }
    return done;
  }
}
