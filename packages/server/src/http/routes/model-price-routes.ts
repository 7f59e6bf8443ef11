import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import type { AppEnv, RouteDeps, SightlineApp } from "../app-env.js";
import { HttpError } from "../http-error.js";
import { readJsonObject } from "../json-body.js";
import { pathParam } from "../query-params.js";
import { modelPriceToApi, parseModelPriceBody, parseRecomputeBody } from "../model-price-body.js";
import { requireAuth } from "../require-auth.js";
import { requireUiAccess, uiProjectParam } from "../ui/ui-access.js";
import type { UiAccess } from "../ui/ui-access.js";

/** The longest custom-price or recompute body accepted. */
const MAX_BODY_CHARS = 16_384;

/** The routes of this module and their methods (for 405 answers). */
export const MODEL_PRICE_ROUTE_METHODS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["/api/public/models", ["GET", "HEAD", "POST"]],
  ["/api/public/models/:id", ["GET", "HEAD", "DELETE"]],
  ["/api/public/costs/recompute", ["POST"]],
  ["/api/ui/projects/:projectId/model-prices", ["GET", "HEAD", "POST"]],
  ["/api/ui/projects/:projectId/model-prices/:id", ["DELETE"]],
  ["/api/ui/projects/:projectId/costs/recompute", ["POST"]],
];

/**
 * Per-project custom model prices and cost recomputes, under the public API (Basic auth with the
 * project's keys; Langfuse's `/api/public/models` shape) and under the UI's project routes (session
 * cookie): list, create and delete prices, and recompute computed costs.
 */
export function registerModelPriceRoutes(app: SightlineApp, deps: RouteDeps, access: UiAccess): void {
  const auth = requireAuth(deps.authenticator);
  const ui = requireUiAccess(access, deps.store);
  const projectParam = (c: Context<AppEnv>): Promise<string> => uiProjectParam(c, deps.store);
  const publicProject = async (c: Context<AppEnv>) => c.get("auth").projectId;

  for (const [base, guard, project] of [
    ["/api/public/models", auth, publicProject],
    ["/api/ui/projects/:projectId/model-prices", ui, projectParam],
  ] as const) {
    app.get(base, guard, async (c) => {
      const prices = await deps.store.listModelPrices(await project(c));
      return c.json({ data: prices.map(modelPriceToApi), meta: { page: 1, limit: prices.length, totalItems: prices.length, totalPages: 1 } });
    });
    app.post(base, guard, async (c) => {
      const projectId = await project(c);
      const price = parseModelPriceBody(await readJsonObject(c, MAX_BODY_CHARS), { id: randomUUID(), projectId, nowMs: Date.now() });
      await deps.store.createModelPrice(price);
      deps.pricing.invalidate(projectId);
      return c.json(modelPriceToApi(price), 201);
    });
    app.delete(`${base}/:id`, guard, async (c) => {
      const projectId = await project(c);
      const id = pathParam(c, "id");
      if (!(await deps.store.deleteModelPrice(projectId, id))) {
        throw new HttpError(404, "model_not_found", `No custom model price ${JSON.stringify(id.slice(0, 100))} in this project.`);
      }
      deps.pricing.invalidate(projectId);
      return c.json({ message: "Model price deleted successfully" });
    });
  }

  app.get("/api/public/models/:id", auth, async (c) => {
    const id = pathParam(c, "id");
    const price = (await deps.store.listModelPrices(c.get("auth").projectId)).find((p) => p.id === id);
    if (price === undefined) throw new HttpError(404, "model_not_found", `No custom model price ${JSON.stringify(id.slice(0, 100))} in this project.`);
    return c.json(modelPriceToApi(price));
  });

  for (const [path, guard, project] of [
    ["/api/public/costs/recompute", auth, publicProject],
    ["/api/ui/projects/:projectId/costs/recompute", ui, projectParam],
  ] as const) {
    app.post(path, guard, async (c) => {
      const projectId = await project(c);
      const filter = parseRecomputeBody(await readJsonObject(c, MAX_BODY_CHARS));
      const result = await deps.store.recomputeCosts(projectId, filter, await deps.pricing.repricerFor(projectId));
      return c.json(result);
    });
  }
}
