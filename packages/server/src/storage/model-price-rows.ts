import type { CustomModelPrice } from "../pricing/custom-price.js";
import { fromJson } from "./record-rows.js";

/** The `model_prices` columns, in the order of `modelPriceValues`. */
export const MODEL_PRICE_COLUMNS = ["project_id", "id", "model_name", "match_pattern", "start_ms", "unit", "prices", "created_at_ms"] as const;

/** The insert parameters of a custom price, in `MODEL_PRICE_COLUMNS` order. */
export function modelPriceValues(price: CustomModelPrice): unknown[] {
  return [
    price.projectId,
    price.id,
    price.modelName,
    price.matchPattern,
    price.startDateMs,
    price.unit,
    JSON.stringify(price.prices),
    price.createdAtMs,
  ];
}

/** A custom price from a `model_prices` row (SQLite and PostgreSQL alike). */
export function modelPriceFromRow(row: Record<string, unknown>): CustomModelPrice {
  const prices = fromJson(row["prices"]);
  return {
    projectId: row["project_id"] as string,
    id: row["id"] as string,
    modelName: row["model_name"] as string,
    matchPattern: row["match_pattern"] as string,
    startDateMs: row["start_ms"] === null || row["start_ms"] === undefined ? null : Number(row["start_ms"]),
    unit: "TOKENS",
    prices: typeof prices === "object" && prices !== null && !Array.isArray(prices) ? (prices as Record<string, number>) : {},
    createdAtMs: Number(row["created_at_ms"]),
  };
}
