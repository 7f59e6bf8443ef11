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
    WHERE o.trace_row = t.rowid AND o.id = t.input_observation_id) AS input,
  (SELECT CASE WHEN t.output_explicit = 1 THEN o.trace_output ELSE o.output END FROM observations o
    WHERE o.trace_row = t.rowid AND o.id = t.output_observation_id) AS output`;

/** What the writer needs of a trace's current row. */
export interface StoredTraceState {
  /** The row's rowid: the `trace_row` of the trace's observations. */
  rowId: bigint;
  derivation: string;
  tags: string[];
  summary: TraceSummary;
}

/** The derived columns, in the order of `derivedValues`. */
const DERIVED_COLUMNS = [
  "name",
  "user_id",
  "session_id",
  "release",
  "version",
  "environment",
  "public",
  "tags",
  "metadata",
  "start_ns",
  "end_ns",
  "latency_ns",
  "observation_count",
  "total_tokens",
  "total_cost_pico",
  "level",
  "root_observation_id",
  "input_observation_id",
  "input_explicit",
  "output_observation_id",
  "output_explicit",
  "derivation",
  "updated_at_ms",
] as const;

/**
 * Reads and writes `traces` rows and their `trace_tags`, with prepared statements. A new trace's
 * rowid is chosen by the writer (it keys the trace's observations before the row is written); an
 * existing row is updated by rowid.
 */
export class TraceRows {
  private readonly readState: Statement;
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly insertTag: Statement;
  private readonly deleteTag: Statement;

  constructor(
    db: Database,
    private readonly counters: ProjectCounters,
  ) {
    this.readState = db.prepare(
      `SELECT rowid AS row_id, derivation, tags, id, user_id, session_id, start_ns, end_ns, total_tokens, total_cost_pico, environment
       FROM traces WHERE project_id = ? AND id = ?`,
    );
    this.insert = db.prepare(
      `INSERT INTO traces (${DERIVED_COLUMNS.join(", ")}, created_at_ms, project_id, id, rowid) VALUES (${DERIVED_COLUMNS.map(() => "?").join(", ")}, ?, ?, ?, ?)`,
    );
    this.update = db.prepare(`UPDATE traces SET ${DERIVED_COLUMNS.map((c) => `${c} = ?`).join(", ")} WHERE rowid = ?`);
    this.insertTag = db.prepare(`INSERT OR IGNORE INTO trace_tags (project_id, tag, start_ns, trace_id) VALUES (?, ?, ?, ?)`);
    this.deleteTag = db.prepare(`DELETE FROM trace_tags WHERE project_id = ? AND tag = ? AND start_ns = ? AND trace_id = ?`);
  }

  /** The trace's current derivation state and summary, or null for a new trace. */
  state(projectId: string, traceId: string): StoredTraceState | null {
    const row = this.readState.get(projectId, traceId) as Row | undefined;
    if (row === undefined) return null;
    return { rowId: row["row_id"] as bigint, derivation: row["derivation"] as string, tags: fromJson(row["tags"]) as string[], summary: summaryOfRow(row) };
  }

  /**
   * Writes the derived trace (a new row at `rowId` when `old` is null, else an update of `old`'s
   * row) and moves its tag rows (they carry the trace's start).
   */
  write(projectId: string, traceId: string, rowId: bigint, trace: DerivedTrace, derivation: string, old: StoredTraceState | null, nowMs: number): void {
    const values = derivedValues(trace, derivation, nowMs);
    if (old === null) this.insert.run(...values, nowMs, projectId, traceId, rowId);
    else this.update.run(...values, old.rowId);
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

/** The `DERIVED_COLUMNS` values of a derived trace. */
function derivedValues(trace: DerivedTrace, derivation: string, nowMs: number): unknown[] {
  return [
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
  ];
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
