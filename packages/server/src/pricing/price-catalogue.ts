import type { ResolvedPrice } from "./price-types.js";

/**
 * A catalogue of model prices: the maintained default (`GenaiPricesCatalogue`) or another one in
 * tests. Implementations must be fast on repeated model names (ingestion prices every generation)
 * and must never fetch anything at run time.
 */
export interface PriceCatalogue {
  /** The catalogue and its version, shown in every cost it computed (`@pydantic/genai-prices@0.1.8`). */
  readonly name: string;
  /**
   * The price of `model` (as the observation names it: dated variants, `provider/` prefixes and
   * Bedrock ids included) in force at `atMs` (ms since the epoch), or null when the catalogue does
   * not know the model.
   */
  find(model: string, atMs: number): ResolvedPrice | null;
}
