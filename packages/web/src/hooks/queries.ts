import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ObservationFilters, TraceFilters } from "../api/endpoints.js";
import {
  createApiKey,
  fetchApiKeys,
  fetchObservation,
  fetchObservations,
  fetchProjects,
  fetchSession,
  fetchSessions,
  fetchTraceTree,
  fetchTraces,
  fetchUiConfig,
  fetchUsers,
  revokeApiKey,
} from "../api/endpoints.js";
import type { MetricsQuery } from "../api/metrics.js";
import { fetchMetrics } from "../api/metrics.js";
import { useProject } from "./use-project.js";

// TanStack Query hooks: the only place server data is cached. Keys start with the project id, so
// switching projects never shows another project's cached rows.

/** How often the traces table refetches its first page while live updates are on. */
export const LIVE_REFRESH_MILLIS = 3000;

/** The server's UI configuration (auth mode, version, whether this browser is logged in). */
export function useUiConfig() {
  return useQuery({ queryKey: ["ui-config"], queryFn: ({ signal }) => fetchUiConfig({ signal }), staleTime: 60_000 });
}

/** Projects visible to this session. */
export function useProjects(enabled = true) {
  return useQuery({ queryKey: ["projects"], queryFn: ({ signal }) => fetchProjects({ signal }), enabled });
}

/** A page of traces; with `live`, refetched every {@link LIVE_REFRESH_MILLIS} while the tab is visible. */
export function useTraces(filters: TraceFilters, live = false) {
  const { projectId } = useProject();
  return useQuery({
    queryKey: [projectId, "traces", filters],
    queryFn: ({ signal }) => fetchTraces(filters, { projectId, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? LIVE_REFRESH_MILLIS : false,
  });
}

/** A trace's structure (no IO); cached for a while: a finished trace rarely changes. */
export function useTraceTree(traceId: string) {
  const { projectId } = useProject();
  return useQuery({
    queryKey: [projectId, "trace-tree", traceId],
    queryFn: ({ signal }) => fetchTraceTree(traceId, { projectId, signal }),
    staleTime: 10_000,
  });
}

/** One observation with IO, fetched when it is selected. */
export function useObservation(traceId: string, observationId: string | null) {
  const { projectId } = useProject();
  return useQuery({
    queryKey: [projectId, "observation", traceId, observationId],
    queryFn: ({ signal }) => fetchObservation(traceId, observationId ?? "", { projectId, signal }),
    enabled: observationId !== null,
    staleTime: 30_000,
  });
}

/** A page of observations across traces. */
export function useObservations(filters: ObservationFilters) {
  const { projectId } = useProject();
  return useQuery({
    queryKey: [projectId, "observations", filters],
    queryFn: ({ signal }) => fetchObservations(filters, { projectId, signal }),
    placeholderData: keepPreviousData,
  });
}

/** A page of sessions. */
export function useSessions(filters: { page?: number; limit?: number; userId?: string }) {
  const { projectId } = useProject();
  return useQuery({
    queryKey: [projectId, "sessions", filters],
    queryFn: ({ signal }) => fetchSessions(filters, { projectId, signal }),
    placeholderData: keepPreviousData,
  });
}

/** A session with its traces. */
export function useSession(sessionId: string) {
  const { projectId } = useProject();
  return useQuery({ queryKey: [projectId, "session", sessionId], queryFn: ({ signal }) => fetchSession(sessionId, { projectId, signal }) });
}

/** A page of users. */
export function useUsers(filters: { page?: number; limit?: number }) {
  const { projectId } = useProject();
  return useQuery({
    queryKey: [projectId, "users", filters],
    queryFn: ({ signal }) => fetchUsers(filters, { projectId, signal }),
    placeholderData: keepPreviousData,
  });
}

/** The project's API keys. */
export function useApiKeys(projectId: string) {
  return useQuery({ queryKey: [projectId, "keys"], queryFn: ({ signal }) => fetchApiKeys(projectId, { signal }) });
}

/** Creates a key and refreshes the list. */
export function useCreateApiKey(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (note: string) => createApiKey(projectId, note),
    onSuccess: () => client.invalidateQueries({ queryKey: [projectId, "keys"] }),
  });
}

/** Revokes a key and refreshes the list. */
export function useRevokeApiKey(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => revokeApiKey(projectId, keyId),
    onSuccess: () => client.invalidateQueries({ queryKey: [projectId, "keys"] }),
  });
}

/** A metrics query (dashboard); the previous result stays on screen while a new range loads. */
export function useMetrics(query: MetricsQuery) {
  const { projectId } = useProject();
  return useQuery({
    queryKey: [projectId, "metrics", query],
    queryFn: ({ signal }) => fetchMetrics(query, { projectId, signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
