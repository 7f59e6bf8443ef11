import type { Database, Statement } from "better-sqlite3";
import type { Row } from "../record-rows.js";
import { fromJson } from "../record-rows.js";
import { GroupAggregates, UserSessionPairs } from "./group-aggregates.js";
import { COUNTER } from "./project-counters.js";
import type { ProjectCounters } from "./project-counters.js";
import { summaryOfRow } from "./trace-row.js";

/** Traces deleted per transaction: a big retention run never holds the write lock for long. */
export const DELETION_CHUNK_TRACES = 500;

/**
 * Deletion of traces (one, a session's, or a project's older than a cutoff) with their
 * observations and tag rows, and their share of the session and user aggregates and of the project
 * counters, each chunk in ONE immediate transaction. The same semantics as the PostgreSQL store's
 * `PgRetention`. The deleted rows are recorded for the search database (`search_purge`, see
 * `SearchPurge`), which drops their text and id keys off this transaction.
 *
 * The aggregates are moved exactly as the writer moves them (`GroupAggregates.apply` with the
 * trace leaving): counts and sums drop by the trace's share, and the first/last bounds are
 * re-read from the remaining traces when the deleted trace held them.
 *
 * Observation and trace rowids are not AUTOINCREMENT: before deleting, the highest rowids ever used
 * are kept in `rowid_floors`, above which the writer puts every new row, so a deleted row's rowid
 * is never taken by another row (the search database's entries name both by rowid).
 */
export class TraceDeletion {
  private readonly readTrace: Statement;
  private readonly deleteTraceRow: Statement;
  private readonly deleteTag: Statement;
  private readonly observationRows: Statement;
  private readonly deleteObservations: Statement;
  private readonly unqueue: Statement;
  private readonly purge: Statement;
  private readonly raiseFloor: Statement;
  private readonly sessionTraces: Statement;
  private readonly olderTraces: Statement;
  private readonly sessions: GroupAggregates;
  private readonly users: GroupAggregates;
  private readonly pairs: UserSessionPairs;
  private readonly transaction: (projectId: string, traceIds: readonly string[]) => number;

  constructor(
    db: Database,
    private readonly counters: ProjectCounters,
  ) {
    this.readTrace = db.prepare(
      `SELECT rowid AS row_id, id, tags, user_id, session_id, start_ns, end_ns, total_tokens, total_cost_pico, environment
       FROM traces WHERE project_id = ? AND id = ?`,
    );
    this.deleteTraceRow = db.prepare(`DELETE FROM traces WHERE rowid = ?`);
    this.deleteTag = db.prepare(`DELETE FROM trace_tags WHERE project_id = ? AND tag = ? AND start_ns = ? AND trace_id = ?`);
    this.observationRows = db.prepare(`SELECT rowid AS row_id, id, type, name, level FROM observations WHERE trace_row = ?`);
    this.deleteObservations = db.prepare(`DELETE FROM observations WHERE trace_row = ?`);
    this.unqueue = db.prepare(`DELETE FROM fts_requeue WHERE row_id = ?`);
    this.purge = db.prepare(`INSERT OR IGNORE INTO search_purge (row_id, id) VALUES (?, ?)`);
    this.raiseFloor = db.prepare(
      `UPDATE rowid_floors SET floor = max(floor, coalesce(CASE table_name WHEN 'observations' THEN (SELECT max(rowid) FROM observations)
         ELSE (SELECT max(rowid) FROM traces) END, 0))`,
    );
    this.sessionTraces = db.prepare(`SELECT id FROM traces WHERE project_id = ? AND session_id = ? LIMIT ?`).pluck();
    this.olderTraces = db.prepare(`SELECT id FROM traces WHERE project_id = ? AND start_ns < ? ORDER BY start_ns LIMIT ?`).pluck();
    this.sessions = new GroupAggregates(db, "sessions", "session_id", (t) => t.sessionId);
    this.users = new GroupAggregates(db, "users", "user_id", (t) => t.userId);
    this.pairs = new UserSessionPairs(db);
    // IMMEDIATE: take the write lock up front, as the writer does.
    this.transaction = db.transaction((projectId: string, traceIds: readonly string[]) => this.deleteAll(projectId, traceIds)).immediate;
  }

  /** Deletes these traces (those that exist) in one transaction; returns how many were deleted. */
  deleteTraces(projectId: string, traceIds: readonly string[]): number {
    if (traceIds.length === 0) return 0;
    try {
      return this.transaction(projectId, traceIds);
    } finally {
      this.counters.discard();
    }
  }

  /** Up to `limit` trace ids of a session. */
  sessionTraceIds(projectId: string, sessionId: string, limit: number = DELETION_CHUNK_TRACES): string[] {
    return this.sessionTraces.all(projectId, sessionId, limit) as string[];
  }

  /** Up to `limit` ids of the project's traces that started before the cutoff, oldest first. */
  traceIdsOlderThan(projectId: string, cutoffNs: bigint, limit: number = DELETION_CHUNK_TRACES): string[] {
    return this.olderTraces.all(projectId, cutoffNs, limit) as string[];
  }

  private deleteAll(projectId: string, traceIds: readonly string[]): number {
    this.raiseFloor.run();
    let deleted = 0;
    for (const traceId of traceIds) if (this.deleteOne(projectId, traceId)) deleted++;
    if (deleted > 0) {
      this.counters.bump(COUNTER.traces, -deleted);
      this.counters.flush(projectId);
    }
    return deleted;
  }

  private deleteOne(projectId: string, traceId: string): boolean {
    const row = this.readTrace.get(projectId, traceId) as Row | undefined;
    if (row === undefined) return false;
    const traceRow = row["row_id"] as bigint;
    for (const observation of this.observationRows.all(traceRow) as Row[]) {
      this.unqueue.run(observation["row_id"]);
      this.purge.run(observation["row_id"], observation["id"]);
      this.counters.bump(COUNTER.observations, -1);
      this.counters.bump(COUNTER.type(observation["type"] as string), -1);
      this.counters.bump(COUNTER.name(observation["name"] as string), -1);
      this.counters.bump(COUNTER.level(observation["level"] as string), -1);
    }
    this.deleteObservations.run(traceRow);
    const startNs = row["start_ns"] as bigint;
    for (const tag of fromJson(row["tags"]) as string[]) {
      this.deleteTag.run(projectId, tag, startNs, traceId);
      this.counters.bump(COUNTER.tag(tag), -1);
    }
    // The trace row goes first: re-reading a group's bounds must no longer see it.
    this.deleteTraceRow.run(traceRow);
    const summary = summaryOfRow(row);
    this.sessions.apply(projectId, summary, null);
    this.users.apply(projectId, summary, null);
    this.pairs.apply(projectId, summary, null);
    return true;
  }
}
