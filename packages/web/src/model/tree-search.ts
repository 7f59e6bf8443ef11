import type { TraceTree } from "./trace-tree.js";

/**
 * Nodes whose name, type, model, level or id contains `query` (case-insensitive), in pre-order
 * (the order the tree shows them). O(n) over the structure; inputs and outputs are not loaded for
 * huge traces, so the server's full-text search covers those.
 */
export function searchTree(tree: TraceTree, query: string): number[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  const { names, types, models, ids, levels } = tree.columns;
  const matches: number[] = [];
  for (let p = 0; p < tree.size; p++) {
    const i = tree.order[p] ?? 0;
    if (
      (names[i] ?? "").toLowerCase().includes(q) ||
      (types[i] ?? "").toLowerCase() === q ||
      (models[i] ?? "").toLowerCase().includes(q) ||
      (levels[i] ?? "").toLowerCase() === q ||
      (ids[i] ?? "").startsWith(q)
    ) {
      matches.push(i);
    }
  }
  return matches;
}
