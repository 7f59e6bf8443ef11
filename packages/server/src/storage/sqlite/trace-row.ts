import type { Database, Statement } from "better-sqlite3";
import type { TraceRecord } from "../records.js";
import { fromJson, picoToUsd, summaryOfRow, traceRecordFromRow } from "../record-rows.js";
import type { Row } from "../record-rows.js";
import type { DerivedTrace } from "../trace-derivation.js";
import { COUNTER } from "./project-counters.js";
import type { ProjectCounters } from "./project-counters.js";
import type { TraceSummary } from "./group-aggregates.js";

/**
 * The `traces` columns of a `TraceRecord`. Input and output are read from the observation that
 * supplies them (explicit trace input/output, else the root's own), so a trace row stays small
 * and is never rewritten with megabytes of IO on every batch.
 */
export const TRACE_SELECT = `t.rowid AS row_id, t.project_id, t.id, t.name, t.user_id, t.session_id, t.release, t.version,
  t.environment, t.public, t.tags, t.metadata, t.start_ns, t.end_ns, t.observation_count, t.total_tokens,
  t.total_cost_pico, t.level, t.root_observation_id, t.created_at_ms, t.updated_at_ms,
  (SELECT CASE WHEN t.input_explicit = 1 THEN o.trace_input ELSE o.input END FROM observations o
    WHERE o.project_id = t.project_id AND o.id = t.input_observation_id AND o.trace_id = t.id) AS input,
  (SELECT CASE WHEN t.output_explicit = 1 THEN o.trace_output ELSE o.output END FROM observations o
    WHERE o.project_id = t.project_id AND o.id = t.output_observation_id AND o.trace_id = t.id) AS output`;




/** What the writer needs of a trace's current row. */
export interface StoredTraceState {
  derivation: string;
  tags: string[];
  summary: TraceSummary;
}

/** Reads and writes `traces` rows and their `trace_tags`, with prepared statements. */
export class TraceRows {
  private readonly readState: Statement;
  private readonly upsert: Statement;
  private readonly insertTag: Statement;
  private readonly deleteTag: Statement;

  constructor(
    db: Database,
    private readonly counters: ProjectCounters,
  ) {
    this.readState = db.prepare(
      `SELECT derivation, tags, id, user_id, session_id, start_ns, end_ns, total_tokens, total_cost_pico, environment
       FROM traces WHERE project_id = ? AND id = ?`,
    );
    this.upsert = db.prepare(
      `INSERT INTO traces (project_id, id, name, user_id, session_id, release, version, environment, public, tags, metadata,
         start_ns, end_ns, latency_ns, observation_count, total_tokens, total_cost_pico, level, root_observation_id,
         input_observation_id, input_explicit, output_observation_id, output_explicit, derivation, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, id) DO UPDATE SET
         name = excluded.name, user_id = excluded.user_id, session_id = excluded.session_id, release = excluded.release,
         version = excluded.version, environment = excluded.environment, public = excluded.public, tags = excluded.tags,
         metadata = excluded.metadata, start_ns = excluded.start_ns, end_ns = excluded.end_ns, latency_ns = excluded.latency_ns,
         observation_count = excluded.observation_count, total_tokens = excluded.total_tokens,
         total_cost_pico = excluded.total_cost_pico, level = excluded.level, root_observation_id = excluded.root_observation_id,
         input_observation_id = excluded.input_observation_id, input_explicit = excluded.input_explicit,
         output_observation_id = excluded.output_observation_id, output_explicit = excluded.output_explicit,
         derivation = excluded.derivation, updated_at_ms = excluded.updated_at_ms`,
    );
    this.insertTag = db.prepare(`INSERT OR IGNORE INTO trace_tags (project_id, tag, start_ns, trace_id) VALUES (?, ?, ?, ?)`);
    this.deleteTag = db.prepare(`DELETE FROM trace_tags WHERE project_id = ? AND tag = ? AND start_ns = ? AND trace_id = ?`);
  }

  /** The trace's current derivation state and summary, or null for a new trace. */
  state(projectId: string, traceId: string): StoredTraceState | null {
    const row = this.readState.get(projectId, traceId) as Row | undefined;
    if (row === undefined) return null;
    return { derivation: row["derivation"] as string, tags: fromJson(row["tags"]) as string[], summary: summaryOfRow(row) };
  }

  /** Writes the derived trace and moves its tag rows (they carry the trace's start). */
  write(projectId: string, traceId: string, trace: DerivedTrace, derivation: string, old: StoredTraceState | null, nowMs: number): void {
    this.upsert.run(
      projectId,
      traceId,
      trace.name,
      trace.userId,
      trace.sessionId,
      trace.release,
      trace.version,
      trace.environment,
      trace.public ? 1 : 0,
      JSON.stringify(trace.tags),
      JSON.stringify(trace.metadata),
      trace.startNs,
      trace.endNs,
      trace.endNs === null ? null : trace.endNs - trace.startNs,
      trace.observationCount,
      trace.totalTokens,
      trace.totalCostPico,
      trace.level,
      trace.rootObservationId,
      trace.inputSource?.observationId ?? null,
      trace.inputSource?.explicit === true ? 1 : 0,
      trace.outputSource?.observationId ?? null,
      trace.outputSource?.explicit === true ? 1 : 0,
      derivation,
      nowMs,
      nowMs,
    );
    const oldStart = old?.summary.startNs;
    const oldTags = old?.tags ?? [];
    const moved = oldStart !== undefined && oldStart !== trace.startNs;
    for (const tag of oldTags) {
      const dropped = !trace.tags.includes(tag);
      if (moved || dropped) this.deleteTag.run(projectId, tag, oldStart, traceId);
      if (dropped) this.counters.bump(COUNTER.tag(tag), -1);
    }
    for (const tag of trace.tags) {
      const added = !oldTags.includes(tag);
      if (moved || added) this.insertTag.run(projectId, tag, trace.startNs, traceId);
      if (added) this.counters.bump(COUNTER.tag(tag), 1);
    }
  }
}

/** The session/user view of a derived trace. */
export function summaryOf(traceId: string, trace: DerivedTrace): TraceSummary {
  return {
    id: traceId,
    userId: trace.userId,
    sessionId: trace.sessionId,
    startNs: trace.startNs,
    lastNs: trace.endNs !== null && trace.endNs > trace.startNs ? trace.endNs : trace.startNs,
    tokens: trace.totalTokens,
    costPico: trace.totalCostPico,
    environment: trace.environment,
  };
}


const SQLITE_ROWS = { tags: (value: unknown) => fromJson(value) as string[], isTrue: (value: unknown) => Number(value) === 1 };

/** A trace record from a row selected with `TRACE_SELECT`. */
export function traceFromRow(row: Row): TraceRecord {
  return traceRecordFromRow(row, SQLITE_ROWS);
}

export { picoToUsd, summaryOfRow };
