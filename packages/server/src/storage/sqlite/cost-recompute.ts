import type { Database, Statement } from "better-sqlite3";
import type { CostExplanation } from "../../pricing/price-types.js";
import { RECOMPUTE_CHUNK_OBSERVATIONS, decideRecompute, picoToUsdDelta } from "../cost-recompute.js";
import type { CostRecomputeFilter, CostRecomputeResult, Repricer } from "../cost-recompute.js";
import { fromJson } from "../record-rows.js";
import { parseAggregate, serializeAggregate } from "../trace-aggregate-json.js";
import { toJson } from "./observation-row.js";

type Row = Record<string, unknown>;

/**
 * Recomputes the computed costs of a project's observations, `RECOMPUTE_CHUNK_OBSERVATIONS` per
 * immediate transaction (ingestion runs between chunks). Each changed observation's cost moves its
 * trace's total (and the stored derivation state, so later ingestion keeps it exact) and its
 * session's and user's totals by the same integer pico-USD delta. The same semantics as the
 * PostgreSQL store's `PgCostRecompute`.
 */
export class SqliteCostRecompute {
  private readonly chunk: Statement;
  private readonly updateObservation: Statement;
  private readonly readTrace: Statement;
  private readonly updateTrace: Statement;
  private readonly updateSession: Statement;
  private readonly updateUser: Statement;
  private readonly transaction: (projectId: string, filter: CostRecomputeFilter, afterRowId: bigint, reprice: Repricer) => ChunkOutcome;

  constructor(db: Database) {
    this.chunk = db.prepare(
      `SELECT rowid AS row_id, trace_id, model, usage_details, cost_details, cost_explanation, start_ns, cost_pico
       FROM observations
       WHERE project_id = ? AND rowid > ? AND model IS NOT NULL
         AND (? IS NULL OR model = ?) AND (? IS NULL OR start_ns >= ?) AND (? IS NULL OR start_ns < ?)
       ORDER BY rowid LIMIT ?`,
    );
    this.updateObservation = db.prepare(`UPDATE observations SET cost_details = ?, cost_pico = ?, cost_explanation = ? WHERE rowid = ?`);
    this.readTrace = db.prepare(`SELECT derivation, session_id, user_id FROM traces WHERE project_id = ? AND id = ?`);
    this.updateTrace = db.prepare(`UPDATE traces SET derivation = ?, total_cost_pico = total_cost_pico + ? WHERE project_id = ? AND id = ?`);
    this.updateSession = db.prepare(`UPDATE sessions SET total_cost_pico = total_cost_pico + ? WHERE project_id = ? AND id = ?`);
    this.updateUser = db.prepare(`UPDATE users SET total_cost_pico = total_cost_pico + ? WHERE project_id = ? AND id = ?`);
    this.transaction = db.transaction((projectId: string, filter: CostRecomputeFilter, afterRowId: bigint, reprice: Repricer) =>
      this.recomputeChunk(projectId, filter, afterRowId, reprice),
    ).immediate;
  }

  /** Recomputes every chunk (`beforeChunk` runs before each); yields to the event loop between chunks. */
  async recompute(projectId: string, filter: CostRecomputeFilter, reprice: Repricer, beforeChunk: () => void = () => {}): Promise<CostRecomputeResult> {
    const result: CostRecomputeResult = { examined: 0, updated: 0, providedSkipped: 0, tracesUpdated: 0, costDeltaUsd: 0 };
    let deltaPico = 0n;
    const tracesUpdated = new Set<string>();
    let afterRowId = 0n;
    for (;;) {
      beforeChunk();
      const outcome = this.transaction(projectId, filter, afterRowId, reprice);
      result.examined += outcome.examined;
      result.updated += outcome.updated;
      result.providedSkipped += outcome.providedSkipped;
      for (const id of outcome.tracesUpdated) tracesUpdated.add(id);
      deltaPico += outcome.deltaPico;
      if (outcome.lastRowId === null) break;
      afterRowId = outcome.lastRowId;
      await new Promise((resolve) => setImmediate(resolve));
    }
    result.tracesUpdated = tracesUpdated.size;
    result.costDeltaUsd = picoToUsdDelta(deltaPico);
    return result;
  }

  private recomputeChunk(projectId: string, filter: CostRecomputeFilter, afterRowId: bigint, reprice: Repricer): ChunkOutcome {
    const model = filter.model ?? null;
    const from = filter.fromStartTimeNs ?? null;
    const to = filter.toStartTimeNs ?? null;
    const rows = this.chunk.all(projectId, afterRowId, model, model, from, from, to, to, RECOMPUTE_CHUNK_OBSERVATIONS) as Row[];
    const outcome: ChunkOutcome = { examined: rows.length, updated: 0, providedSkipped: 0, tracesUpdated: new Set<string>(), deltaPico: 0n, lastRowId: null };
    const traceDeltas = new Map<string, bigint>();
    for (const row of rows) {
      const decision = decideRecompute(
        {
          model: row["model"] as string,
          usageDetails: asRecord(fromJson(row["usage_details"])),
          costDetails: asRecord(fromJson(row["cost_details"])),
          costExplanation: (fromJson(row["cost_explanation"]) as CostExplanation | null) ?? null,
          startTimeNs: row["start_ns"] as bigint,
          costPico: BigInt(row["cost_pico"] as bigint),
        },
        reprice,
      );
      if (decision.kind === "provided") outcome.providedSkipped++;
      if (decision.kind !== "update") continue;
      this.updateObservation.run(toJson(decision.costDetails), decision.costPico, toJson(decision.costExplanation), row["row_id"]);
      outcome.updated++;
      if (decision.deltaPico !== 0n) {
        const traceId = row["trace_id"] as string;
        traceDeltas.set(traceId, (traceDeltas.get(traceId) ?? 0n) + decision.deltaPico);
      }
    }
    for (const [traceId, delta] of traceDeltas) {
      if (delta === 0n) continue;
      const trace = this.readTrace.get(projectId, traceId) as Row | undefined;
      if (trace === undefined) continue;
      const aggregate = parseAggregate(trace["derivation"] as string);
      aggregate.totalCostPico += delta;
      this.updateTrace.run(serializeAggregate(aggregate), delta, projectId, traceId);
      if (trace["session_id"] !== null) this.updateSession.run(delta, projectId, trace["session_id"]);
      if (trace["user_id"] !== null) this.updateUser.run(delta, projectId, trace["user_id"]);
      outcome.tracesUpdated.add(traceId);
      outcome.deltaPico += delta;
    }
    if (rows.length === RECOMPUTE_CHUNK_OBSERVATIONS) outcome.lastRowId = rows[rows.length - 1]?.["row_id"] as bigint;
    return outcome;
  }
}

interface ChunkOutcome {
  examined: number;
  updated: number;
  providedSkipped: number;
  tracesUpdated: Set<string>;
  deltaPico: bigint;
  /** The last rowid of a full chunk (more may follow), or null when this was the last chunk. */
  lastRowId: bigint | null;
}

function asRecord(value: unknown): Record<string, number> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, number>) : {};
}
