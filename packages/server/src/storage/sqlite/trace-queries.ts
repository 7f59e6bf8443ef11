import type { Database, Statement } from "better-sqlite3";
import type { StoredObservation, TraceRecord } from "../records.js";
import type { Page, TraceQuery } from "../trace-store.js";
import { toFtsPhrase, toFtsQuery } from "./fts-query.js";
import { COUNTER } from "./project-counters.js";
import type { ProjectCounters } from "./project-counters.js";
import { OBSERVATION_SELECT, observationFromRow } from "./observation-row.js";
import { StatementCache, Where, normalizePage, pageMeta, placeholders } from "./statement-cache.js";
import { TRACE_SELECT, traceFromRow } from "./trace-row.js";
import { TRACE_INDEX, TRACE_ROW_OF, TRACE_SORT_INDEX } from "./schema.js";
import { SEARCH_SCHEMA, projectKeyOf } from "./search-schema.js";

/**
 * The most recent matching observations of the project a search considers. Selective terms match
 * far fewer; a very common term is answered from its newest matches in bounded time (the anchors:
 * ranking all 318k matches of a common word costs 150 ms) instead of from every match.
 */
export const SEARCH_MATCH_CAP = 10_000;

/** Rows a search indexes first if the indexer is behind, so fresh data is findable. */
export const SEARCH_CATCH_UP_ROWS = 50_000;

const ORDER_COLUMNS: Record<NonNullable<TraceQuery["orderBy"]>["field"], string> = {
  timestamp: "t.start_ns",
  name: "t.name",
  latency: "t.latency_ns",
  totalCost: "t.total_cost_pico",
  totalTokens: "t.total_tokens",
  observationCount: "t.observation_count",
};

/**
 * Trace reads. Every access path is an index range: the newest-first list walks
 * `traces(project_id, start_ns)` (or the user/session/name/environment/order-by index), a tag
 * filter walks `trace_tags(project_id, tag, start_ns)` and checks further tags by primary key, a
 * search starts from the FTS5 match set (in the search database); counts use the same paths.
 * Nothing aggregates observations at query time: the `traces` row holds the aggregates.
 */
export class TraceQueries {
  private readonly statements: StatementCache;
  private readonly matches: Statement;
  private readonly clearHits: Statement;
  private readonly fillHits: Statement;

  /**
   * `db` reads the main database, `search` the search database (attached as `search`; the same
   * connection when one thread does everything); `catchUp` indexes up to a number of pending rows.
   */
  constructor(
    db: Database,
    search: Database,
    private readonly catchUp: (maxRows: number) => void,
    private readonly counters: ProjectCounters,
  ) {
    this.statements = new StatementCache(db);
    // The traces (rowids) of the project's newest matching observations, from the index alone.
    this.matches = search.prepare(
      `SELECT count(*) AS n, json_group_array(DISTINCT trace_row) AS traces FROM
         (SELECT trace_row FROM ${SEARCH_SCHEMA}.observations_fts WHERE observations_fts MATCH ? ORDER BY rowid DESC LIMIT ?)`,
    );
    // A search's matching traces are collected once into a connection-private temp table, then
    // counted and paged from there (instead of running the full-text match twice).
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS search_hits (trace_id TEXT PRIMARY KEY) WITHOUT ROWID`);
    this.clearHits = db.prepare(`DELETE FROM temp.search_hits`);
    // CROSS JOIN fixes the join order: from the matches outwards. A trace deleted since (and not
    // purged from the search database yet) joins nothing: trace rowids are never reused.
    this.fillHits = db.prepare(
      `INSERT OR IGNORE INTO temp.search_hits (trace_id)
       SELECT t.id FROM json_each(?) f CROSS JOIN traces t ON t.rowid = f.value WHERE t.project_id = ?`,
    );
  }

  /** A page of traces, newest first unless `orderBy` says otherwise. */
  list(projectId: string, query: TraceQuery): Page<TraceRecord> {
    const { page, limit, offset } = normalizePage(query);
    const search = query.search ?? "";
    if (search.trim() === "" || toFtsQuery(search) === null) return this.runList(projectId, query, null, limit, offset);
    this.catchUp(SEARCH_CATCH_UP_ROWS);
    const hits = this.matchingTraces(projectId, search);
    return hits === null ? { data: [], meta: pageMeta(page, limit, 0) } : this.runList(projectId, query, hits, limit, offset);
  }

  /**
   * The traces (a JSON array of rowids) of the project's newest matching observations, or null when
   * FTS5 refuses every form of the query. The words as typed are tried first; the last one as a
   * prefix (the person may still be typing it) only when they match fewer than `SEARCH_MATCH_CAP`
   * observations: FTS5 answers a prefix by merging the lists of every word that starts with it, so
   * a prefix of a word in every row costs ~40 ms at 1M observations, where that word itself costs
   * under 1 ms, and adds nothing once the cap is full.
   */
  private matchingTraces(projectId: string, search: string): string | null {
    const key = `project_key : "${projectKeyOf(projectId)}"`;
    const run = (match: string) => this.matches.get(`${key} AND body : (${match})`, SEARCH_MATCH_CAP) as { n: number; traces: string };
    const exact = toFtsQuery(search, false) ?? "";
    const prefixed = toFtsQuery(search) ?? exact;
    try {
      const found = run(exact);
      return prefixed === exact || found.n >= SEARCH_MATCH_CAP ? found.traces : run(prefixed).traces;
    } catch (error) {
      // Quoting makes FTS5 syntax errors unlikely; if one slips through, search the whole text as a phrase.
      if (!isFtsQueryError(error)) throw error;
    }
    try {
      return run(toFtsPhrase(search) ?? exact).traces;
    } catch (error) {
      if (!isFtsQueryError(error)) throw error;
      return null;
    }
  }

  private runList(projectId: string, query: TraceQuery, hits: string | null, limit: number, offset: number): Page<TraceRecord> {
    const { from, where, orderBy, params, sortIndex } = this.plan(projectId, query, hits);
    const count = this.counted(projectId, query, hits) ?? (this.statements.get(`SELECT count(*) FROM ${from} ${where}`).pluck().get(...params) as bigint);
    // A sort by a traces aggregate with at most a time filter: the page is chosen from the covering
    // sort index alone (no table row is read for the traces that do not make the page).
    const sql = sortIndex
      ? `SELECT ${TRACE_SELECT} FROM traces t WHERE t.rowid IN
           (SELECT t.rowid FROM traces t INDEXED BY ${TRACE_SORT_INDEX} ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?)
         ORDER BY ${orderBy}`
      : `SELECT ${TRACE_SELECT} FROM ${from} ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`;
    const rows = this.statements.get(sql).all(...params, limit, offset) as Record<string, unknown>[];
    const page = Math.floor(offset / limit) + 1;
    return { data: rows.map(traceFromRow), meta: pageMeta(page, limit, Number(count)) };
  }

  /** The total from a counter when the query filters by nothing or by one tag only. */
  private counted(projectId: string, query: TraceQuery, hits: string | null): number | null {
    if (hits !== null) return null;
    const filters = Object.entries(query).filter(([key, value]) => !["page", "limit", "orderBy", "search"].includes(key) && value !== undefined);
    if (filters.length === 0) return this.counters.get(projectId, COUNTER.traces);
    const tags = new Set(query.tags ?? []);
    if (filters.length === 1 && tags.size === 1) return this.counters.get(projectId, COUNTER.tag([...tags][0] ?? ""));
    return null;
  }

  /** Chooses the driving table and builds the filters. */
  private plan(
    projectId: string,
    query: TraceQuery,
    hits: string | null,
  ): { from: string; where: string; orderBy: string; params: unknown[]; sortIndex: boolean } {
    const where = new Where();
    const fromParams: unknown[] = [];
    // The rarest tag drives (its rows are walked); the others are primary-key probes.
    const tags = [...new Set(query.tags ?? [])]
      .map((tag) => ({ tag, count: this.counters.get(projectId, COUNTER.tag(tag)) }))
      .sort((a, b) => a.count - b.count)
      .map((entry) => entry.tag);
    const direction = query.orderBy?.direction === "asc" ? "ASC" : "DESC";
    const field = query.orderBy?.field ?? "timestamp";
    let from: string;
    let startColumn = "t.start_ns";
    let idColumn = "t.id";
    if (hits !== null) {
      this.clearHits.run();
      this.fillHits.run(hits, projectId);
      from = `temp.search_hits m CROSS JOIN traces t ON t.project_id = ? AND t.id = m.trace_id`;
      fromParams.push(projectId);
    } else if (tags.length > 0) {
      // The first tag drives: its rows are in (tag, start) order, which is the list order.
      from = `trace_tags g CROSS JOIN traces t ON t.project_id = g.project_id AND t.id = g.trace_id`;
      where.add("g.project_id = ?", projectId).add("g.tag = ?", tags[0]);
      startColumn = "g.start_ns";
      idColumn = "g.trace_id";
    } else {
      from = "traces t";
      where.add("t.project_id = ?", projectId);
    }
    for (const tag of tags.slice(hits === null ? 1 : 0)) {
      where.add(
        `EXISTS (SELECT 1 FROM trace_tags x WHERE x.project_id = t.project_id AND x.tag = ? AND x.start_ns = t.start_ns AND x.trace_id = t.id)`,
        tag,
      );
    }
    if (query.userId !== undefined) where.add("t.user_id = ?", query.userId);
    if (query.sessionId !== undefined) where.add("t.session_id = ?", query.sessionId);
    if (query.name !== undefined) where.add("t.name = ?", query.name);
    if (query.environment !== undefined && query.environment.length > 0) {
      where.add(`t.environment IN (${placeholders(query.environment.length)})`, ...query.environment);
    }
    if (query.level !== undefined) where.add("t.level = ?", query.level);
    if (query.fromStartTimeNs !== undefined) where.add(`${startColumn} >= ?`, query.fromStartTimeNs);
    if (query.toStartTimeNs !== undefined) where.add(`${startColumn} < ?`, query.toStartTimeNs);
    const orderBy =
      field === "timestamp"
        ? `${startColumn} ${direction}, ${idColumn} ${direction}`
        : `${ORDER_COLUMNS[field]} ${direction}, t.start_ns ${direction}, t.id ${direction}`;
    const byTimeOnly = [query.userId, query.sessionId, query.name, query.level].every((v) => v === undefined) && (query.environment ?? []).length === 0;
    const sortIndex = from === "traces t" && byTimeOnly && field !== "timestamp" && field !== "name";
    return { from, where: where.toSql(), orderBy, params: [...fromParams, ...where.params], sortIndex };
  }

  /** One trace, or null (also for another project's trace). */
  get(projectId: string, traceId: string): TraceRecord | null {
    const row = this.statements.get(`SELECT ${TRACE_SELECT} FROM traces t WHERE t.project_id = ? AND t.id = ?`).get(projectId, traceId);
    return row === undefined ? null : traceFromRow(row as Record<string, unknown>);
  }

  /** The trace's observations by start time (the trace index, `observations(trace_row, id)`). */
  observations(projectId: string, traceId: string): StoredObservation[] {
    const rows = this.statements
      .get(`SELECT ${OBSERVATION_SELECT} FROM observations o INDEXED BY ${TRACE_INDEX} WHERE o.trace_row = ${TRACE_ROW_OF} ORDER BY o.start_ns, o.id`)
      .all(projectId, traceId) as Record<string, unknown>[];
    return rows.map(observationFromRow);
  }
}

/** An error in the FTS5 query text (as opposed to a database failure, which must propagate). */
function isFtsQueryError(error: unknown): boolean {
  return error instanceof Error && /fts5|unterminated string|malformed MATCH/i.test(error.message);
}
