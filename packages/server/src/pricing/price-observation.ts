import { hasClassTokens, usageClassesOf } from "../mapping/usage-classes.js";
import { computeCost } from "./compute-cost.js";
import type { CustomPriceTable } from "./custom-price.js";
import type { PriceCatalogue } from "./price-catalogue.js";
import type { CostExplanation } from "./price-types.js";

/** What pricing reads from an observation. */
export interface PricingInput {
  model: string | null;
  usageDetails: Readonly<Record<string, number>>;
  /** The cost the client sent (empty when none). */
  costDetails: Readonly<Record<string, number>>;
  startTimeNs: bigint;
}

/** An observation's cost and why. `costDetails` is empty when there is no cost. */
export interface PricedCost {
  costDetails: Record<string, number>;
  costExplanation: CostExplanation;
}

/** Where prices come from: the project's custom prices first, then the catalogue. */
export interface PriceSources {
  catalogue: PriceCatalogue;
  custom: CustomPriceTable;
}

/**
 * The cost of one observation. A cost the client sent wins and is marked `provided`; otherwise the
 * token classes are priced with the project's custom price for the model (in force at the
 * observation's start) or else the catalogue's, and marked `computed`. Without a model, without
 * tokens in any class, or for a model no price matches, there is no cost: empty details, never an
 * invented 0.
 *
 * @example
 * priceObservation({ model: "gpt-4o", usageDetails: { input: 1000, output: 100, total: 1100 },
 *   costDetails: {}, startTimeNs }, sources, Date.now()).costDetails.total; // 0.0035
 */
export function priceObservation(input: PricingInput, sources: PriceSources, nowMs: number): PricedCost {
  if (hasEntries(input.costDetails)) return { costDetails: { ...input.costDetails }, costExplanation: { source: "provided" } };
  const model = input.model?.trim() ?? "";
  if (model === "") return none("no_model", null);
  const usage = usageClassesOf(input.usageDetails);
  if (!hasClassTokens(usage)) return none("no_usage", model);
  const atMs = Number(input.startTimeNs / 1_000_000n);
  const price = sources.custom.find(model, atMs) ?? sources.catalogue.find(model, atMs);
  if (price === null) return none("unknown_model", model);
  const { costDetails, explanation } = computeCost(usage, price, model, nowMs);
  return { costDetails, costExplanation: explanation };
}

function none(reason: "no_model" | "no_usage" | "unknown_model", model: string | null): PricedCost {
  return { costDetails: {}, costExplanation: { source: "none", reason, model } };
}

function hasEntries(details: Readonly<Record<string, number>>): boolean {
  for (const key in details) if (Object.hasOwn(details, key)) return true;
  return false;
}
