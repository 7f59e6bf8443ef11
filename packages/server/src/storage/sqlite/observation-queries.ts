import type { Database } from "better-sqlite3";
import type { StoredObservation } from "../records.js";
import type { ObservationQuery, Page } from "../trace-store.js";
import { OBSERVATION_ROWIDS_BY_ID, ObservationIdLookup } from "./observation-id-lookup.js";
import { TRACE_INDEX, TRACE_ROW_OF } from "./schema.js";
import { COUNTER } from "./project-counters.js";
import type { ProjectCounters } from "./project-counters.js";
import { OBSERVATION_SELECT, observationFromRow } from "./observation-row.js";
import { StatementCache, Where, normalizePage, pageMeta, placeholders } from "./statement-cache.js";

/**
 * Observation reads, newest first. Type, name and time filters walk the covering
 * `observations_metrics (project_id, start_ns, type, name, ...)` index newest first and check type
 * and name in it (a common type or name finds its page at once; the fewer the matches, the more
 * of the index a page reads); a non-default level uses the small partial level index; user and
 * session filters are trace-level facts, resolved through the trace indexes.
 */
export class ObservationQueries {
  private readonly statements: StatementCache;
  private readonly ids: ObservationIdLookup;

  /** `search` is a connection with the search database attached (the id lookup), possibly `db` itself. */
  constructor(
    db: Database,
    search: Database,
    private readonly counters: ProjectCounters,
  ) {
    this.statements = new StatementCache(db);
    this.ids = new ObservationIdLookup(search);
  }

  /** A page of observations matching every given filter. */
  list(projectId: string, query: ObservationQuery): Page<StoredObservation> {
    const { page, limit, offset } = normalizePage(query);
    // A type or name the project has never stored: answered by its counter, not by walking the index.
    const none = (query.type !== undefined && this.counters.get(projectId, COUNTER.type(query.type)) === 0) ||
      (query.name !== undefined && this.counters.get(projectId, COUNTER.name(query.name)) === 0);
    if (none) return { data: [], meta: pageMeta(page, limit, 0) };
    const where = new Where().add("o.project_id = ?", projectId);
    if (query.traceId !== undefined) where.add(`o.trace_row = ${TRACE_ROW_OF}`, projectId, query.traceId);
    if (query.type !== undefined) where.add("o.type = ?", query.type);
    if (query.name !== undefined) where.add("o.name = ?", query.name);
    if (query.level !== undefined) {
      where.add("o.level = ?", query.level);
      // Repeats the partial index's condition so that SQLite may use it.
      if (query.level !== "DEFAULT") where.add("o.level <> 'DEFAULT'");
    }
    if (query.parentObservationId !== undefined) where.add("o.parent_id = ?", query.parentObservationId);
    if (query.environment !== undefined && query.environment.length > 0) {
      where.add(`o.environment IN (${placeholders(query.environment.length)})`, ...query.environment);
    }
    if (query.userId !== undefined) where.add("o.trace_row IN (SELECT rowid FROM traces WHERE project_id = ? AND user_id = ?)", projectId, query.userId);
    if (query.sessionId !== undefined) {
      where.add("o.trace_row IN (SELECT rowid FROM traces WHERE project_id = ? AND session_id = ?)", projectId, query.sessionId);
    }
    if (query.fromStartTimeNs !== undefined) where.add("o.start_ns >= ?", query.fromStartTimeNs);
    if (query.toStartTimeNs !== undefined) where.add("o.start_ns < ?", query.toStartTimeNs);
    const filter = where.toSql();
    // One trace's rows come from the trace index; without the hint SQLite may walk the project's
    // time-ordered index to avoid a sort of a few rows.
    const from = query.traceId !== undefined ? `observations o INDEXED BY ${TRACE_INDEX}` : "observations o";
    const total = this.counted(projectId, query) ?? (this.statements.get(`SELECT count(*) FROM ${from} ${filter}`).pluck().get(...where.params) as bigint);
    const rows = this.statements
      .get(`SELECT ${OBSERVATION_SELECT} FROM ${from} ${filter} ORDER BY o.start_ns DESC, o.id DESC LIMIT ? OFFSET ?`)
      .all(...where.params, limit, offset) as Record<string, unknown>[];
    return { data: rows.map(observationFromRow), meta: pageMeta(page, limit, Number(total)) };
  }

  /** The total from a counter when the query filters by nothing, or only by type, name or level. */
  private counted(projectId: string, query: ObservationQuery): number | null {
    const filters = Object.entries(query).filter(([key, value]) => key !== "page" && key !== "limit" && value !== undefined);
    if (filters.length === 0) return this.counters.get(projectId, COUNTER.observations);
    if (filters.length === 1 && query.type !== undefined) return this.counters.get(projectId, COUNTER.type(query.type));
    if (filters.length === 1 && query.name !== undefined) return this.counters.get(projectId, COUNTER.name(query.name));
    if (filters.length === 1 && query.level !== undefined) return this.counters.get(projectId, COUNTER.level(query.level));
    return null;
  }

  /** The observation with this id (the earliest-starting one if two traces share a span id). */
  get(projectId: string, observationId: string): StoredObservation | null {
    const { rowIds, mark } = this.ids.candidates(observationId);
    const row = this.statements
      .get(`SELECT ${OBSERVATION_SELECT} FROM observations o WHERE o.rowid IN (${OBSERVATION_ROWIDS_BY_ID}) ORDER BY o.start_ns, o.trace_id LIMIT 1`)
      .get(rowIds, projectId, observationId, mark, projectId, observationId);
    return row === undefined ? null : observationFromRow(row as Record<string, unknown>);
  }
}
