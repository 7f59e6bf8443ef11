import type { Database, Statement } from "better-sqlite3";
import { PreparedObservation } from "../prepared-observation.js";
import type { ObservationInput } from "../prepared-observation.js";
import type { InsertResult } from "../trace-store.js";
import {
  addContribution,
  deriveTrace,
  newAggregate,
  replaceContribution,
} from "../trace-derivation.js";
import { parseAggregate, serializeAggregate } from "../trace-aggregate-json.js";
import type { ObservationContribution, TraceAggregate } from "../trace-derivation.js";
import { HOUR_NS } from "../metrics-rollup.js";
import { GroupAggregates, UserSessionPairs } from "./group-aggregates.js";
import { COUNTER } from "./project-counters.js";
import type { ProjectCounters } from "./project-counters.js";
import { CONTRIBUTION_SELECT, OBSERVATION_COLUMNS, TraceFactsMemo, contributionOfRow } from "./observation-row.js";
import { TraceRows, summaryOf } from "./trace-row.js";

/** One `insertObservations` call's worth of observations. */
export interface ObservationBatch {
  readonly projectId: string;
  readonly records: readonly ObservationInput[];
}

/** Columns a replaced copy keeps: its identity and when it was first stored. */
const KEPT_ON_REPLACE = new Set<string>(["project_id", "trace_id", "id", "created_at_ms"]);
const REPLACED_INDEXES = OBSERVATION_COLUMNS.flatMap((column, index) => (KEPT_ON_REPLACE.has(column) ? [] : [index]));
/**
 * The stored columns: the shared ones, the rowid of the trace's row (this store's trace key), and
 * the row's own rowid, chosen above every rowid ever used (`rowid_floors`), so that a rowid is
 * never reused after a deletion (the search database refers to rows by rowid).
 */
const WRITTEN_COLUMNS = [...OBSERVATION_COLUMNS, "trace_row", "rowid"];

/**
 * Writes a batch of observations and everything derived from them in ONE transaction: the
 * observation rows, each touched trace (folded incrementally from its stored derivation state, so
 * a batch costs O(batch) however large the trace), its tag rows, and the session and user
 * aggregates. A span stored before (an SDK retry) is replaced in place and counted once: an
 * identical copy changes nothing; a changed copy is swapped in exactly when its old contribution
 * can be retracted (`replaceContribution`), and only otherwise is that one trace recomputed from
 * its rows.
 */
export class ObservationWriter {
  private readonly insert: Statement;
  private readonly readExisting: Statement;
  private readonly replace: Statement;
  private readonly traceContributions: Statement;
  private readonly markHourDirty: Statement;
  private readonly lastTraceRow: Statement;
  private readonly lastObservationRow: Statement;
  private readonly requeue: Statement;
  /** The rowid the next new trace of this transaction takes (read once per transaction). */
  private nextTraceRow: bigint | null = null;
  /** The rowid the next new observation of this transaction takes (read once per transaction). */
  private nextObservationRow: bigint | null = null;
  private readonly traces: TraceRows;
  private readonly sessions: GroupAggregates;
  private readonly users: GroupAggregates;
  private readonly pairs: UserSessionPairs;
  private readonly counters: ProjectCounters;
  /** The trace facts of the observations written, consecutive ones of one trace parsed once. */
  private readonly traceFacts = new TraceFactsMemo();
  private readonly transaction: (projectId: string, records: readonly ObservationInput[]) => InsertResult;
  private readonly transactionMany: (batches: readonly ObservationBatch[]) => InsertResult[];

  constructor(db: Database, counters: ProjectCounters) {
    this.counters = counters;
    const columns = WRITTEN_COLUMNS.join(", ");
    const placeholders = WRITTEN_COLUMNS.map(() => "?").join(", ");
    this.insert = db.prepare(
      `INSERT INTO observations (${columns}) VALUES (${placeholders}) ON CONFLICT (trace_row, id) DO NOTHING`,
    );
    this.readExisting = db.prepare(`SELECT o.rowid AS row_id, o.type, ${CONTRIBUTION_SELECT} FROM observations o WHERE o.trace_row = ? AND o.id = ?`);
    const assignments = REPLACED_INDEXES.map((index) => `${OBSERVATION_COLUMNS[index]} = ?`).join(", ");
    this.replace = db.prepare(`UPDATE observations SET ${assignments} WHERE rowid = ?`);
    this.traceContributions = db.prepare(`SELECT ${CONTRIBUTION_SELECT} FROM observations o WHERE o.trace_row = ?`);
    const lastRowOf = (table: "traces" | "observations") =>
      db.prepare(`SELECT max(coalesce((SELECT max(rowid) FROM ${table}), 0), (SELECT floor FROM rowid_floors WHERE table_name = '${table}'))`).pluck();
    this.lastTraceRow = lastRowOf("traces");
    this.lastObservationRow = lastRowOf("observations");
    // A replaced row is indexed again for full text (the search database drops queue entries of rows it has not indexed yet).
    this.requeue = db.prepare(`INSERT INTO fts_requeue (row_id, version) VALUES (?, 1) ON CONFLICT (row_id) DO UPDATE SET version = version + 1`);
    this.markHourDirty = db.prepare(
      `INSERT INTO rollup_dirty_hours (project_id, hour, version) VALUES (?, ?, 1) ON CONFLICT (project_id, hour) DO UPDATE SET version = version + 1`,
    );
    this.traces = new TraceRows(db, counters);
    this.sessions = new GroupAggregates(db, "sessions", "session_id", (t) => t.sessionId);
    this.users = new GroupAggregates(db, "users", "user_id", (t) => t.userId);
    this.pairs = new UserSessionPairs(db);
    // IMMEDIATE: take the write lock up front rather than failing to upgrade a read lock later.
    this.transaction = db.transaction((projectId: string, records: readonly ObservationInput[]) => {
      this.nextTraceRow = null;
      this.nextObservationRow = null;
      return this.writeAll(projectId, records);
    }).immediate;
    this.transactionMany = db.transaction((batches: readonly ObservationBatch[]) => {
      this.nextTraceRow = null;
      this.nextObservationRow = null;
      return batches.map((batch) => (batch.records.length === 0 ? { written: 0, traceIds: [] } : this.writeAll(batch.projectId, batch.records)));
    }).immediate;
  }

  /** Writes the batch; returns once committed. */
  write(projectId: string, records: readonly ObservationInput[]): InsertResult {
    if (records.length === 0) return { written: 0, traceIds: [] };
    try {
      return this.transaction(projectId, records);
    } finally {
      this.counters.discard();
    }
  }

  /**
   * Writes several batches (of any projects) in ONE transaction, so one commit covers them all
   * (group commit); returns each batch's result once committed. All or nothing: when it throws,
   * none of the batches was written.
   */
  writeMany(batches: readonly ObservationBatch[]): InsertResult[] {
    try {
      return this.transactionMany(batches);
    } finally {
      this.counters.discard();
    }
  }

  private writeAll(projectId: string, records: readonly ObservationInput[]): InsertResult {
    const byTrace = new Map<string, PreparedObservation[]>();
    const hours = new Set<bigint>();
    for (const record of records) {
      const prepared = PreparedObservation.of(record);
      hours.add(prepared.startTimeNs / HOUR_NS);
      const group = byTrace.get(prepared.traceId);
      if (group === undefined) byTrace.set(prepared.traceId, [prepared]);
      else group.push(prepared);
    }
    const nowMs = Date.now();
    const changed: string[] = [];
    for (const [traceId, group] of byTrace) {
      if (this.writeTrace(projectId, traceId, group, nowMs)) changed.push(traceId);
    }
    // The metrics rollups of these hours are out of date until the background thread recomputes them.
    for (const hour of hours) this.markHourDirty.run(projectId, hour);
    this.counters.flush(projectId);
    return { written: records.length, traceIds: changed };
  }

  /** Writes one trace's observations and its derived rows; true when the trace changed. */
  private writeTrace(projectId: string, traceId: string, group: readonly PreparedObservation[], nowMs: number): boolean {
    const old = this.traces.state(projectId, traceId);
    const traceRow = old?.rowId ?? this.newTraceRow();
    let aggregate: TraceAggregate | null = old === null ? null : parseAggregate(old.derivation);
    let recompute = false;
    for (const record of group) {
      const values = record.forProject(projectId, nowMs);
      const contribution = record.contribution(this.traceFacts);
      const rowId = (this.nextObservationRow ??= (this.lastObservationRow.get() as bigint) + 1n);
      // Spread, not an array: better-sqlite3 reads an array's elements one V8 API call at a time
      // (measured: 4.5 -> 4.0 us a row for binding these 35 values alone).
      if (this.insert.run(...values, traceRow, rowId).changes === 1) {
        this.nextObservationRow = rowId + 1n;
        this.countObservation(record, 1);
        if (aggregate === null) aggregate = newAggregate(contribution);
        else if (!recompute) addContribution(aggregate, contribution);
        continue;
      }
      const existing = this.readExisting.get(traceRow, record.id) as Record<string, unknown>;
      this.replace.run(...REPLACED_INDEXES.map((index) => values[index]), existing["row_id"]);
      this.requeue.run(existing["row_id"]);
      this.countObservation({ type: existing["type"] as string, name: existing["name"] as string, level: existing["level"] as string }, -1);
      this.countObservation(record, 1);
      if (recompute || aggregate === null) {
        recompute = true;
        continue;
      }
      const previous = contributionOfRow(existing);
      if (!sameContribution(previous, contribution) && !replaceContribution(aggregate, previous, contribution)) recompute = true;
    }
    if (recompute) aggregate = this.recompute(traceRow);
    if (aggregate === null) return false;
    const derivation = serializeAggregate(aggregate);
    if (old !== null && derivation === old.derivation) return false;
    const trace = deriveTrace(aggregate);
    this.traces.write(projectId, traceId, traceRow, trace, derivation, old, nowMs);
    if (old === null) this.counters.bump(COUNTER.traces, 1);
    const summary = summaryOf(traceId, trace);
    this.sessions.apply(projectId, old?.summary ?? null, summary);
    this.users.apply(projectId, old?.summary ?? null, summary);
    this.pairs.apply(projectId, old?.summary ?? null, summary);
    return true;
  }

  /**
   * A rowid for a new trace: after the largest ever used (`rowid_floors`: the search database names
   * traces by rowid), read once per transaction (the write lock is held, so no other connection
   * adds traces meanwhile). Growing rowids keep the trace index `(trace_row, id)` appended at its
   * right edge.
   */
  private newTraceRow(): bigint {
    this.nextTraceRow ??= (this.lastTraceRow.get() as bigint) + 1n;
    return this.nextTraceRow++;
  }

  private countObservation(observation: { type: string; name: string; level: string }, delta: 1 | -1): void {
    this.counters.bump(COUNTER.observations, delta);
    this.counters.bump(COUNTER.type(observation.type), delta);
    this.counters.bump(COUNTER.name(observation.name), delta);
    this.counters.bump(COUNTER.level(observation.level), delta);
  }

  /** Folds every stored observation of the trace: the slow path, only for a non-retractable replacement. */
  private recompute(traceRow: bigint): TraceAggregate | null {
    let aggregate: TraceAggregate | null = null;
    const memo = new TraceFactsMemo();
    for (const row of this.traceContributions.iterate(traceRow)) {
      const contribution = contributionOfRow(row as Record<string, unknown>, memo);
      if (aggregate === null) aggregate = newAggregate(contribution);
      else addContribution(aggregate, contribution);
    }
    return aggregate;
  }
}

function sameContribution(a: ObservationContribution, b: ObservationContribution): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: ObservationContribution): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));
}
