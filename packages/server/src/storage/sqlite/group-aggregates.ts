import type { Database, Statement } from "better-sqlite3";

/** What sessions and users read from a trace. */
export interface TraceSummary {
  id: string;
  userId: string | null;
  sessionId: string | null;
  startNs: bigint;
  /** The end, or the start while nothing has ended: "last seen". */
  lastNs: bigint;
  tokens: number;
  costPico: bigint;
  environment: string;
}

/**
 * Maintains one aggregate table over traces grouped by a column (`sessions` by session id,
 * `users` by user id) incrementally, inside the ingest transaction: counts and sums move by the
 * trace's delta, the first/last times by min/max. Only when a trace that held the first start or
 * the last time leaves the group or moves inward is that bound re-read, through the
 * `(project_id, column, start_ns)` index of the trace table; with identical retries and
 * monotonically growing traces that never happens. Listing then reads a few rows by index instead
 * of grouping all traces (the anchors: grouping at query time costs hundreds of ms at 50k traces).
 */
export class GroupAggregates {
  private readonly upsert: Statement;
  private readonly read: Statement;
  private readonly remove: Statement;
  private readonly addDelta: Statement;
  private readonly setFirst: Statement;
  private readonly setLast: Statement;
  private readonly firstFromTraces: Statement;
  private readonly lastFromTraces: Statement;

  constructor(
    db: Database,
    table: "sessions" | "users",
    column: "session_id" | "user_id",
    private readonly keyOf: (trace: TraceSummary) => string | null,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO ${table} (project_id, id, trace_count, first_start_ns, first_trace_id, last_ns, total_tokens, total_cost_pico, environment)
       VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, id) DO UPDATE SET
         trace_count = trace_count + 1,
         total_tokens = total_tokens + excluded.total_tokens,
         total_cost_pico = total_cost_pico + excluded.total_cost_pico,
         last_ns = max(last_ns, excluded.last_ns),
         environment = CASE WHEN (excluded.first_start_ns, excluded.first_trace_id) < (first_start_ns, first_trace_id)
           THEN excluded.environment ELSE environment END,
         first_trace_id = CASE WHEN (excluded.first_start_ns, excluded.first_trace_id) < (first_start_ns, first_trace_id)
           THEN excluded.first_trace_id ELSE first_trace_id END,
         first_start_ns = min(first_start_ns, excluded.first_start_ns)`,
    );
    this.read = db.prepare(`SELECT trace_count, first_start_ns, first_trace_id, last_ns FROM ${table} WHERE project_id = ? AND id = ?`);
    this.remove = db.prepare(`DELETE FROM ${table} WHERE project_id = ? AND id = ?`);
    this.addDelta = db.prepare(
      `UPDATE ${table} SET trace_count = trace_count + ?, total_tokens = total_tokens + ?, total_cost_pico = total_cost_pico + ?
       WHERE project_id = ? AND id = ?`,
    );
    this.setFirst = db.prepare(`UPDATE ${table} SET first_start_ns = ?, first_trace_id = ?, environment = ? WHERE project_id = ? AND id = ?`);
    this.setLast = db.prepare(`UPDATE ${table} SET last_ns = ? WHERE project_id = ? AND id = ?`);
    this.firstFromTraces = db.prepare(
      `SELECT id, start_ns, environment FROM traces WHERE project_id = ? AND ${column} = ? ORDER BY start_ns, id LIMIT 1`,
    );
    this.lastFromTraces = db.prepare(`SELECT max(max(start_ns, coalesce(end_ns, start_ns))) AS last FROM traces WHERE project_id = ? AND ${column} = ?`);
  }

  /**
   * Moves a trace from its old state to its new one (either may be null). Call after the trace
   * row itself has been written, so that re-reading a bound sees the new state.
   */
  apply(projectId: string, old: TraceSummary | null, next: TraceSummary | null): void {
    const oldKey = old === null ? null : this.keyOf(old);
    const newKey = next === null ? null : this.keyOf(next);
    if (old !== null && next !== null && oldKey !== null && oldKey === newKey) {
      this.update(projectId, oldKey, old, next);
      return;
    }
    if (old !== null && oldKey !== null) this.leave(projectId, oldKey, old);
    if (next !== null && newKey !== null) this.join(projectId, newKey, next);
  }

  private join(projectId: string, key: string, t: TraceSummary): void {
    this.upsert.run(projectId, key, t.startNs, t.id, t.lastNs, t.tokens, t.costPico, t.environment);
  }

  private leave(projectId: string, key: string, t: TraceSummary): void {
    const row = this.read.get(projectId, key) as GroupRow | undefined;
    if (row === undefined) return;
    if (Number(row.trace_count) <= 1) {
      this.remove.run(projectId, key);
      return;
    }
    this.addDelta.run(-1, -t.tokens, -t.costPico, projectId, key);
    if (row.first_trace_id === t.id) this.rereadFirst(projectId, key);
    if (t.lastNs >= row.last_ns) this.rereadLast(projectId, key);
  }

  private update(projectId: string, key: string, old: TraceSummary, next: TraceSummary): void {
    const row = this.read.get(projectId, key) as GroupRow | undefined;
    if (row === undefined) {
      this.join(projectId, key, next);
      return;
    }
    this.addDelta.run(0, next.tokens - old.tokens, next.costPico - old.costPico, projectId, key);
    const beforeFirst = next.startNs < row.first_start_ns || (next.startNs === row.first_start_ns && next.id < row.first_trace_id);
    if (beforeFirst || (row.first_trace_id === next.id && next.startNs <= old.startNs)) {
      this.setFirst.run(next.startNs, next.id, next.environment, projectId, key);
    } else if (row.first_trace_id === next.id) {
      this.rereadFirst(projectId, key);
    }
    if (next.lastNs >= row.last_ns) this.setLast.run(next.lastNs, projectId, key);
    else if (old.lastNs >= row.last_ns) this.rereadLast(projectId, key);
  }

  private rereadFirst(projectId: string, key: string): void {
    const first = this.firstFromTraces.get(projectId, key) as { id: string; start_ns: bigint; environment: string } | undefined;
    if (first !== undefined) this.setFirst.run(first.start_ns, first.id, first.environment, projectId, key);
  }

  private rereadLast(projectId: string, key: string): void {
    const last = this.lastFromTraces.get(projectId, key) as { last: bigint | null } | undefined;
    if (last?.last !== null && last?.last !== undefined) this.setLast.run(last.last, projectId, key);
  }
}

interface GroupRow {
  trace_count: bigint;
  first_start_ns: bigint;
  first_trace_id: string;
  last_ns: bigint;
}

/**
 * Keeps `user_sessions` (traces per user and session) and each user's `session_count` in step:
 * a user's session count moves only when a (user, session) pair gains its first trace or loses
 * its last one, so it stays exact without counting distinct sessions at query time.
 */
export class UserSessionPairs {
  private readonly increment: Statement;
  private readonly decrement: Statement;
  private readonly removePair: Statement;
  private readonly addSessionCount: Statement;

  constructor(db: Database) {
    this.increment = db.prepare(
      `INSERT INTO user_sessions (project_id, user_id, session_id, trace_count) VALUES (?, ?, ?, 1)
       ON CONFLICT (project_id, user_id, session_id) DO UPDATE SET trace_count = trace_count + 1
       RETURNING trace_count`,
    );
    this.decrement = db.prepare(
      `UPDATE user_sessions SET trace_count = trace_count - 1 WHERE project_id = ? AND user_id = ? AND session_id = ? RETURNING trace_count`,
    );
    this.removePair = db.prepare(`DELETE FROM user_sessions WHERE project_id = ? AND user_id = ? AND session_id = ?`);
    this.addSessionCount = db.prepare(`UPDATE users SET session_count = session_count + ? WHERE project_id = ? AND id = ?`);
  }

  /** Moves a trace's (user, session) pair; call after the `users` aggregate was updated. */
  apply(projectId: string, old: TraceSummary | null, next: TraceSummary | null): void {
    const oldPair = old?.userId != null && old.sessionId != null ? [old.userId, old.sessionId] as const : null;
    const newPair = next?.userId != null && next.sessionId != null ? [next.userId, next.sessionId] as const : null;
    if (oldPair !== null && newPair !== null && oldPair[0] === newPair[0] && oldPair[1] === newPair[1]) return;
    if (oldPair !== null) {
      const row = this.decrement.get(projectId, ...oldPair) as { trace_count: bigint } | undefined;
      if (row !== undefined && row.trace_count <= 0n) {
        this.removePair.run(projectId, ...oldPair);
        this.addSessionCount.run(-1, projectId, oldPair[0]);
      }
    }
    if (newPair !== null) {
      const row = this.increment.get(projectId, ...newPair) as { trace_count: bigint };
      if (row.trace_count === 1n) this.addSessionCount.run(1, projectId, newPair[0]);
    }
  }
}
