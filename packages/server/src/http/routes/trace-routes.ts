import { OBSERVATION_LEVELS } from "@sightline/core";
import type { StoredObservation } from "../../storage/records.js";
import type { TraceQuery, TraceStore } from "../../storage/trace-store.js";
import type { RouteDeps, SightlineApp } from "../app-env.js";
import { traceToApi } from "../api-shapes.js";
import { HttpError } from "../http-error.js";
import { QueryParams, pathParam } from "../query-params.js";
import { requireAuth } from "../require-auth.js";

/** Fields `orderBy` accepts on the trace list. */
export const TRACE_ORDER_FIELDS = ["timestamp", "name", "latency", "totalCost", "totalTokens", "observationCount"] as const;
/** Field groups of Langfuse's `fields` parameter. */
const FIELD_GROUPS = ["core", "io", "scores", "observations", "metrics"] as const;

/** Lowercases hex ids (the store keeps them lowercase); other ids stay as they are. */
export function normalizeIdParam(id: string): string {
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : id;
}

function parseFields(q: QueryParams): Set<string> {
  const raw = q.string("fields");
  if (raw === undefined) return new Set(FIELD_GROUPS);
  const fields = new Set(raw.split(",").map((f) => f.trim()).filter((f) => f !== ""));
  for (const f of fields) {
    if (!(FIELD_GROUPS as readonly string[]).includes(f)) {
      throw new HttpError(400, "invalid_query", `fields contains ${JSON.stringify(f)}; use a comma-separated list of ${FIELD_GROUPS.join(", ")}.`);
    }
  }
  return fields;
}

/** Parses the trace list's query string (Langfuse's parameters plus `search`). */
export function parseTraceQuery(q: QueryParams): TraceQuery {
  const fromStartTimeNs = q.timestampNs("fromTimestamp");
  const toStartTimeNs = q.timestampNs("toTimestamp");
  QueryParams.checkRange("fromTimestamp", fromStartTimeNs, "toTimestamp", toStartTimeNs);
  return {
    ...q.paging(),
    userId: q.string("userId"),
    sessionId: q.string("sessionId"),
    name: q.string("name"),
    tags: q.strings("tags"),
    environment: q.strings("environment"),
    level: q.oneOf("level", OBSERVATION_LEVELS),
    fromStartTimeNs,
    toStartTimeNs,
    search: q.string("search"),
    orderBy: q.orderBy(TRACE_ORDER_FIELDS),
  };
}

async function observationIds(store: TraceStore, projectId: string, traceIds: string[]): Promise<Map<string, string[]>> {
  if (store.listObservationIds !== undefined) return store.listObservationIds(projectId, traceIds);
  const ids = new Map<string, string[]>();
  for (const traceId of traceIds) {
    ids.set(traceId, (await store.getTraceObservations(projectId, traceId)).map((o: StoredObservation) => o.id));
  }
  return ids;
}

/**
 * `GET /api/public/traces`, `GET /api/public/traces/{id}` (with every observation) and
 * `DELETE /api/public/traces/{id}` (Langfuse's shape: 200 with a message, 404 when unknown).
 */
export function registerTraceRoutes(app: SightlineApp, deps: RouteDeps): void {
  const auth = requireAuth(deps.authenticator);

  app.get("/api/public/traces", auth, async (c) => {
    const q = QueryParams.fromUrl(c.req.url);
    const query = parseTraceQuery(q);
    const fields = parseFields(q);
    const { projectId } = c.get("auth");
    const page = await deps.store.listTraces(projectId, query);
    const ids = fields.has("observations")
      ? await observationIds(deps.store, projectId, page.data.map((t) => t.id))
      : undefined;
    return c.json({
      data: page.data.map((t) => traceToApi(t, ids === undefined ? undefined : (ids.get(t.id) ?? []), { io: fields.has("io") })),
      meta: page.meta,
    });
  });

  app.get("/api/public/traces/:traceId", auth, async (c) => {
    const { projectId } = c.get("auth");
    const traceId = normalizeIdParam(pathParam(c, "traceId"));
    const trace = await deps.store.getTrace(projectId, traceId);
    if (trace === null) throw new HttpError(404, "trace_not_found", `No trace ${JSON.stringify(traceId)} in this project.`);
    return c.json(traceToApi(trace, await deps.store.getTraceObservations(projectId, traceId)));
  });

  app.delete("/api/public/traces/:traceId", auth, async (c) => {
    const traceId = normalizeIdParam(pathParam(c, "traceId"));
    const deleted = await deps.store.deleteTrace(c.get("auth").projectId, traceId);
    if (!deleted) throw new HttpError(404, "trace_not_found", `No trace ${JSON.stringify(traceId)} in this project.`);
    return c.json({ message: "Trace deleted successfully" });
  });
}
