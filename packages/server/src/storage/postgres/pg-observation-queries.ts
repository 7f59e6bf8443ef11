import type pg from "pg";
import type { LevelName, ObservationTypeName, StoredObservation } from "../records.js";
import type { ObservationQuery, ObservationStructure, Page } from "../trace-store.js";
import { PICO_USD_PER_USD } from "../trace-derivation.js";
import { OBSERVATION_SELECT, observationFromRow } from "../sqlite/observation-row.js";
import { COUNTER, readCounter } from "./pg-project-counters.js";
import { PgWhere, pgPage, pgPageMeta } from "./pg-where.js";

type Row = Record<string, unknown>;

/** Trace ids per statement of `observationIds`. */
const ID_CHUNK = 500;

/**
 * Observation reads, newest first. Type, name and time filters walk the covering
 * `observations_metrics (project_id, start_ns) INCLUDE (type, name, ...)` index newest first in
 * every partition (merged in order) and check type and name in it; a type or name the project never
 * stored is answered by its counter; a non-default level uses the partial level index; user and
 * session filters are trace-level facts, resolved through the trace indexes.
 */
export class PgObservationQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** A page of observations matching every given filter. */
  async list(projectId: string, query: ObservationQuery): Promise<Page<StoredObservation>> {
    const { page, limit, offset } = pgPage(query);
    // A type or name the project has never stored: answered by its counter, not by walking the index.
    for (const counter of [query.type === undefined ? null : COUNTER.type(query.type), query.name === undefined ? null : COUNTER.name(query.name)]) {
      if (counter !== null && (await readCounter(this.pool, projectId, counter)) === 0) return { data: [], meta: pgPageMeta(page, limit, 0) };
    }
    const where = new PgWhere().add("o.project_id = ?", projectId);
    if (query.traceId !== undefined) where.add("o.trace_id = ?", query.traceId);
    if (query.type !== undefined) where.add("o.type = ?", query.type);
    if (query.name !== undefined) where.add("o.name = ?", query.name);
    if (query.level !== undefined) {
      where.add("o.level = ?", query.level);
      if (query.level !== "DEFAULT") where.add("o.level <> 'DEFAULT'");
    }
    if (query.parentObservationId !== undefined) where.add("o.parent_id = ?", query.parentObservationId);
    if (query.environment !== undefined && query.environment.length > 0) where.add("o.environment = ANY(?::text[])", query.environment);
    if (query.userId !== undefined) where.add("o.trace_id IN (SELECT id FROM traces WHERE project_id = ? AND user_id = ?)", projectId, query.userId);
    if (query.sessionId !== undefined) where.add("o.trace_id IN (SELECT id FROM traces WHERE project_id = ? AND session_id = ?)", projectId, query.sessionId);
    if (query.fromStartTimeNs !== undefined) where.add("o.start_ns >= ?", query.fromStartTimeNs);
    if (query.toStartTimeNs !== undefined) where.add("o.start_ns < ?", query.toStartTimeNs);
    const filter = where.toSql();
    const total =
      (await this.counted(projectId, query)) ??
      Number((await this.pool.query<{ n: bigint }>(`SELECT count(*) AS n FROM observations o ${filter}`, where.params)).rows[0]?.n ?? 0n);
    const l = where.param(limit);
    const o = where.param(offset);
    const rows = await this.pool.query<Row>(
      `SELECT ${OBSERVATION_SELECT} FROM observations o ${filter} ORDER BY o.start_ns DESC, o.id DESC LIMIT ${l} OFFSET ${o}`,
      where.params,
    );
    return { data: rows.rows.map(observationFromRow), meta: pgPageMeta(page, limit, total) };
  }

  /** The total from a counter when the query filters by nothing, or only by type or only by level. */
  private async counted(projectId: string, query: ObservationQuery): Promise<number | null> {
    const filters = Object.entries(query).filter(([key, value]) => key !== "page" && key !== "limit" && value !== undefined);
    if (filters.length === 0) return readCounter(this.pool, projectId, COUNTER.observations);
    if (filters.length === 1 && query.type !== undefined) return readCounter(this.pool, projectId, COUNTER.type(query.type));
    if (filters.length === 1 && query.name !== undefined) return readCounter(this.pool, projectId, COUNTER.name(query.name));
    if (filters.length === 1 && query.level !== undefined) return readCounter(this.pool, projectId, COUNTER.level(query.level));
    return null;
  }

  /** The observation with this id (the earliest-starting one if two traces share a span id). */
  async get(projectId: string, observationId: string): Promise<StoredObservation | null> {
    const result = await this.pool.query<Row>({
      name: "observation-get",
      text: `SELECT ${OBSERVATION_SELECT} FROM observations o WHERE o.project_id = $1 AND o.id = $2 ORDER BY o.start_ns, o.trace_id LIMIT 1`,
      values: [projectId, observationId],
    });
    const row = result.rows[0];
    return row === undefined ? null : observationFromRow(row);
  }

  /** The structure of a trace's observations by start time, from index columns only (no IO read or parsed). */
  async structure(projectId: string, traceId: string): Promise<ObservationStructure[]> {
    const result = await this.pool.query<unknown[]>({
      name: "trace-structure",
      rowMode: "array",
      text: `SELECT o.id, o.parent_id, o.name, o.type, o.start_ns, o.end_ns, o.level, o.model, o.tokens, o.cost_pico
        FROM traces t JOIN observations o
          ON o.project_id = t.project_id AND o.trace_id = t.id AND o.start_ns >= t.start_ns AND o.start_ns <= t.max_start_ns
        WHERE t.project_id = $1 AND t.id = $2 ORDER BY o.start_ns, o.id`,
      values: [projectId, traceId],
    });
    return result.rows.map((r) => {
      const row = r as [string, string | null, string, string, bigint, bigint | null, string, string | null, bigint, bigint];
      return {
        id: row[0],
        parentObservationId: row[1],
        name: row[2],
        type: row[3] as ObservationTypeName,
        startTimeNs: row[4],
        endTimeNs: row[5],
        level: row[6] as LevelName,
        model: row[7],
        totalTokens: Number(row[8]),
        totalCost: Number(row[9]) / PICO_USD_PER_USD,
      };
    });
  }

  /** The observation ids of each trace by start time; every requested trace gets an entry. */
  async observationIds(projectId: string, traceIds: readonly string[]): Promise<Map<string, string[]>> {
    const unique = [...new Set(traceIds)];
    const ids = new Map<string, string[]>(unique.map((id) => [id, []]));
    for (let start = 0; start < unique.length; start += ID_CHUNK) {
      const chunk = unique.slice(start, start + ID_CHUNK);
      const result = await this.pool.query<[string, string]>({
        name: "observation-ids",
        rowMode: "array",
        text: `SELECT o.trace_id, o.id FROM traces t JOIN observations o
            ON o.project_id = t.project_id AND o.trace_id = t.id AND o.start_ns >= t.start_ns AND o.start_ns <= t.max_start_ns
          WHERE t.project_id = $1 AND t.id = ANY($2::text[]) ORDER BY o.trace_id, o.start_ns, o.id`,
        values: [projectId, chunk],
      });
      for (const [traceId, id] of result.rows) ids.get(traceId)?.push(id);
    }
    return ids;
  }
}
