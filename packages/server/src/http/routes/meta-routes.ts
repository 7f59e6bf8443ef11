import { SERVER_VERSION } from "../../config.js";
import type { RouteDeps, SightlineApp } from "../app-env.js";
import { requireAuth } from "../require-auth.js";

/**
 * `GET /api/public/health` (no auth, `{ status: "OK", version }`; with `?details=true` also the
 * store kind and `searchBacklog`, the observations the background indexing has not reached yet,
 * for monitoring) and `GET /api/public/projects` (the key's project; the Langfuse SDKs'
 * `auth_check()` calls it).
 */
export function registerMetaRoutes(app: SightlineApp, deps: RouteDeps): void {
  app.get("/api/public/health", async (c) => {
    if (c.req.query("details") !== "true") return c.json({ status: "OK", version: SERVER_VERSION });
    return c.json({ status: "OK", version: SERVER_VERSION, store: deps.store.kind, searchBacklog: await deps.store.searchBacklog() });
  });

  app.get("/api/public/projects", requireAuth(deps.authenticator), async (c) => {
    const { projectId } = c.get("auth");
    const project = (await deps.store.listProjects()).find((p) => p.id === projectId);
    const data =
      project === undefined
        ? []
        : [{ id: project.id, name: project.name, organization: { id: "default", name: "Default" }, metadata: {} }];
    return c.json({ data });
  });
}
