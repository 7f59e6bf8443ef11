import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchRetention, setRetention } from "../api/retention.js";

/** The project's retention setting. */
export function useRetention(projectId: string) {
  return useQuery({ queryKey: [projectId, "retention"], queryFn: ({ signal }) => fetchRetention(projectId, { signal }) });
}

/** Sets the project's retention (days, or null for the server default) and refreshes it. */
export function useSetRetention(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (retentionDays: number | null) => setRetention(projectId, retentionDays),
    onSuccess: () => client.invalidateQueries({ queryKey: [projectId, "retention"] }),
  });
}
