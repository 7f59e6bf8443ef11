import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createModelPrice, deleteModelPrice, fetchModelPrices, recomputeCosts } from "../api/model-prices.js";
import type { NewModelPrice } from "../api/model-prices.js";

const key = (projectId: string) => [projectId, "model-prices"];

/** The project's custom model prices. */
export function useModelPrices(projectId: string) {
  return useQuery({ queryKey: key(projectId), queryFn: ({ signal }) => fetchModelPrices(projectId, { signal }) });
}

/** Adds a custom price and refreshes the list. */
export function useCreateModelPrice(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (price: NewModelPrice) => createModelPrice(projectId, price),
    onSuccess: () => client.invalidateQueries({ queryKey: key(projectId) }),
  });
}

/** Deletes a custom price and refreshes the list. */
export function useDeleteModelPrice(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteModelPrice(projectId, id),
    onSuccess: () => client.invalidateQueries({ queryKey: key(projectId) }),
  });
}

/** Recomputes computed costs; every cached trace, observation and listing of the project is refetched. */
export function useRecomputeCosts(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (model: string | null) => recomputeCosts(projectId, model),
    onSuccess: () => client.invalidateQueries({ queryKey: [projectId] }),
  });
}
