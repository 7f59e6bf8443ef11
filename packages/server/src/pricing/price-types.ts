import type { TokenClass } from "../mapping/usage-classes.js";

/** A tier of a tiered price: from `startTokens` input tokens (exclusive) on, `usdPerMillion` applies. */
export interface PriceTier {
  startTokens: number;
  usdPerMillion: number;
}

/**
 * The price of one token class in USD per million tokens. A tiered price applies one rate to all
 * of the class's tokens, chosen by the request's input tokens (all input classes together): the
 * long-context tiers of Gemini and Claude work this way.
 */
export type ClassPrice = number | { baseUsdPerMillion: number; tiers: PriceTier[] };

/** Prices by token class. A class without its own price falls back (see `PRICE_FALLBACK`). */
export type ClassPrices = Partial<Record<TokenClass, ClassPrice>>;

/** Where a price came from: the catalogue (`@pydantic/genai-prices`) or a project's custom price. */
export type PriceOrigin =
  | {
      kind: "catalogue";
      /** The catalogue's provider id (`openai`, `anthropic`, `google`, `aws`, ...). */
      providerId: string;
      /** The catalogue's model id the observation's model name matched (`gpt-4o` for `gpt-4o-2024-08-06`). */
      modelId: string;
      /** The date from which this price applies (`YYYY-MM-DD`), or null when the catalogue gives one price for all time. */
      priceDate: string | null;
      /** The catalogue and its version, e.g. `@pydantic/genai-prices@0.1.8`. */
      catalogue: string;
    }
  | {
      kind: "custom";
      /** The custom price's id (`GET /api/public/models/{id}`). */
      priceId: string;
      modelName: string;
      matchPattern: string;
      /** ISO date-time from which the custom price applies, or null for always. */
      startDate: string | null;
    };

/** A price resolved for one observation: its origin and its prices by class. */
export interface ResolvedPrice {
  origin: PriceOrigin;
  prices: ClassPrices;
}

/**
 * When a class has no price of its own it is billed at another class's price, as providers bill
 * it: reasoning tokens are output tokens, a cache read or write without a discount is an input
 * token, audio and image tokens without a modality price are input / output tokens.
 */
export const PRICE_FALLBACK: Readonly<Partial<Record<TokenClass, TokenClass>>> = {
  cacheRead: "input",
  cacheWrite: "input",
  reasoning: "output",
  inputAudio: "input",
  outputAudio: "output",
  inputImage: "input",
  outputImage: "output",
};

/** One priced class in a cost explanation. */
export interface ClassCost {
  class: TokenClass;
  /** The `usageDetails` / `costDetails` key of the class. */
  usageKey: string;
  tokens: number;
  /** The rate applied (after tier selection), USD per million tokens. */
  usdPerMillion: number;
  /** The class whose price was used when the class has none of its own (e.g. reasoning → output). */
  pricedAs: TokenClass | null;
  costUsd: number;
}

/**
 * Why an observation costs what it costs (stored with it, shown by the API and the UI):
 * - `provided`: the client sent the cost; it wins over any computed one;
 * - `computed`: the server priced the token classes with `price`;
 * - `none`: no cost, and why (never a made-up 0).
 */
export type CostExplanation =
  | { source: "provided" }
  | {
      source: "computed";
      model: string;
      price: PriceOrigin;
      /** The tier applied (its start in input tokens) when a tiered price moved off its base rate. */
      tier: { inputTokens: number; startTokens: number } | null;
      classes: ClassCost[];
      totalUsd: number;
      /** When the cost was computed (ms since the epoch): at ingestion or by a recompute. */
      computedAtMs: number;
    }
  | { source: "none"; reason: "no_model" | "no_usage" | "unknown_model"; model: string | null };
