import { CLASS_USAGE_KEY, TOKEN_CLASSES } from "../mapping/usage-classes.js";
import type { TokenClass, UsageClasses } from "../mapping/usage-classes.js";
import { PRICE_FALLBACK } from "./price-types.js";
import type { ClassCost, ClassPrice, CostExplanation, ResolvedPrice } from "./price-types.js";

/** Classes that count towards the input size that picks a tier. */
const INPUT_CLASSES: readonly TokenClass[] = ["input", "cacheRead", "cacheWrite", "inputAudio", "inputImage"];

/** A computed cost: `costDetails` (USD by usage key, with `total`) and its explanation. */
export interface ComputedCost {
  costDetails: Record<string, number>;
  explanation: Extract<CostExplanation, { source: "computed" }>;
}

/**
 * Prices token classes: each class's tokens times its rate (its own, else its fallback class's:
 * see `PRICE_FALLBACK`). A tiered rate is picked by the request's input tokens (every input
 * class together), the way Gemini and Claude bill long contexts. Classes with no tokens are left
 * out; a class with neither a price nor a fallback price is left out of the cost (and so of the
 * explanation) rather than guessed.
 *
 * @example
 * // gpt-4o: input $2.50/M, cache read $1.25/M, output $10/M
 * computeCost({ input: 700, cacheRead: 300, output: 200, total: 1200 }, price, "gpt-4o", now).costDetails;
 * // { input: 0.00175, input_cached_tokens: 0.000375, output: 0.002, total: 0.004125 }
 */
export function computeCost(usage: UsageClasses, price: ResolvedPrice, model: string, nowMs: number): ComputedCost {
  let inputTokens = 0;
  for (const cls of INPUT_CLASSES) inputTokens += usage[cls] ?? 0;
  const costDetails: Record<string, number> = {};
  const classes: ClassCost[] = [];
  let tier: { inputTokens: number; startTokens: number } | null = null;
  let total = 0;
  for (const cls of TOKEN_CLASSES) {
    const tokens = usage[cls] ?? 0;
    if (!(tokens > 0)) continue;
    const own = price.prices[cls];
    const fallback = PRICE_FALLBACK[cls];
    const pricedAs = own === undefined && fallback !== undefined && price.prices[fallback] !== undefined ? fallback : null;
    const classPrice = own ?? (pricedAs === null ? undefined : price.prices[pricedAs]);
    if (classPrice === undefined) continue;
    const rate = rateFor(classPrice, inputTokens);
    if (rate.tierStart !== null) tier = { inputTokens, startTokens: rate.tierStart };
    const costUsd = (tokens * rate.usdPerMillion) / 1_000_000;
    const usageKey = CLASS_USAGE_KEY[cls];
    costDetails[usageKey] = costUsd;
    total += costUsd;
    classes.push({ class: cls, usageKey, tokens, usdPerMillion: rate.usdPerMillion, pricedAs, costUsd });
  }
  costDetails["total"] = total;
  return {
    costDetails,
    explanation: { source: "computed", model, price: price.origin, tier, classes, totalUsd: total, computedAtMs: nowMs },
  };
}

function rateFor(price: ClassPrice, inputTokens: number): { usdPerMillion: number; tierStart: number | null } {
  if (typeof price === "number") return { usdPerMillion: price, tierStart: null };
  let rate = price.baseUsdPerMillion;
  let tierStart: number | null = null;
  for (const tier of price.tiers) {
    if (inputTokens > tier.startTokens) {
      rate = tier.usdPerMillion;
      tierStart = tier.startTokens;
    }
  }
  return { usdPerMillion: rate, tierStart };
}
