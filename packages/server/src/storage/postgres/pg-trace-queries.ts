import type pg from "pg";
import type { StoredObservation, TraceRecord } from "../records.js";
import type { Page, TraceQuery } from "../trace-store.js";
import { OBSERVATION_SELECT, observationFromRow } from "../sqlite/observation-row.js";
import { PG_TRACE_SELECT, pgTraceFromRow } from "./pg-rows.js";
import { searchQueryOf } from "./pg-lexemes.js";
import { COUNTER, readCounter } from "./pg-project-counters.js";
import { inTransaction } from "./pg-transaction.js";
import { HOUR_NS } from "../metrics-rollup.js";
import { PgWhere, pgPage, pgPageMeta } from "./pg-where.js";

/**
 * The most recent matching observations a search considers: a very common term is answered from
 * its newest matches in bounded time instead of from every match (as in the SQLite store).
 */
export const PG_SEARCH_MATCH_CAP = 2_000;

/** The newest observations a common word is looked for in first (see `searchHits`). */
export const PG_SEARCH_WINDOW = 10_000;

const INT8_MIN = -9_223_372_036_854_775_808n;

const ORDER_COLUMNS: Record<NonNullable<TraceQuery["orderBy"]>["field"], string> = {
  timestamp: "t.start_ns",
  name: "t.name",
  latency: "t.latency_ns",
  totalCost: "t.total_cost_pico",
  totalTokens: "t.total_tokens",
  observationCount: "t.observation_count",
};

type Row = Record<string, unknown>;

/**
 * Trace reads. The `traces` row holds every aggregate, so no list aggregates observations; the
 * newest-first list walks `traces(project_id, start_ns, id)`, other filters their indexes, tags the
 * GIN index on `tags`; a search collects the traces of the newest matching observations
 * (`searchHits`, through the GIN index of the observations' words) and filters by them. NULLs sort first
 * ascending, as in SQLite.
 */
export class PgTraceQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** A page of traces, newest first unless `orderBy` says otherwise. */
  async list(projectId: string, query: TraceQuery): Promise<Page<TraceRecord>> {
    const { page, limit, offset } = pgPage(query);
    const where = new PgWhere();
    const project = where.param(projectId);
    const search = query.search ?? "";
    const searching = search.trim() !== "";
    const tsQuery = searching ? searchQueryOf(search) : null;
    // Search text without a single word (only punctuation) matches no observation.
    if (searching && tsQuery === null) return { data: [], meta: pgPageMeta(page, limit, 0) };
    where.add(`t.project_id = ${project}`);
    if (tsQuery !== null) where.add("t.id = ANY(?::text[])", await this.searchHits(projectId, tsQuery));
    const tags = [...new Set(query.tags ?? [])];
    if (tags.length > 0) where.add("t.tags @> ?::text[]", tags);
    if (query.userId !== undefined) where.add("t.user_id = ?", query.userId);
    if (query.sessionId !== undefined) where.add("t.session_id = ?", query.sessionId);
    if (query.name !== undefined) where.add("t.name = ?", query.name);
    if (query.environment !== undefined && query.environment.length > 0) where.add("t.environment = ANY(?::text[])", query.environment);
    if (query.level !== undefined) where.add("t.level = ?", query.level);
    if (query.fromStartTimeNs !== undefined) where.add("t.start_ns >= ?", query.fromStartTimeNs);
    if (query.toStartTimeNs !== undefined) where.add("t.start_ns < ?", query.toStartTimeNs);
    const direction = query.orderBy?.direction === "asc" ? "ASC" : "DESC";
    const nulls = direction === "ASC" ? "NULLS FIRST" : "NULLS LAST";
    const field = query.orderBy?.field ?? "timestamp";
    const orderBy =
      field === "timestamp"
        ? `t.start_ns ${direction}, t.id ${direction}`
        : `${ORDER_COLUMNS[field]} ${direction} ${nulls}, t.start_ns ${direction}, t.id ${direction}`;
    const filter = where.toSql();
    const total =
      (await this.counted(projectId, query, tsQuery !== null)) ??
      Number((await this.pool.query<{ n: bigint }>(`SELECT count(*) AS n FROM traces t ${filter}`, where.params)).rows[0]?.n ?? 0n);
    const l = where.param(limit);
    const o = where.param(offset);
    const rows = await this.pool.query<Row>(`SELECT ${PG_TRACE_SELECT} FROM traces t ${filter} ORDER BY ${orderBy} LIMIT ${l} OFFSET ${o}`, where.params);
    return { data: rows.rows.map(pgTraceFromRow), meta: pgPageMeta(page, limit, total) };
  }

  /**
   * The traces of the newest `PG_SEARCH_MATCH_CAP` observations matching the query, in one
   * transaction (one snapshot):
   *
   * 1. The newest `PG_SEARCH_WINDOW` observations are walked backwards in time with bitmap scans
   *    off: a common word reaches the cap there at once, where collecting its every match through
   *    the GIN index would read them all.
   * 2. Otherwise every match in that window is known, and older matches come from the GIN index
   *    (plain index scans off), in time ranges below the window that start at an hour and double,
   *    until the cap or the oldest observation. Left to itself, PostgreSQL walks the time index
   *    backwards with the words as a filter whenever it overestimates a word, as it always does for
   *    a prefix (`refu:*`): a rare or absent word then reads every row (seconds at 1M).
   */
  private async searchHits(projectId: string, tsQuery: string): Promise<string[]> {
    const hits = await inTransaction(this.pool, async (client) => {
      const boundary = await client.query<{ start_ns: bigint }>({
        name: "search-window",
        text: "SELECT start_ns FROM observations WHERE project_id = $1 ORDER BY start_ns DESC OFFSET $2 LIMIT 1",
        values: [projectId, PG_SEARCH_WINDOW - 1],
      });
      const from = boundary.rows[0]?.start_ns;
      await client.query("SET LOCAL enable_bitmapscan = off");
      const found = (
        await client.query<{ trace_id: string }>({
          name: "search-recent",
          text: `SELECT s.trace_id FROM observations s
            WHERE s.project_id = $1 AND s.start_ns >= $2 AND s.search @@ $3::tsquery
            ORDER BY s.start_ns DESC LIMIT $4`,
          values: [projectId, from ?? INT8_MIN, tsQuery, PG_SEARCH_MATCH_CAP],
        })
      ).rows;
      // The window covers the whole project, or holds the cap: exact.
      if (from === undefined || found.length >= PG_SEARCH_MATCH_CAP) return found;
      // The window has rows, so the project has an oldest one.
      const oldest =
        (
          await client.query<{ start_ns: bigint | null }>({
            name: "search-oldest",
            text: "SELECT min(start_ns) AS start_ns FROM observations WHERE project_id = $1",
            values: [projectId],
          })
        ).rows[0]?.start_ns ?? from;
      await client.query("SET LOCAL enable_bitmapscan = on");
      await client.query("SET LOCAL enable_indexscan = off");
      let to = from;
      for (let span = HOUR_NS; to > oldest && found.length < PG_SEARCH_MATCH_CAP; span *= 2n) {
        const lower = to - span < oldest ? oldest : to - span;
        const older = await client.query<{ trace_id: string }>({
          name: "search-older",
          text: `SELECT s.trace_id FROM observations s
            WHERE s.project_id = $1 AND s.start_ns >= $2 AND s.start_ns < $3 AND s.search @@ $4::tsquery
            ORDER BY s.start_ns DESC LIMIT $5`,
          values: [projectId, lower, to, tsQuery, PG_SEARCH_MATCH_CAP - found.length],
        });
        found.push(...older.rows);
        to = lower;
      }
      return found;
    });
    return [...new Set(hits.map((row) => row.trace_id))];
  }

  /** The total from a counter when the query filters by nothing or by one tag only. */
  private async counted(projectId: string, query: TraceQuery, searching: boolean): Promise<number | null> {
    if (searching) return null;
    const filters = Object.entries(query).filter(([key, value]) => !["page", "limit", "orderBy", "search"].includes(key) && value !== undefined);
    if (filters.length === 0) return readCounter(this.pool, projectId, COUNTER.traces);
    const tags = new Set(query.tags ?? []);
    if (filters.length === 1 && tags.size === 1) return readCounter(this.pool, projectId, COUNTER.tag([...tags][0] ?? ""));
    return null;
  }

  /** One trace, or null (also for another project's trace). */
  async get(projectId: string, traceId: string): Promise<TraceRecord | null> {
    const result = await this.pool.query<Row>({
      name: "trace-get",
      text: `SELECT ${PG_TRACE_SELECT} FROM traces t WHERE t.project_id = $1 AND t.id = $2`,
      values: [projectId, traceId],
    });
    const row = result.rows[0];
    return row === undefined ? null : pgTraceFromRow(row);
  }

  /** The trace's observations by start time; the trace row's time bounds prune partitions. */
  async observations(projectId: string, traceId: string): Promise<StoredObservation[]> {
    const result = await this.pool.query<Row>({
      name: "trace-observations",
      text: `SELECT ${OBSERVATION_SELECT} FROM traces t JOIN observations o
          ON o.project_id = t.project_id AND o.trace_id = t.id AND o.start_ns >= t.start_ns AND o.start_ns <= t.max_start_ns
        WHERE t.project_id = $1 AND t.id = $2 ORDER BY o.start_ns, o.id`,
      values: [projectId, traceId],
    });
    return result.rows.map(observationFromRow);
  }
}
