import { request } from "./client.js";
import type { RequestOptions } from "./client.js";
import type { Infer } from "./schema.js";
import { array, boolean, nullable, number, object, record, string, withDefault } from "./schema.js";

// A project's custom model prices and cost recomputes: `/api/ui/projects/{id}/model-prices` and
// `/api/ui/projects/{id}/costs/recompute` (the same as `/api/public/models` and `/api/public/costs/recompute`).

/** A custom model price: USD per token by usage type, from `startDate` on. */
export const modelPrice = object({
  id: string,
  modelName: string,
  matchPattern: string,
  startDate: nullable(string),
  unit: string,
  prices: withDefault(record(object({ price: number })), {}),
  isLangfuseManaged: withDefault(boolean, false),
  createdAt: string,
});
export type ModelPrice = Infer<typeof modelPrice>;

/** What a recompute did. */
export const recomputeResult = object({ examined: number, updated: number, providedSkipped: number, tracesUpdated: number, costDeltaUsd: number });
export type RecomputeResult = Infer<typeof recomputeResult>;

/** A new custom price: USD per token by usage type. */
export interface NewModelPrice {
  modelName: string;
  matchPattern: string;
  startDate: string | null;
  prices: Record<string, number>;
}

const pricesPath = (projectId: string) => `/api/ui/projects/${encodeURIComponent(projectId)}/model-prices`;

/** The project's custom prices, oldest first. */
export async function fetchModelPrices(projectId: string, ctx: Pick<RequestOptions, "signal"> = {}): Promise<ModelPrice[]> {
  return (await request(pricesPath(projectId), object({ data: array(modelPrice) }), ctx)).data;
}

/** Creates a custom price (the server validates it and answers a precise 400). */
export function createModelPrice(projectId: string, price: NewModelPrice): Promise<ModelPrice> {
  return request(pricesPath(projectId), modelPrice, { method: "POST", body: price });
}

/** Deletes a custom price. */
export async function deleteModelPrice(projectId: string, id: string): Promise<void> {
  await request(`${pricesPath(projectId)}/${encodeURIComponent(id)}`, object({ message: string }), { method: "DELETE" });
}

/** Recomputes the project's computed costs (all observations, or one model's). */
export function recomputeCosts(projectId: string, model: string | null): Promise<RecomputeResult> {
  return request(`/api/ui/projects/${encodeURIComponent(projectId)}/costs/recompute`, recomputeResult, {
    method: "POST",
    body: model === null ? {} : { model },
  });
}
