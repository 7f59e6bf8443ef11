import type pg from "pg";
import { PreparedObservation } from "../prepared-observation.js";
import type { ObservationInput } from "../prepared-observation.js";
import type { InsertResult } from "../trace-store.js";
import { addContribution, deriveTrace, newAggregate, replaceContribution } from "../trace-derivation.js";
import type { ObservationContribution, TraceAggregate } from "../trace-derivation.js";
import { parseAggregate, serializeAggregate } from "../trace-aggregate-json.js";
import { CONTRIBUTION_SELECT, TraceFactsMemo, contributionOfRow } from "../sqlite/observation-row.js";
import type { TraceSummary } from "../sqlite/group-aggregates.js";
import { summaryOf } from "../sqlite/trace-row.js";
import type { BulkInsert } from "./pg-bulk-insert.js";
import { PgGroupAggregates } from "./pg-group-aggregates.js";
import { summaryOfRow } from "../record-rows.js";
import { PG_TRACE_COLUMNS, pgObservationRow, pgTraceValues } from "./pg-rows.js";
import type { PgObservationRow } from "./pg-rows.js";
import { COUNTER, PgCounterDeltas } from "./pg-project-counters.js";
import { lockAll, lockKey } from "./pg-transaction.js";
import { HOUR_NS } from "../metrics-rollup.js";

type Row = Record<string, unknown>;

/** A trace's stored state, as the writer needs it. */
interface TraceState {
  derivation: string;
  tags: string[];
  maxStartNs: bigint;
  summary: TraceSummary;
}

/** The copy of a span the batch ends up with, and what it contributes. */
interface CurrentCopy {
  contribution: ObservationContribution;
  createdAtMs: number;
  /** Type, name and level, for the per-type, per-name and per-level counters. */
  type: string;
  name: string;
  level: string;
}

const TRACE_UPSERT = (() => {
  const names = PG_TRACE_COLUMNS.map(([name]) => name);
  const arrays = PG_TRACE_COLUMNS.map(([, type], i) => `$${i + 2}::${type}[]`).join(", ");
  const select = names.map((name) => (name === "tags" ? "ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb))" : `u.${name}`)).join(", ");
  const n = PG_TRACE_COLUMNS.length + 2;
  const updates = names.filter((name) => name !== "id").map((name) => `${name} = excluded.${name}`);
  return `INSERT INTO traces (project_id, ${names.join(", ")}, created_at_ms, updated_at_ms)
    SELECT $1, ${select}, $${n}, $${n} FROM unnest(${arrays}) AS u(${names.join(", ")})
    ON CONFLICT (project_id, id) DO UPDATE SET ${updates.join(", ")}, updated_at_ms = excluded.updated_at_ms`;
})();

/**
 * Writes one `insertObservations` batch and everything derived from it in ONE transaction, safe
 * against other transactions and other server processes writing spans of the same traces:
 *
 * 1. advisory locks on every trace of the batch, in key order (no deadlocks), so one trace is
 *    derived by one transaction at a time and spans sent to different instances assemble into the
 *    same trace as spans sent to one;
 * 2. the traces' derivation states and any stored copies of the batch's spans are read in two
 *    statements; the shared order-independent derivation (`trace-derivation.ts`) folds the batch in;
 * 3. replaced copies are deleted and all rows written in one bulk statement (COPY or unnest), their
 *    keys queued for the background full-text indexer, the changed traces upserted in one statement;
 * 4. sessions and users move in a few set-based statements (`PgGroupAggregates`), under advisory
 *    locks on their keys, again in key order.
 *
 * A retried span replaces its stored copy and is counted once. The caller resolves after COMMIT.
 */
export class PgObservationWriter {
  private readonly groups = new PgGroupAggregates();

  constructor(private readonly bulk: BulkInsert) {}

  /** Writes the batch inside the caller's transaction. */
  async write(client: pg.ClientBase, projectId: string, inputs: readonly ObservationInput[]): Promise<InsertResult> {
    if (inputs.length === 0) return { written: 0, traceIds: [] };
    const records = inputs.map((input) => PreparedObservation.of(input));
    const byTrace = new Map<string, PreparedObservation[]>();
    for (const record of records) {
      const group = byTrace.get(record.traceId);
      if (group === undefined) byTrace.set(record.traceId, [record]);
      else group.push(record);
    }
    const traceIds = [...byTrace.keys()];
    await lockAll(client, traceIds.map((id) => lockKey("trace", projectId, id)));
    const states = await this.readStates(client, projectId, traceIds);
    const stored = await this.readStoredCopies(client, projectId, byTrace, states);
    const nowMs = Date.now();
    const counters = new PgCounterDeltas();
    const count = (copy: { type: string; name: string; level: string }, delta: 1 | -1) => {
      counters.bump(COUNTER.observations, delta);
      counters.bump(COUNTER.type(copy.type), delta);
      counters.bump(COUNTER.name(copy.name), delta);
      counters.bump(COUNTER.level(copy.level), delta);
    };

    const rows: PgObservationRow[] = [];
    const replaced: Array<[string, string, bigint]> = [];
    const traceValues: unknown[][] = [];
    const changes: Array<{ old: TraceSummary | null; next: TraceSummary }> = [];
    const changed: string[] = [];
    const traceFacts = new TraceFactsMemo();
    for (const [traceId, group] of byTrace) {
      const old = states.get(traceId) ?? null;
      let aggregate: TraceAggregate | null = old === null ? null : parseAggregate(old.derivation);
      let recompute = false;
      const current = new Map<string, CurrentCopy>();
      const finals = new Map<string, PreparedObservation>();
      let maxStartNs = old?.maxStartNs ?? group[0]?.startTimeNs ?? 0n;
      for (const record of group) {
        if (record.startTimeNs > maxStartNs) maxStartNs = record.startTimeNs;
        const contribution = record.contribution(traceFacts);
        const previous = current.get(record.id) ?? stored.get(copyKey(traceId, record.id));
        if (previous !== undefined) count(previous, -1);
        count(record, 1);
        if (previous === undefined) {
          if (aggregate === null) aggregate = newAggregate(contribution);
          else if (!recompute) addContribution(aggregate, contribution);
        } else if (recompute || aggregate === null) {
          recompute = true;
        } else if (!sameContribution(previous.contribution, contribution) && !replaceContribution(aggregate, previous.contribution, contribution)) {
          recompute = true;
        }
        current.set(record.id, { contribution, createdAtMs: previous?.createdAtMs ?? nowMs, type: record.type, name: record.name, level: record.level });
        finals.set(record.id, record);
      }
      for (const [id, record] of finals) {
        const copy = stored.get(copyKey(traceId, id));
        if (copy !== undefined) for (const startNs of copy.startTimes) replaced.push([id, traceId, startNs]);
        rows.push(pgObservationRow(projectId, record, current.get(id)?.createdAtMs ?? nowMs));
      }
      if (recompute) aggregate = await this.recompute(client, projectId, traceId, old, current);
      if (aggregate === null) continue;
      const derivation = serializeAggregate(aggregate);
      if (old !== null && derivation === old.derivation && maxStartNs === old.maxStartNs) continue;
      const trace = deriveTrace(aggregate);
      traceValues.push(pgTraceValues(traceId, trace, maxStartNs, derivation));
      if (old !== null && derivation === old.derivation) continue;
      if (old === null) counters.bump(COUNTER.traces, 1);
      for (const tag of old?.tags ?? []) if (!trace.tags.includes(tag)) counters.bump(COUNTER.tag(tag), -1);
      for (const tag of trace.tags) if (!(old?.tags ?? []).includes(tag)) counters.bump(COUNTER.tag(tag), 1);
      changed.push(traceId);
      changes.push({ old: old?.summary ?? null, next: summaryOf(traceId, trace) });
    }

    if (replaced.length > 0) {
      await client.query({
        name: "observations-delete-replaced",
        text: `DELETE FROM observations o USING unnest($2::text[], $3::text[], $4::int8[]) AS r(id, trace_id, start_ns)
          WHERE o.project_id = $1 AND o.id = r.id AND o.trace_id = r.trace_id AND o.start_ns = r.start_ns`,
        values: [projectId, replaced.map((r) => r[0]), replaced.map((r) => r[1]), replaced.map((r) => r[2])],
      });
    }
    await this.bulk.insert(client, rows);
    // The metrics rollups of these hours are out of date until the rollup job recomputes them.
    const hours = new Set(records.map((record) => record.startTimeNs / HOUR_NS));
    await client.query({
      name: "rollup-mark-dirty",
      text: "INSERT INTO rollup_dirty_hours (project_id, hour) SELECT $1, * FROM unnest($2::int8[])",
      values: [projectId, [...hours]],
    });
    if (traceValues.length > 0) await this.upsertTraces(client, projectId, traceValues, nowMs);
    await this.groups.apply(client, projectId, changes);
    // Last: counter rows are the only row locks that transactions of unrelated traces share.
    await counters.flush(client, projectId);
    return { written: records.length, traceIds: changed };
  }

  private async readStates(client: pg.ClientBase, projectId: string, traceIds: string[]): Promise<Map<string, TraceState>> {
    const result = await client.query<Row>({
      name: "traces-read-states",
      text: `SELECT id, derivation, tags, max_start_ns, user_id, session_id, start_ns, end_ns, total_tokens, total_cost_pico, environment
        FROM traces WHERE project_id = $1 AND id = ANY($2::text[])`,
      values: [projectId, traceIds],
    });
    const states = new Map<string, TraceState>();
    for (const row of result.rows) {
      states.set(row["id"] as string, { derivation: row["derivation"] as string, tags: row["tags"] as string[], maxStartNs: row["max_start_ns"] as bigint, summary: summaryOfRow(row) });
    }
    return states;
  }

  /** Stored copies of the batch's spans, only for traces that exist, within their partition range. */
  private async readStoredCopies(
    client: pg.ClientBase,
    projectId: string,
    byTrace: Map<string, PreparedObservation[]>,
    states: Map<string, TraceState>,
  ): Promise<Map<string, CurrentCopy & { startTimes: bigint[] }>> {
    const ids: string[] = [];
    const traces: string[] = [];
    let minStart: bigint | null = null;
    let maxStart: bigint | null = null;
    for (const [traceId, group] of byTrace) {
      const state = states.get(traceId);
      if (state === undefined) continue;
      if (minStart === null || state.summary.startNs < minStart) minStart = state.summary.startNs;
      if (maxStart === null || state.maxStartNs > maxStart) maxStart = state.maxStartNs;
      for (const record of group) {
        ids.push(record.id);
        traces.push(traceId);
      }
    }
    const copies = new Map<string, CurrentCopy & { startTimes: bigint[] }>();
    if (ids.length === 0) return copies;
    const result = await client.query<Row>({
      name: "observations-read-copies",
      text: `SELECT o.trace_id, o.created_at_ms, o.type, ${CONTRIBUTION_SELECT} FROM observations o
        WHERE o.project_id = $1 AND (o.id, o.trace_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
          AND o.start_ns >= $4 AND o.start_ns <= $5`,
      values: [projectId, ids, traces, minStart, maxStart],
    });
    for (const row of result.rows) {
      const key = copyKey(row["trace_id"] as string, row["id"] as string);
      const existing = copies.get(key);
      const contribution = contributionOfRow(row);
      if (existing !== undefined) existing.startTimes.push(contribution.startNs);
      else {
        copies.set(key, {
          contribution,
          createdAtMs: Number(row["created_at_ms"]),
          type: row["type"] as string,
          name: row["name"] as string,
          level: row["level"] as string,
          startTimes: [contribution.startNs],
        });
      }
    }
    return copies;
  }

  /** Folds every observation of the trace as it will be after this batch: the slow path, rare. */
  private async recompute(
    client: pg.ClientBase,
    projectId: string,
    traceId: string,
    old: TraceState | null,
    batch: Map<string, CurrentCopy>,
  ): Promise<TraceAggregate | null> {
    const contributions = [...[...batch.values()].map((copy) => copy.contribution)];
    if (old !== null) {
      const result = await client.query<Row>({
        name: "observations-trace-contributions",
        text: `SELECT ${CONTRIBUTION_SELECT} FROM observations o
          WHERE o.project_id = $1 AND o.trace_id = $2 AND o.start_ns >= $3 AND o.start_ns <= $4`,
        values: [projectId, traceId, old.summary.startNs, old.maxStartNs],
      });
      for (const row of result.rows) if (!batch.has(row["id"] as string)) contributions.push(contributionOfRow(row));
    }
    let aggregate: TraceAggregate | null = null;
    for (const contribution of contributions) {
      if (aggregate === null) aggregate = newAggregate(contribution);
      else addContribution(aggregate, contribution);
    }
    return aggregate;
  }

  private async upsertTraces(client: pg.ClientBase, projectId: string, traces: unknown[][], nowMs: number): Promise<void> {
    const columns = PG_TRACE_COLUMNS.map((_, i) => traces.map((values) => values[i]));
    await client.query({ name: "traces-upsert", text: TRACE_UPSERT, values: [projectId, ...columns, nowMs] });
  }
}

function copyKey(traceId: string, id: string): string {
  return `${traceId}/${id}`;
}

function sameContribution(a: ObservationContribution, b: ObservationContribution): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: ObservationContribution): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));
}
