import type { RequestOptions } from "./client.js";
import { queryString, request } from "./client.js";
import { json, object } from "./schema.js";
import type { ApiKey, CreatedApiKey, Observation, ObservationPage, Project, SessionDetail, TracePage, TraceTreeResponse, UiConfig, UserSummary } from "./shapes.js";
import {
  apiKeyList,
  createdApiKey,
  observation,
  observationPage,
  projectList,
  sessionDetail,
  sessionPage,
  tracePage,
  traceTree,
  uiConfig,
  userPage,
} from "./shapes.js";

// One function per endpoint the UI calls. Filters are plain objects; the caller (hooks) owns caching.

/** Filters of the traces table (all optional). Times are ISO 8601. */
export interface TraceFilters {
  page?: number;
  limit?: number;
  userId?: string;
  sessionId?: string;
  name?: string;
  tags?: readonly string[];
  environment?: readonly string[];
  /** The trace's worst level. */
  level?: string;
  fromTimestamp?: string;
  toTimestamp?: string;
  /** `field.asc|desc`. */
  orderBy?: string;
  search?: string;
}

/** Filters of the observations table. */
export interface ObservationFilters {
  page?: number;
  limit?: number;
  traceId?: string;
  type?: string;
  name?: string;
  userId?: string;
  level?: string;
  environment?: readonly string[];
  fromStartTime?: string;
  toStartTime?: string;
}

type Ctx = Pick<RequestOptions, "projectId" | "signal">;

/** How the UI authenticates and what version the server is. */
export function fetchUiConfig(ctx: Ctx = {}): Promise<UiConfig> {
  return request("/api/ui/config", uiConfig, ctx);
}

/** Logs in with the admin password; the server sets the session cookie. */
export async function login(password: string): Promise<void> {
  await request("/api/ui/login", json, { method: "POST", body: { password } });
}

/** Ends the session. */
export async function logout(): Promise<void> {
  await request("/api/ui/logout", json, { method: "POST", body: {} });
}

/** Projects the session may see. */
export async function fetchProjects(ctx: Ctx = {}): Promise<Project[]> {
  return (await request("/api/ui/projects", projectList, ctx)).data;
}

/** A page of traces. */
export function fetchTraces(filters: TraceFilters, ctx: Ctx): Promise<TracePage> {
  return request(`/api/public/traces${queryString({ ...filters, fields: "core,io" })}`, tracePage, ctx);
}

/** A trace's summary and its observation structure (no IO). */
export function fetchTraceTree(traceId: string, ctx: Ctx): Promise<TraceTreeResponse> {
  return request(`/api/ui/traces/${encodeURIComponent(traceId)}/tree`, traceTree, ctx);
}

/** One observation with its input, output and metadata. */
export function fetchObservation(traceId: string, observationId: string, ctx: Ctx): Promise<Observation> {
  return request(`/api/ui/traces/${encodeURIComponent(traceId)}/observations/${encodeURIComponent(observationId)}`, observation, ctx);
}

/** A page of observations across traces. */
export function fetchObservations(filters: ObservationFilters, ctx: Ctx): Promise<ObservationPage> {
  return request(`/api/public/observations${queryString({ ...filters })}`, observationPage, ctx);
}

/** A page of sessions. */
export function fetchSessions(filters: { page?: number; limit?: number; userId?: string }, ctx: Ctx) {
  return request(`/api/public/sessions${queryString(filters)}`, sessionPage, ctx);
}

/** A session with its traces. */
export function fetchSession(sessionId: string, ctx: Ctx): Promise<SessionDetail> {
  return request(`/api/public/sessions/${encodeURIComponent(sessionId)}`, sessionDetail, ctx);
}

/** A page of users. */
export async function fetchUsers(filters: { page?: number; limit?: number }, ctx: Ctx): Promise<{ data: UserSummary[]; meta: { page: number; totalPages: number; totalItems: number; limit: number } }> {
  return request(`/api/public/users${queryString(filters)}`, userPage, ctx);
}

/** The project's API keys. */
export async function fetchApiKeys(projectId: string, ctx: Ctx = {}): Promise<ApiKey[]> {
  return (await request(`/api/ui/projects/${encodeURIComponent(projectId)}/keys`, apiKeyList, ctx)).data;
}

/** Creates a key; the secret in the result is shown once and never again. */
export function createApiKey(projectId: string, note: string): Promise<CreatedApiKey> {
  return request(`/api/ui/projects/${encodeURIComponent(projectId)}/keys`, createdApiKey, { method: "POST", body: { note } });
}

/** Revokes a key. */
export async function revokeApiKey(projectId: string, keyId: string): Promise<void> {
  await request(`/api/ui/projects/${encodeURIComponent(projectId)}/keys/${encodeURIComponent(keyId)}`, object({}), { method: "DELETE" });
}
