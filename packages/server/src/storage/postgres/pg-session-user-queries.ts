import type pg from "pg";
import type { SessionRecord, TraceRecord, UserRecord } from "../records.js";
import type { Page, SessionQuery } from "../trace-store.js";
import { sessionFromRow, userFromRow } from "../record-rows.js";
import { PG_TRACE_SELECT, pgTraceFromRow } from "./pg-rows.js";
import { PgWhere, pgPage, pgPageMeta } from "./pg-where.js";

import type { Row } from "../record-rows.js";

/**
 * Session and user reads from the `sessions` and `users` aggregate tables, which the writer keeps
 * up to date in the ingest transaction: a page is an index range, never a GROUP BY over traces.
 */
export class PgSessionUserQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** Sessions, newest first (by their first trace's start), each with its user ids. */
  async listSessions(projectId: string, query: SessionQuery): Promise<Page<SessionRecord>> {
    const { page, limit, offset } = pgPage(query);
    const where = new PgWhere().add("s.project_id = ?", projectId);
    if (query.userId !== undefined) {
      where.add("EXISTS (SELECT 1 FROM user_sessions us WHERE us.project_id = s.project_id AND us.session_id = s.id AND us.user_id = ?)", query.userId);
    }
    if (query.fromStartTimeNs !== undefined) where.add("s.first_start_ns >= ?", query.fromStartTimeNs);
    if (query.toStartTimeNs !== undefined) where.add("s.first_start_ns < ?", query.toStartTimeNs);
    const filter = where.toSql();
    const count = await this.pool.query<{ n: bigint }>(`SELECT count(*) AS n FROM sessions s ${filter}`, where.params);
    const l = where.param(limit);
    const o = where.param(offset);
    const rows = await this.pool.query<Row>(
      `SELECT s.*, ARRAY(SELECT us.user_id FROM user_sessions us WHERE us.project_id = s.project_id AND us.session_id = s.id ORDER BY us.user_id) AS user_ids
       FROM sessions s ${filter} ORDER BY s.first_start_ns DESC, s.id DESC LIMIT ${l} OFFSET ${o}`,
      where.params,
    );
    return { data: rows.rows.map((row) => sessionFromRow(row, row["user_ids"] as string[])), meta: pgPageMeta(page, limit, Number(count.rows[0]?.n ?? 0n)) };
  }

  /** A session and its traces (oldest first, as a conversation reads), or null. */
  async getSession(projectId: string, sessionId: string): Promise<{ session: SessionRecord; traces: TraceRecord[] } | null> {
    const session = await this.pool.query<Row>({
      name: "session-get",
      text: `SELECT s.*, ARRAY(SELECT us.user_id FROM user_sessions us WHERE us.project_id = s.project_id AND us.session_id = s.id ORDER BY us.user_id) AS user_ids
        FROM sessions s WHERE s.project_id = $1 AND s.id = $2`,
      values: [projectId, sessionId],
    });
    const row = session.rows[0];
    if (row === undefined) return null;
    const traces = await this.pool.query<Row>({
      name: "session-traces",
      text: `SELECT ${PG_TRACE_SELECT} FROM traces t WHERE t.project_id = $1 AND t.session_id = $2 ORDER BY t.start_ns, t.id`,
      values: [projectId, sessionId],
    });
    return { session: sessionFromRow(row, row["user_ids"] as string[]), traces: traces.rows.map(pgTraceFromRow) };
  }

  /** Users, most recently seen first. `fromStartTimeNs`/`toStartTimeNs` select users seen in that range. */
  async listUsers(projectId: string, query: SessionQuery): Promise<Page<UserRecord>> {
    const { page, limit, offset } = pgPage(query);
    const where = new PgWhere().add("project_id = ?", projectId);
    if (query.userId !== undefined) where.add("id = ?", query.userId);
    if (query.fromStartTimeNs !== undefined) where.add("last_ns >= ?", query.fromStartTimeNs);
    if (query.toStartTimeNs !== undefined) where.add("first_start_ns < ?", query.toStartTimeNs);
    const filter = where.toSql();
    const count = await this.pool.query<{ n: bigint }>(`SELECT count(*) AS n FROM users ${filter}`, where.params);
    const l = where.param(limit);
    const o = where.param(offset);
    const rows = await this.pool.query<Row>(`SELECT * FROM users ${filter} ORDER BY last_ns DESC, id DESC LIMIT ${l} OFFSET ${o}`, where.params);
    return { data: rows.rows.map(userFromRow), meta: pgPageMeta(page, limit, Number(count.rows[0]?.n ?? 0n)) };
  }
}


