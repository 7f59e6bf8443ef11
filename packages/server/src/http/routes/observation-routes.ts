import { OBSERVATION_LEVELS, OBSERVATION_TYPES } from "@sightline/core";
import type { ObservationTypeName } from "../../storage/records.js";
import type { ObservationQuery } from "../../storage/trace-store.js";
import type { RouteDeps, SightlineApp } from "../app-env.js";
import { observationToApi } from "../api-shapes.js";
import { HttpError } from "../http-error.js";
import { QueryParams, pathParam } from "../query-params.js";
import { requireAuth } from "../require-auth.js";
import { normalizeIdParam } from "./trace-routes.js";

const TYPE_NAMES = OBSERVATION_TYPES.map((t) => t.toUpperCase() as ObservationTypeName);

/** Parses the observation list's query string (Langfuse's parameters). */
export function parseObservationQuery(q: QueryParams): ObservationQuery {
  const fromStartTimeNs = q.timestampNs("fromStartTime");
  const toStartTimeNs = q.timestampNs("toStartTime");
  QueryParams.checkRange("fromStartTime", fromStartTimeNs, "toStartTime", toStartTimeNs);
  const traceId = q.string("traceId");
  const parentObservationId = q.string("parentObservationId");
  return {
    ...q.paging(),
    traceId: traceId === undefined ? undefined : normalizeIdParam(traceId),
    type: q.oneOf("type", TYPE_NAMES),
    name: q.string("name"),
    userId: q.string("userId"),
    sessionId: q.string("sessionId"),
    level: q.oneOf("level", OBSERVATION_LEVELS),
    parentObservationId: parentObservationId === undefined ? undefined : normalizeIdParam(parentObservationId),
    environment: q.strings("environment"),
    fromStartTimeNs,
    toStartTimeNs,
  };
}

/** `GET /api/public/observations` and `GET /api/public/observations/{id}`. */
export function registerObservationRoutes(app: SightlineApp, deps: RouteDeps): void {
  const auth = requireAuth(deps.authenticator);

  app.get("/api/public/observations", auth, async (c) => {
    const query = parseObservationQuery(QueryParams.fromUrl(c.req.url));
    const page = await deps.store.listObservations(c.get("auth").projectId, query);
    return c.json({ data: page.data.map(observationToApi), meta: page.meta });
  });

  app.get("/api/public/observations/:observationId", auth, async (c) => {
    const id = normalizeIdParam(pathParam(c, "observationId"));
    const observation = await deps.store.getObservation(c.get("auth").projectId, id);
    if (observation === null) {
      throw new HttpError(404, "observation_not_found", `No observation ${JSON.stringify(id)} in this project.`);
    }
    return c.json(observationToApi(observation));
  });
}
