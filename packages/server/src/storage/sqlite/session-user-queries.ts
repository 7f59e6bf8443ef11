import type { Database, Statement } from "better-sqlite3";
import type { SessionRecord, TraceRecord, UserRecord } from "../records.js";
import type { Page, SessionQuery } from "../trace-store.js";
import { StatementCache, Where, normalizePage, pageMeta } from "./statement-cache.js";
import { sessionFromRow, userFromRow } from "../record-rows.js";
import { TRACE_SELECT, traceFromRow } from "./trace-row.js";

type Row = Record<string, unknown>;

/**
 * Session and user reads from the `sessions` and `users` aggregate tables, which the writer keeps
 * up to date in the ingest transaction: a page is an index range over a few thousand small rows
 * at most, never a GROUP BY over traces.
 */
export class SessionUserQueries {
  private readonly statements: StatementCache;
  private readonly sessionUsers: Statement;

  constructor(db: Database) {
    this.statements = new StatementCache(db);
    this.sessionUsers = db.prepare(`SELECT user_id FROM user_sessions WHERE project_id = ? AND session_id = ? ORDER BY user_id`).pluck();
  }

  /** Sessions, newest first (by their first trace's start). */
  listSessions(projectId: string, query: SessionQuery): Page<SessionRecord> {
    const { page, limit, offset } = normalizePage(query);
    const where = new Where();
    let from = "sessions s";
    if (query.userId !== undefined) {
      // A user has few sessions: start from theirs.
      from = "user_sessions us CROSS JOIN sessions s ON s.project_id = us.project_id AND s.id = us.session_id";
      where.add("us.project_id = ?", projectId).add("us.user_id = ?", query.userId);
    } else {
      where.add("s.project_id = ?", projectId);
    }
    if (query.fromStartTimeNs !== undefined) where.add("s.first_start_ns >= ?", query.fromStartTimeNs);
    if (query.toStartTimeNs !== undefined) where.add("s.first_start_ns < ?", query.toStartTimeNs);
    const filter = where.toSql();
    const total = this.statements.get(`SELECT count(*) FROM ${from} ${filter}`).pluck().get(...where.params) as bigint;
    const rows = this.statements
      .get(`SELECT s.* FROM ${from} ${filter} ORDER BY s.first_start_ns DESC, s.id DESC LIMIT ? OFFSET ?`)
      .all(...where.params, limit, offset) as Row[];
    return { data: rows.map((row) => this.sessionFromRow(row)), meta: pageMeta(page, limit, Number(total)) };
  }

  /** A session and its traces (oldest first, as a conversation reads), or null. */
  getSession(projectId: string, sessionId: string): { session: SessionRecord; traces: TraceRecord[] } | null {
    const row = this.statements.get(`SELECT * FROM sessions WHERE project_id = ? AND id = ?`).get(projectId, sessionId) as Row | undefined;
    if (row === undefined) return null;
    const traces = this.statements
      .get(`SELECT ${TRACE_SELECT} FROM traces t WHERE t.project_id = ? AND t.session_id = ? ORDER BY t.start_ns, t.id`)
      .all(projectId, sessionId) as Row[];
    return { session: this.sessionFromRow(row), traces: traces.map(traceFromRow) };
  }

  /** Users, most recently seen first. `fromStartTimeNs`/`toStartTimeNs` select users seen in that range. */
  listUsers(projectId: string, query: SessionQuery): Page<UserRecord> {
    const { page, limit, offset } = normalizePage(query);
    const where = new Where().add("project_id = ?", projectId);
    if (query.userId !== undefined) where.add("id = ?", query.userId);
    if (query.fromStartTimeNs !== undefined) where.add("last_ns >= ?", query.fromStartTimeNs);
    if (query.toStartTimeNs !== undefined) where.add("first_start_ns < ?", query.toStartTimeNs);
    const filter = where.toSql();
    const total = this.statements.get(`SELECT count(*) FROM users ${filter}`).pluck().get(...where.params) as bigint;
    const rows = this.statements
      .get(`SELECT * FROM users ${filter} ORDER BY last_ns DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...where.params, limit, offset) as Row[];
    return { data: rows.map(userFromRow), meta: pageMeta(page, limit, Number(total)) };
  }

  private sessionFromRow(row: Row): SessionRecord {
    return sessionFromRow(row, this.sessionUsers.all(row["project_id"], row["id"]) as string[]);
  }
}

