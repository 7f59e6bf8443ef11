import { tokenClassOfKey } from "../mapping/usage-classes.js";
import { compileMatchPattern } from "../pricing/custom-price.js";
import type { CustomModelPrice } from "../pricing/custom-price.js";
import type { CostRecomputeFilter } from "../storage/cost-recompute.js";
import { HttpError } from "./http-error.js";
import { parseIsoToNanos } from "./query-params.js";

/** The longest model name and match pattern accepted. */
export const MAX_MODEL_NAME_CHARS = 200;
export const MAX_MATCH_PATTERN_CHARS = 500;

/**
 * A group containing a quantifier that is itself quantified (`(a+)+`, `(\w*)*`, `(x+){2,}`): the
 * classic catastrophic-backtracking shape. Patterns run on the ingest path, so they are refused.
 */
const NESTED_QUANTIFIER = /\([^()]*[+*}][^()]*\)[+*{]/;

/** Langfuse's flat price fields and the usage key each sets. */
const FLAT_PRICES: ReadonlyArray<readonly [field: string, key: string]> = [
  ["inputPrice", "input"],
  ["outputPrice", "output"],
];

function invalid(message: string): HttpError {
  return new HttpError(400, "invalid_body", message);
}

function isoToMs(field: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const ns = typeof value === "string" ? parseIsoToNanos(value) : undefined;
  if (ns === undefined) throw invalid(`${field} must be an ISO 8601 date-time (e.g. "2025-01-01T00:00:00Z") or null.`);
  return Number(ns / 1_000_000n);
}

function priceValue(key: string, raw: unknown): number {
  const value = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as { price?: unknown }).price : raw;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalid(`prices.${key} must be a non-negative number (USD per token) or { "price": number }.`);
  }
  return value;
}

/**
 * A custom model price from a `POST /api/public/models` body (Langfuse's shape): `modelName`,
 * `matchPattern` (a regular expression, case-insensitive), optional `startDate`, `unit`
 * (`TOKENS`), and USD per token either as `prices` by usage key (`{ "input": 0.0000025 }` or
 * `{ "input": { "price": 0.0000025 } }`) or as `inputPrice` / `outputPrice`. Every problem is a
 * 400 that names the field.
 */
export function parseModelPriceBody(body: Record<string, unknown>, ids: { id: string; projectId: string; nowMs: number }): CustomModelPrice {
  const modelName = body["modelName"];
  if (typeof modelName !== "string" || modelName.trim() === "" || modelName.length > MAX_MODEL_NAME_CHARS) {
    throw invalid(`modelName must be a non-empty string of at most ${MAX_MODEL_NAME_CHARS} characters.`);
  }
  const matchPattern = body["matchPattern"];
  if (typeof matchPattern !== "string" || matchPattern === "" || matchPattern.length > MAX_MATCH_PATTERN_CHARS) {
    throw invalid(`matchPattern must be a non-empty regular expression of at most ${MAX_MATCH_PATTERN_CHARS} characters.`);
  }
  try {
    compileMatchPattern(matchPattern);
  } catch (error) {
    throw new HttpError(400, "invalid_match_pattern", `matchPattern is not a valid regular expression: ${(error as Error).message}`);
  }
  if (NESTED_QUANTIFIER.test(matchPattern)) {
    throw new HttpError(
      400,
      "invalid_match_pattern",
      "matchPattern repeats a group that itself repeats (e.g. (a+)+): such patterns can take exponential time; write it without the nested repetition.",
    );
  }
  const unit = body["unit"];
  if (unit !== undefined && unit !== null && (typeof unit !== "string" || unit.toUpperCase() !== "TOKENS")) {
    throw invalid('unit must be "TOKENS": custom prices are per token.');
  }
  if (body["totalPrice"] !== undefined && body["totalPrice"] !== null) {
    throw invalid("totalPrice is not supported: give a price per usage type (prices.input, prices.output, ...) so each token class is priced once.");
  }
  const prices: Record<string, number> = {};
  const given = body["prices"];
  if (given !== undefined && given !== null) {
    if (typeof given !== "object" || Array.isArray(given)) throw invalid("prices must be an object of usage type to USD per token.");
    for (const [key, raw] of Object.entries(given)) {
      if (key === "total" || tokenClassOfKey(key) === null) {
        throw invalid(`prices.${key} is not a usage type that can be priced: use input, output, input_cached_tokens, input_cache_creation, output_reasoning_tokens, input_audio_tokens, output_audio_tokens, input_image_tokens or output_image_tokens.`);
      }
      prices[key] = priceValue(key, raw);
    }
  }
  for (const [field, key] of FLAT_PRICES) {
    const raw = body[field];
    if (raw === undefined || raw === null) continue;
    if (Object.hasOwn(prices, key)) throw invalid(`${field} and prices.${key} both set the ${key} price: give one.`);
    prices[key] = priceValue(key, raw);
  }
  if (Object.keys(prices).length === 0) throw invalid("Give at least one price: prices.<usage type>, inputPrice or outputPrice.");
  return {
    id: ids.id,
    projectId: ids.projectId,
    modelName: modelName.trim(),
    matchPattern,
    startDateMs: isoToMs("startDate", body["startDate"]),
    unit: "TOKENS",
    prices,
    createdAtMs: ids.nowMs,
  };
}

/** The API shape of a custom price (Langfuse's model definition, `isLangfuseManaged: false`). */
export function modelPriceToApi(price: CustomModelPrice): Record<string, unknown> {
  return {
    id: price.id,
    modelName: price.modelName,
    matchPattern: price.matchPattern,
    startDate: price.startDateMs === null ? null : new Date(price.startDateMs).toISOString(),
    unit: price.unit,
    inputPrice: price.prices["input"] ?? null,
    outputPrice: price.prices["output"] ?? null,
    totalPrice: null,
    prices: Object.fromEntries(Object.entries(price.prices).map(([key, usd]) => [key, { price: usd }])),
    isLangfuseManaged: false,
    createdAt: new Date(price.createdAtMs).toISOString(),
  };
}

/** A recompute filter from a `POST /api/public/costs/recompute` body: optional `model`, `fromStartTime`, `toStartTime`. */
export function parseRecomputeBody(body: Record<string, unknown>): CostRecomputeFilter {
  const filter: CostRecomputeFilter = {};
  const model = body["model"];
  if (model !== undefined && model !== null) {
    if (typeof model !== "string" || model === "" || model.length > MAX_MODEL_NAME_CHARS) {
      throw invalid(`model must be a non-empty string of at most ${MAX_MODEL_NAME_CHARS} characters.`);
    }
    filter.model = model;
  }
  for (const [field, key] of [["fromStartTime", "fromStartTimeNs"], ["toStartTime", "toStartTimeNs"]] as const) {
    const raw = body[field];
    if (raw === undefined || raw === null) continue;
    const ns = typeof raw === "string" ? parseIsoToNanos(raw) : undefined;
    if (ns === undefined) throw invalid(`${field} must be an ISO 8601 date-time.`);
    filter[key] = ns;
  }
  if (filter.fromStartTimeNs !== undefined && filter.toStartTimeNs !== undefined && filter.fromStartTimeNs >= filter.toStartTimeNs) {
    throw invalid("fromStartTime must be before toStartTime.");
  }
  for (const key of Object.keys(body)) {
    if (!["model", "fromStartTime", "toStartTime"].includes(key)) throw invalid(`Unknown field ${JSON.stringify(key.slice(0, 50))}: use model, fromStartTime or toStartTime.`);
  }
  return filter;
}
