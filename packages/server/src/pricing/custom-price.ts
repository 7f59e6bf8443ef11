import { tokenClassOfKey } from "../mapping/usage-classes.js";
import type { ClassPrices, ResolvedPrice } from "./price-types.js";

/**
 * A project's own price for the models its `matchPattern` matches, from `startDateMs` on. It
 * overrides the catalogue (Langfuse's model definitions, `/api/public/models`).
 */
export interface CustomModelPrice {
  id: string;
  projectId: string;
  modelName: string;
  /** A regular expression over the model name, case-insensitive (a leading `(?i)` is accepted). */
  matchPattern: string;
  /** From when the price applies (ms since the epoch); null: always. */
  startDateMs: number | null;
  /** Always `TOKENS`. */
  unit: "TOKENS";
  /** USD per token by usage key (`input`, `output`, `input_cached_tokens`, ...). */
  prices: Record<string, number>;
  createdAtMs: number;
}

/** Model names longer than this are not tested against custom patterns (they bound the regex work). */
const MAX_MATCHED_NAME = 256;

/**
 * The pattern as a JavaScript RegExp: case-insensitive, with the PCRE-style `(?i)` prefix that
 * Langfuse patterns carry removed. Throws a SyntaxError for an invalid pattern.
 */
export function compileMatchPattern(pattern: string): RegExp {
  return new RegExp(pattern.replace(/^\(\?i\)/, ""), "i");
}

/** A custom price's per-token prices as class prices (USD per million tokens, rounded to 12 digits). */
export function customClassPrices(prices: Readonly<Record<string, number>>): ClassPrices {
  const out: ClassPrices = {};
  for (const [key, usdPerToken] of Object.entries(prices)) {
    const cls = tokenClassOfKey(key);
    if (cls !== null) out[cls] = Number((usdPerToken * 1_000_000).toPrecision(12));
  }
  return out;
}

/**
 * A project's custom prices, ready to match: the candidates of each model name are memoised
 * (latest start date first, then the newest), so a repeated model costs a lookup.
 */
export class CustomPriceTable {
  private readonly compiled: Array<{ price: CustomModelPrice; regex: RegExp; classes: ClassPrices }>;
  private readonly byModel = new Map<string, Array<{ price: CustomModelPrice; classes: ClassPrices }>>();

  constructor(prices: readonly CustomModelPrice[]) {
    this.compiled = [];
    for (const price of prices) {
      try {
        this.compiled.push({ price, regex: compileMatchPattern(price.matchPattern), classes: customClassPrices(price.prices) });
      } catch {
        // Patterns are validated when created; one that no longer compiles matches nothing.
      }
    }
    this.compiled.sort(
      (a, b) => (b.price.startDateMs ?? -Infinity) - (a.price.startDateMs ?? -Infinity) || b.price.createdAtMs - a.price.createdAtMs,
    );
  }

  /** True when the project has no custom prices. */
  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /** The custom price in force for `model` at `atMs`, or null. */
  find(model: string, atMs: number): ResolvedPrice | null {
    if (this.compiled.length === 0 || model.length > MAX_MATCHED_NAME) return null;
    let candidates = this.byModel.get(model);
    if (candidates === undefined) {
      candidates = this.compiled.filter((c) => c.regex.test(model)).map(({ price, classes }) => ({ price, classes }));
      this.byModel.set(model, candidates);
    }
    for (const { price, classes } of candidates) {
      if (price.startDateMs !== null && price.startDateMs > atMs) continue;
      return {
        origin: {
          kind: "custom",
          priceId: price.id,
          modelName: price.modelName,
          matchPattern: price.matchPattern,
          startDate: price.startDateMs === null ? null : new Date(price.startDateMs).toISOString(),
        },
        prices: classes,
      };
    }
    return null;
  }
}
