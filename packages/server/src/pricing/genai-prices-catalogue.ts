import { calcPrice } from "@pydantic/genai-prices";
import type { ModelInfo, ModelPrice, Provider } from "@pydantic/genai-prices";
import type { TokenClass } from "../mapping/usage-classes.js";
import type { PriceCatalogue } from "./price-catalogue.js";
import type { ClassPrice, ClassPrices, ResolvedPrice } from "./price-types.js";

/** The version of `@pydantic/genai-prices` pinned in package.json (a test checks they agree). */
export const GENAI_PRICES_VERSION = "0.1.8";

/** Catalogue price keys (USD per million tokens) and the class each prices. */
const PRICE_KEYS: ReadonlyArray<readonly [key: string, cls: TokenClass]> = [
  ["input_mtok", "input"],
  ["output_mtok", "output"],
  ["cache_read_mtok", "cacheRead"],
  ["cache_write_mtok", "cacheWrite"],
  ["output_reasoning_mtok", "reasoning"],
  ["input_audio_mtok", "inputAudio"],
  ["output_audio_mtok", "outputAudio"],
  ["input_image_mtok", "inputImage"],
  ["output_image_mtok", "outputImage"],
];

/** Model-name prefixes of Bedrock model ids (`anthropic.claude-...`, `us.anthropic.claude-...`). */
const BEDROCK_ID = /^(?:[a-z]{2,4}\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek|qwen|openai|writer)\./;

/**
 * Providers tried in turn for a bare model name whose provider the catalogue cannot tell from the
 * name (`text-embedding-3-small`, `o1-mini`): their match rules are exact names and prefixes.
 */
const FALLBACK_PROVIDERS: readonly string[] = ["openai", "anthropic", "google", "mistral", "cohere", "deepseek", "x-ai"];

/** Distinct model names remembered; past this the memo starts over (a bound, not an LRU). */
const MAX_MEMO = 10_000;

interface ModelMatch {
  provider: Provider;
  model: ModelInfo;
  /** The resolved price of a model with one price for all time, once built. */
  fixed?: ResolvedPrice;
}

/**
 * The price catalogue of `@pydantic/genai-prices` (bundled data, no network: `updatePrices` is
 * never called). Model names are matched as the library matches them (exact names, dated variants,
 * `-latest` aliases, with the provider found from the name), then with a `provider/` prefix taken
 * as the provider (`openai/gpt-4o`, `anthropic/claude-3-5-sonnet`, `openrouter/...`), then Bedrock
 * ids under the `aws` provider, then under the major providers in turn (`FALLBACK_PROVIDERS`). The match of each distinct model name is memoised, so pricing a span
 * costs a map lookup and a few multiplications; the price in force is then picked by the
 * observation's time (the catalogue's `start_date` and time-of-day constraints).
 *
 * @example
 * new GenaiPricesCatalogue().find("gpt-4o-2024-08-06", Date.now())?.prices.input; // 2.5
 */
export class GenaiPricesCatalogue implements PriceCatalogue {
  readonly name = `@pydantic/genai-prices@${GENAI_PRICES_VERSION}`;
  private readonly matches = new Map<string, ModelMatch | null>();
  private readonly converted = new WeakMap<ModelPrice, ClassPrices>();

  find(model: string, atMs: number): ResolvedPrice | null {
    const match = this.match(model);
    if (match === null) return null;
    // One price for all time (most models): the resolved price is built once.
    if (!Array.isArray(match.model.prices)) return (match.fixed ??= this.resolve(match, { prices: match.model.prices, startDate: null }));
    return this.resolve(match, activePrice(match.model, new Date(atMs)));
  }

  private resolve(match: ModelMatch, active: { prices: ModelPrice; startDate: string | null }): ResolvedPrice {
    return {
      origin: {
        kind: "catalogue",
        providerId: match.provider.id,
        modelId: match.model.id,
        priceDate: active.startDate,
        catalogue: this.name,
      },
      prices: this.classPrices(active.prices),
    };
  }

  private match(model: string): ModelMatch | null {
    const memo = this.matches.get(model);
    if (memo !== undefined) return memo;
    const found = matchModel(model.trim().toLowerCase());
    if (this.matches.size >= MAX_MEMO) this.matches.clear();
    this.matches.set(model, found);
    return found;
  }

  private classPrices(price: ModelPrice): ClassPrices {
    const memo = this.converted.get(price);
    if (memo !== undefined) return memo;
    const out: ClassPrices = {};
    for (const [key, cls] of PRICE_KEYS) {
      const value = toClassPrice(price[key]);
      if (value !== null) out[cls] = value;
    }
    this.converted.set(price, out);
    return out;
  }
}

function lookup(model: string, providerId?: string): ModelMatch | null {
  if (model === "") return null;
  try {
    const result = calcPrice({}, model, providerId === undefined ? undefined : { providerId });
    return result === null ? null : { provider: result.provider, model: result.model };
  } catch {
    return null;
  }
}

function matchModel(model: string): ModelMatch | null {
  const direct = lookup(model);
  if (direct !== null) return direct;
  const slash = model.indexOf("/");
  if (slash > 0) {
    const prefix = model.slice(0, slash);
    const rest = model.slice(slash + 1);
    const found = lookup(rest, prefix) ?? lookup(rest);
    if (found !== null) return found;
    const last = model.slice(model.lastIndexOf("/") + 1);
    if (last !== rest) return lookup(last);
  }
  if (BEDROCK_ID.test(model)) return lookup(model, "aws");
  for (const providerId of FALLBACK_PROVIDERS) {
    const found = lookup(model, providerId);
    if (found !== null) return found;
  }
  return null;
}

/** The catalogue's price in force at `at`, with the date it applies from (as `calcPrice` picks it). */
function activePrice(model: ModelInfo, at: Date): { prices: ModelPrice; startDate: string | null } {
  if (!Array.isArray(model.prices)) return { prices: model.prices, startDate: null };
  for (let i = model.prices.length - 1; i >= 0; i--) {
    const entry = model.prices[i];
    if (entry === undefined) continue;
    const c = entry.constraint;
    if (c === undefined) return { prices: entry.prices, startDate: null };
    if (c.type === "start_date") {
      if (at >= new Date(c.start_date)) return { prices: entry.prices, startDate: c.start_date };
    } else if (inDailyWindow(at, c.start_time, c.end_time)) {
      return { prices: entry.prices, startDate: null };
    }
  }
  const first = model.prices[0];
  return { prices: first?.prices ?? {}, startDate: null };
}

function secondsOfDay(time: string): number {
  const [h = "0", m = "0", s = "0"] = time.replace(/Z$/, "").split(":");
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

function inDailyWindow(at: Date, start: string, end: string): boolean {
  const now = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
  const s = secondsOfDay(start);
  const e = secondsOfDay(end);
  return e < s ? now >= s || now < e : now >= s && now < e;
}

function toClassPrice(value: unknown): ClassPrice | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== "object" || value === null) return null;
  const { base, tiers } = value as { base?: unknown; tiers?: unknown };
  if (typeof base !== "number" || !Array.isArray(tiers)) return null;
  return {
    baseUsdPerMillion: base,
    tiers: tiers
      .filter((t): t is { start: number; price: number } => typeof t?.start === "number" && typeof t?.price === "number")
      .map((t) => ({ startTokens: t.start, usdPerMillion: t.price })),
  };
}
