import type pg from "pg";
import type { CostExplanation } from "../../pricing/price-types.js";
import { RECOMPUTE_CHUNK_OBSERVATIONS, decideRecompute, picoToUsdDelta } from "../cost-recompute.js";
import type { CostRecomputeFilter, CostRecomputeResult, Repricer } from "../cost-recompute.js";
import { fromJson } from "../record-rows.js";
import { parseAggregate, serializeAggregate } from "../trace-aggregate-json.js";
import { toJson } from "../sqlite/observation-row.js";
import { inTransaction, lockAll, lockKey } from "./pg-transaction.js";

type Row = Record<string, unknown>;

/** Where the previous chunk ended (observations are walked by start time, trace id, id). */
type Cursor = { startNs: bigint; traceId: string; id: string } | null;

const CHUNK_KEYS = `SELECT o.start_ns, o.trace_id, o.id FROM observations o
  WHERE o.project_id = $1 AND o.model IS NOT NULL
    AND ($2::text IS NULL OR o.model = $2) AND ($3::int8 IS NULL OR o.start_ns >= $3) AND ($4::int8 IS NULL OR o.start_ns < $4)
    AND ($5::int8 IS NULL OR (o.start_ns, o.trace_id, o.id) > ($5, $6::text, $7::text))
  ORDER BY o.start_ns, o.trace_id, o.id LIMIT $8`;

/**
 * Recomputes the computed costs of a project's observations, `RECOMPUTE_CHUNK_OBSERVATIONS` per
 * transaction, under the same advisory locks as ingestion (the chunk's traces, then their sessions
 * and users, each in key order), so a trace is never re-derived by ingestion and re-priced at the
 * same time. Each changed observation moves its trace's total and derivation state, and its
 * session's and user's totals, by the same integer pico-USD delta. The same semantics as the
 * SQLite store's `SqliteCostRecompute`.
 */
export class PgCostRecompute {
  constructor(private readonly pool: pg.Pool) {}

  async recompute(projectId: string, filter: CostRecomputeFilter, reprice: Repricer): Promise<CostRecomputeResult> {
    const result: CostRecomputeResult = { examined: 0, updated: 0, providedSkipped: 0, tracesUpdated: 0, costDeltaUsd: 0 };
    let deltaPico = 0n;
    const tracesUpdated = new Set<string>();
    let cursor: Cursor = null;
    for (;;) {
      const keys = await this.pool.query<Row>({
        name: "cost-recompute-keys",
        text: CHUNK_KEYS,
        values: [
          projectId,
          filter.model ?? null,
          filter.fromStartTimeNs ?? null,
          filter.toStartTimeNs ?? null,
          cursor?.startNs ?? null,
          cursor?.traceId ?? null,
          cursor?.id ?? null,
          RECOMPUTE_CHUNK_OBSERVATIONS,
        ],
      });
      if (keys.rows.length === 0) break;
      const chunk = await inTransaction(this.pool, (client) => this.recomputeChunk(client, projectId, keys.rows, reprice));
      result.examined += keys.rows.length;
      result.updated += chunk.updated;
      result.providedSkipped += chunk.providedSkipped;
      for (const id of chunk.tracesUpdated) tracesUpdated.add(id);
      deltaPico += chunk.deltaPico;
      const last = keys.rows[keys.rows.length - 1] as Row;
      cursor = { startNs: BigInt(last["start_ns"] as bigint), traceId: last["trace_id"] as string, id: last["id"] as string };
      if (keys.rows.length < RECOMPUTE_CHUNK_OBSERVATIONS) break;
    }
    result.tracesUpdated = tracesUpdated.size;
    result.costDeltaUsd = picoToUsdDelta(deltaPico);
    return result;
  }

  private async recomputeChunk(client: pg.ClientBase, projectId: string, keys: Row[], reprice: Repricer): Promise<ChunkOutcome> {
    const traceIds = [...new Set(keys.map((k) => k["trace_id"] as string))];
    await lockAll(client, traceIds.map((id) => lockKey("trace", projectId, id)));
    // Read again under the locks: ingestion may have replaced a span since the keys were listed.
    const rows = await client.query<Row>({
      name: "cost-recompute-rows",
      text: `SELECT o.trace_id, o.id, o.start_ns, o.model, o.usage_details, o.cost_details, o.cost_explanation, o.cost_pico
        FROM observations o JOIN unnest($2::text[], $3::text[], $4::int8[]) AS k(trace_id, id, start_ns)
          ON o.trace_id = k.trace_id AND o.id = k.id AND o.start_ns = k.start_ns
        WHERE o.project_id = $1 AND o.model IS NOT NULL`,
      values: [projectId, keys.map((k) => k["trace_id"]), keys.map((k) => k["id"]), keys.map((k) => k["start_ns"])],
    });
    const outcome: ChunkOutcome = { updated: 0, providedSkipped: 0, tracesUpdated: new Set<string>(), deltaPico: 0n };
    const updates: { traceIds: string[]; ids: string[]; starts: bigint[]; details: string[]; picos: bigint[]; explanations: string[] } = {
      traceIds: [], ids: [], starts: [], details: [], picos: [], explanations: [],
    };
    const traceDeltas = new Map<string, bigint>();
    for (const row of rows.rows) {
      const decision = decideRecompute(
        {
          model: row["model"] as string,
          usageDetails: asRecord(fromJson(row["usage_details"])),
          costDetails: asRecord(fromJson(row["cost_details"])),
          costExplanation: (fromJson(row["cost_explanation"]) as CostExplanation | null) ?? null,
          startTimeNs: BigInt(row["start_ns"] as bigint),
          costPico: BigInt(row["cost_pico"] as bigint),
        },
        reprice,
      );
      if (decision.kind === "provided") outcome.providedSkipped++;
      if (decision.kind !== "update") continue;
      const traceId = row["trace_id"] as string;
      updates.traceIds.push(traceId);
      updates.ids.push(row["id"] as string);
      updates.starts.push(BigInt(row["start_ns"] as bigint));
      updates.details.push(toJson(decision.costDetails) ?? "{}");
      updates.picos.push(decision.costPico);
      updates.explanations.push(toJson(decision.costExplanation) ?? "null");
      outcome.updated++;
      if (decision.deltaPico !== 0n) traceDeltas.set(traceId, (traceDeltas.get(traceId) ?? 0n) + decision.deltaPico);
    }
    if (outcome.updated > 0) {
      await client.query({
        name: "cost-recompute-update",
        text: `UPDATE observations o SET cost_details = u.details, cost_pico = u.pico, cost_explanation = u.explanation
          FROM unnest($2::text[], $3::text[], $4::int8[], $5::text[], $6::int8[], $7::text[]) AS u(trace_id, id, start_ns, details, pico, explanation)
          WHERE o.project_id = $1 AND o.trace_id = u.trace_id AND o.id = u.id AND o.start_ns = u.start_ns`,
        values: [projectId, updates.traceIds, updates.ids, updates.starts, updates.details, updates.picos, updates.explanations],
      });
    }
    const changed = [...traceDeltas].filter(([, delta]) => delta !== 0n);
    if (changed.length === 0) return outcome;
    const traces = await client.query<Row>({
      name: "cost-recompute-traces",
      text: "SELECT id, derivation, session_id, user_id FROM traces WHERE project_id = $1 AND id = ANY($2::text[])",
      values: [projectId, changed.map(([id]) => id)],
    });
    await lockAll(client, traces.rows.flatMap((t) => [
      ...(t["session_id"] === null ? [] : [lockKey("session", projectId, t["session_id"] as string)]),
      ...(t["user_id"] === null ? [] : [lockKey("user", projectId, t["user_id"] as string)]),
    ]));
    for (const trace of traces.rows) {
      const traceId = trace["id"] as string;
      const delta = traceDeltas.get(traceId) ?? 0n;
      const aggregate = parseAggregate(trace["derivation"] as string);
      aggregate.totalCostPico += delta;
      await client.query({
        name: "cost-recompute-trace",
        text: "UPDATE traces SET derivation = $1, total_cost_pico = total_cost_pico + $2 WHERE project_id = $3 AND id = $4",
        values: [serializeAggregate(aggregate), delta, projectId, traceId],
      });
      for (const [table, key] of [["sessions", trace["session_id"]], ["users", trace["user_id"]]] as const) {
        if (key === null) continue;
        await client.query({
          name: `cost-recompute-${table}`,
          text: `UPDATE ${table} SET total_cost_pico = total_cost_pico + $1 WHERE project_id = $2 AND id = $3`,
          values: [delta, projectId, key],
        });
      }
      outcome.tracesUpdated.add(traceId);
      outcome.deltaPico += delta;
    }
    return outcome;
  }
}

interface ChunkOutcome {
  updated: number;
  providedSkipped: number;
  tracesUpdated: Set<string>;
  deltaPico: bigint;
}

function asRecord(value: unknown): Record<string, number> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, number>) : {};
}
