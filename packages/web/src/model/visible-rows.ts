import type { TraceTree } from "./trace-tree.js";
import { ancestorsOf } from "./trace-tree.js";

/**
 * The rows of the tree view: pre-order, skipping the subtrees of collapsed nodes
 * (`collapsed[node] === 1`). O(visible rows), no recursion: a collapsed subtree is skipped in one
 * step thanks to `subtreeSize`.
 */
export function visibleRows(tree: TraceTree, collapsed: Uint8Array): Int32Array {
  const rows = new Int32Array(tree.size);
  let n = 0;
  let p = 0;
  while (p < tree.size) {
    const node = tree.order[p] ?? 0;
    rows[n++] = node;
    p += collapsed[node] === 1 ? (tree.subtreeSize[node] ?? 1) : 1;
  }
  return rows.subarray(0, n);
}

/** A collapse state with every node expanded. */
export function allExpanded(tree: TraceTree): Uint8Array {
  return new Uint8Array(tree.size);
}

/**
 * A collapse state for a first view: nodes deeper than `maxDepth` with children start collapsed
 * when the tree is large, so a 100,000-observation trace opens on its outline.
 */
export function initialCollapse(tree: TraceTree, options: { expandAllBelow: number; maxDepth: number }): Uint8Array {
  const collapsed = new Uint8Array(tree.size);
  if (tree.size <= options.expandAllBelow) return collapsed;
  for (let i = 0; i < tree.size; i++) {
    if ((tree.childCount[i] ?? 0) > 0 && (tree.depth[i] ?? 0) >= options.maxDepth) collapsed[i] = 1;
  }
  return collapsed;
}

/** A copy of `collapsed` with every ancestor of `node` expanded, so that `node` is visible. */
export function revealNode(tree: TraceTree, collapsed: Uint8Array, node: number): Uint8Array {
  const ancestors = ancestorsOf(tree, node);
  if (ancestors.every((a) => collapsed[a] !== 1)) return collapsed;
  const next = collapsed.slice();
  for (const a of ancestors) next[a] = 0;
  return next;
}

/** The row index of a node among `rows`, or -1. O(rows); call once per selection change. */
export function rowOf(rows: Int32Array, node: number): number {
  return rows.indexOf(node);
}
