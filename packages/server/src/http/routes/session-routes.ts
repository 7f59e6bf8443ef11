import type { SessionQuery } from "../../storage/trace-store.js";
import type { RouteDeps, SightlineApp } from "../app-env.js";
import { sessionToApi, userToApi } from "../api-shapes.js";
import { HttpError } from "../http-error.js";
import { QueryParams, pathParam } from "../query-params.js";
import { requireAuth } from "../require-auth.js";

/** Parses the sessions and users listings' query string. */
export function parseSessionQuery(q: QueryParams): SessionQuery {
  const fromStartTimeNs = q.timestampNs("fromTimestamp");
  const toStartTimeNs = q.timestampNs("toTimestamp");
  QueryParams.checkRange("fromTimestamp", fromStartTimeNs, "toTimestamp", toStartTimeNs);
  return { ...q.paging(), userId: q.string("userId"), fromStartTimeNs, toStartTimeNs };
}

/**
 * `GET /api/public/sessions`, `/sessions/{id}` (with its traces) and `/users` (a Sightline addition), and
 * `DELETE /api/public/sessions/{id}` (a Sightline addition: deletes every trace of the session; 404 when it has none).
 */
export function registerSessionRoutes(app: SightlineApp, deps: RouteDeps): void {
  const auth = requireAuth(deps.authenticator);

  app.get("/api/public/sessions", auth, async (c) => {
    const page = await deps.store.listSessions(c.get("auth").projectId, parseSessionQuery(QueryParams.fromUrl(c.req.url)));
    return c.json({ data: page.data.map((s) => sessionToApi(s)), meta: page.meta });
  });

  app.get("/api/public/sessions/:sessionId", auth, async (c) => {
    const sessionId = pathParam(c, "sessionId");
    const found = await deps.store.getSession(c.get("auth").projectId, sessionId);
    if (found === null) throw new HttpError(404, "session_not_found", `No session ${JSON.stringify(sessionId)} in this project.`);
    return c.json(sessionToApi(found.session, found.traces));
  });

  app.delete("/api/public/sessions/:sessionId", auth, async (c) => {
    const sessionId = pathParam(c, "sessionId");
    const deletedTraces = await deps.store.deleteSession(c.get("auth").projectId, sessionId);
    if (deletedTraces === 0) throw new HttpError(404, "session_not_found", `No session ${JSON.stringify(sessionId)} in this project.`);
    return c.json({ message: "Session deleted successfully", deletedTraces });
  });

  app.get("/api/public/users", auth, async (c) => {
    const page = await deps.store.listUsers(c.get("auth").projectId, parseSessionQuery(QueryParams.fromUrl(c.req.url)));
    return c.json({ data: page.data.map(userToApi), meta: page.meta });
  });
}
