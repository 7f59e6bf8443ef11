import type { PricedCost, PricingInput } from "../pricing/price-observation.js";
import type { CostExplanation } from "../pricing/price-types.js";
import { costPicoOf, PICO_USD_PER_USD } from "./trace-derivation.js";

/** Which observations a cost recompute looks at (all of the project's when empty). */
export interface CostRecomputeFilter {
  /** Only observations of this model name (exact). */
  model?: string;
  /** Start time bounds, nanoseconds since the epoch: `from` inclusive, `to` exclusive. */
  fromStartTimeNs?: bigint;
  toStartTimeNs?: bigint;
}

/** What a recompute did. */
export interface CostRecomputeResult {
  /** Observations with a model that the filter selected. */
  examined: number;
  /** Observations whose cost or explanation changed. */
  updated: number;
  /** Observations left alone because the client provided their cost. */
  providedSkipped: number;
  /** Traces whose total cost changed. */
  tracesUpdated: number;
  /** The change of the selected observations' total cost, USD (negative when prices fell). */
  costDeltaUsd: number;
}

/** Prices one stored observation afresh (ignoring its stored computed cost). */
export type Repricer = (input: PricingInput) => PricedCost;

/** Observations re-priced per transaction: a big recompute never holds the write lock for long. */
export const RECOMPUTE_CHUNK_OBSERVATIONS = 500;

/** What a store reads of an observation to re-price it. */
export interface RecomputeRow {
  model: string;
  usageDetails: Record<string, number>;
  costDetails: Record<string, number>;
  costExplanation: CostExplanation | null;
  startTimeNs: bigint;
  costPico: bigint;
}

/** The new cost of a stored observation, or why it is kept. */
export type RecomputeDecision =
  | { kind: "provided" }
  | { kind: "unchanged" }
  | { kind: "update"; costDetails: Record<string, number>; costExplanation: CostExplanation; costPico: bigint; deltaPico: bigint };

/**
 * Decides one observation of a recompute. A provided cost is never touched, and neither is a cost
 * stored before costs were explained (no explanation but cost details: it can only have come from
 * the client). Otherwise the observation is priced afresh; it changes when its cost or the price
 * used changed (the computation time alone is no change).
 */
export function decideRecompute(row: RecomputeRow, reprice: Repricer): RecomputeDecision {
  const stored = row.costExplanation;
  if (stored?.source === "provided" || (stored === null && Object.keys(row.costDetails).length > 0)) return { kind: "provided" };
  const next = reprice({ model: row.model, usageDetails: row.usageDetails, costDetails: {}, startTimeNs: row.startTimeNs });
  const costPico = costPicoOf(next.costDetails);
  if (stored !== null && costPico === row.costPico && sameExplanation(stored, next.costExplanation)) return { kind: "unchanged" };
  return { kind: "update", costDetails: next.costDetails, costExplanation: next.costExplanation, costPico, deltaPico: costPico - row.costPico };
}

function sameExplanation(a: CostExplanation, b: CostExplanation): boolean {
  const strip = (e: CostExplanation) => (e.source === "computed" ? { ...e, computedAtMs: 0 } : e);
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** USD of a pico-USD delta (for the result's `costDeltaUsd`). */
export function picoToUsdDelta(pico: bigint): number {
  return Number(pico) / PICO_USD_PER_USD;
}
