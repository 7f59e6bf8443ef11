import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import { SERVER_VERSION } from "../../config.js";
import type { ApiKeyRecord } from "../../storage/records.js";
import type { RouteDeps, SightlineApp, AppEnv } from "../app-env.js";
import { createApiKey } from "../api-keys.js";
import { observationToApi, traceToApi } from "../api-shapes.js";
import { readJsonObject } from "../json-body.js";
import { HttpError } from "../http-error.js";
import { pathParam } from "../query-params.js";
import { normalizeIdParam } from "../routes/trace-routes.js";
import { structureOf, treeColumns } from "./trace-tree-columns.js";
import type { UiAccess } from "./ui-access.js";
import { requireUiAccess, uiProjectParam } from "./ui-access.js";
import { passwordMatches, SESSION_COOKIE } from "./ui-sessions.js";
import { MAX_RETENTION_DAYS } from "../../config.js";

/** Paths of the UI endpoints and their methods (the app answers other methods with 405). */
export const UI_ROUTE_METHODS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["/api/ui/config", ["GET", "HEAD"]],
  ["/api/ui/me", ["GET", "HEAD"]],
  ["/api/ui/login", ["POST"]],
  ["/api/ui/logout", ["POST"]],
  ["/api/ui/projects", ["GET", "HEAD"]],
  ["/api/ui/projects/:projectId/keys", ["GET", "HEAD", "POST"]],
  ["/api/ui/projects/:projectId/keys/:keyId", ["DELETE"]],
  ["/api/ui/projects/:projectId/retention", ["GET", "HEAD", "PUT"]],
  ["/api/ui/traces/:traceId/tree", ["GET", "HEAD"]],
  ["/api/ui/traces/:traceId/observations/:observationId", ["GET", "HEAD"]],
];

/** The longest JSON body a UI POST may send (a password, a note). */
const MAX_UI_BODY_CHARS = 4096;

function isHttps(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function keyToApi(k: ApiKeyRecord): Record<string, unknown> {
  return {
    id: k.id,
    publicKey: k.publicKey,
    displaySecretKey: k.displaySecretKey,
    note: k.note,
    createdAt: isoOrNull(k.createdAtMs),
    lastUsedAt: isoOrNull(k.lastUsedAtMs),
    revokedAt: isoOrNull(k.revokedAtMs),
  };
}

/**
 * The web UI's own endpoints under /api/ui: configuration, login/logout with the admin password
 * (HttpOnly SameSite=Lax session cookie, Secure behind HTTPS), projects, API keys, the trace
 * structure for huge traces and one observation's IO on demand.
 */
export function registerUiRoutes(app: SightlineApp, deps: RouteDeps, access: UiAccess): void {
  const ui = requireUiAccess(access, deps.store);
  const authMode = access.mode === "open" ? "none" : "password";

  app.get("/api/ui/config", (c) => c.json({ version: SERVER_VERSION, authMode, authenticated: access.isAuthenticated(c) }));
  app.get("/api/ui/me", (c) => c.json({ authMode, authenticated: access.isAuthenticated(c) }));

  app.post("/api/ui/login", async (c) => {
    const body = await readJsonObject(c, MAX_UI_BODY_CHARS);
    if (access.adminPassword === undefined) {
      throw new HttpError(400, "login_not_configured", access.mode === "open" ? "No login is needed: the UI is open on loopback." : "No admin password is configured (SIGHTLINE_ADMIN_PASSWORD).");
    }
    const password = typeof body.password === "string" ? body.password : "";
    if (!passwordMatches(password, access.adminPassword)) {
      // A small fixed delay makes online guessing slow without an account-lockout denial of service.
      await new Promise((resolve) => setTimeout(resolve, 300));
      throw new HttpError(401, "invalid_password", "Wrong admin password.");
    }
    setCookie(c, SESSION_COOKIE, access.sessions.create(), { httpOnly: true, sameSite: "Lax", secure: isHttps(c), path: "/" });
    return c.json({ authenticated: true });
  });

  app.post("/api/ui/logout", async (c) => {
    access.sessions.revoke(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ authenticated: access.mode === "open" });
  });

  app.get("/api/ui/projects", ui, async (c) => {
    const projects = await deps.store.listProjects();
    return c.json({ data: projects.map((p) => ({ id: p.id, name: p.name })) });
  });

  const projectParam = (c: Context<AppEnv>): Promise<string> => uiProjectParam(c, deps.store);

  app.get("/api/ui/projects/:projectId/keys", ui, async (c) => {
    const keys = await deps.store.listApiKeys(await projectParam(c));
    return c.json({ data: keys.map(keyToApi) });
  });

  app.post("/api/ui/projects/:projectId/keys", ui, async (c) => {
    const projectId = await projectParam(c);
    const body = await readJsonObject(c, MAX_UI_BODY_CHARS);
    const note = typeof body.note === "string" && body.note.trim() !== "" ? body.note.trim().slice(0, 200) : null;
    const created = await createApiKey(deps.store, projectId, { note });
    return c.json({ id: created.record.id, publicKey: created.publicKey, secretKey: created.secretKey }, 201);
  });

  app.delete("/api/ui/projects/:projectId/keys/:keyId", ui, async (c) => {
    const projectId = await projectParam(c);
    const keyId = pathParam(c, "keyId");
    if (!(await deps.authenticator.revoke(projectId, keyId))) {
      throw new HttpError(404, "api_key_not_found", `No API key ${JSON.stringify(keyId.slice(0, 100))} in project ${JSON.stringify(projectId)}.`);
    }
    return c.json({});
  });

  // The project's retention override (null: it follows the server default, itself null when traces are kept forever).
  app.get("/api/ui/projects/:projectId/retention", ui, async (c) => {
    const projectId = await projectParam(c);
    const found = (await deps.store.listProjectRetention()).find((r) => r.projectId === projectId);
    return c.json({ projectId, retentionDays: found?.retentionDays ?? null, serverDefaultDays: deps.defaultRetentionDays ?? null, maxDays: MAX_RETENTION_DAYS });
  });

  // Body { "retentionDays": <1..MAX_RETENTION_DAYS> | null }; null returns the project to SIGHTLINE_RETENTION_DAYS.
  app.put("/api/ui/projects/:projectId/retention", ui, async (c) => {
    const projectId = await projectParam(c);
    const days = (await readJsonObject(c, MAX_UI_BODY_CHARS))["retentionDays"];
    if (days !== null && (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)) {
      throw new HttpError(400, "invalid_body", `retentionDays must be an integer from 1 to ${MAX_RETENTION_DAYS}, or null for the server default.`);
    }
    await deps.store.setProjectRetention(projectId, days);
    return c.json({ projectId, retentionDays: days });
  });

  app.get("/api/ui/traces/:traceId/tree", ui, async (c) => {
    const { projectId } = c.get("auth");
    const traceId = normalizeIdParam(pathParam(c, "traceId"));
    const trace = await deps.store.getTrace(projectId, traceId);
    if (trace === null) throw new HttpError(404, "trace_not_found", `No trace ${JSON.stringify(traceId)} in this project.`);
    const rows =
      deps.store.getTraceStructure !== undefined
        ? await deps.store.getTraceStructure(projectId, traceId)
        : structureOf(await deps.store.getTraceObservations(projectId, traceId));
    return c.json({ trace: traceToApi(trace, undefined), tree: treeColumns(traceId, rows) });
  });

  app.get("/api/ui/traces/:traceId/observations/:observationId", ui, async (c) => {
    const { projectId } = c.get("auth");
    const traceId = normalizeIdParam(pathParam(c, "traceId"));
    const id = normalizeIdParam(pathParam(c, "observationId"));
    let observation = await deps.store.getObservation(projectId, id);
    // Ids are unique per trace only: if the first match belongs to another trace, look in this one.
    if (observation !== null && observation.traceId !== traceId) {
      observation = (await deps.store.getTraceObservations(projectId, traceId)).find((o) => o.id === id) ?? null;
    }
    if (observation === null) throw new HttpError(404, "observation_not_found", `No observation ${JSON.stringify(id)} in trace ${JSON.stringify(traceId)}.`);
    return c.json(observationToApi(observation));
  });
}
