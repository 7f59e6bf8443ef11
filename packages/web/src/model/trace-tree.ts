import type { TraceTreeColumns } from "./tree-columns.js";

/**
 * A trace's observation tree in flat typed arrays, built in O(n log n) (one sort by start time)
 * without recursion, so a 100,000-deep chain cannot overflow the stack. Node i is observation i of
 * the columns. Children are ordered by start time; `order` is the pre-order (the rows of the fully
 * expanded tree), and a node's subtree is `order[position[i] .. position[i] + subtreeSize[i])`.
 */
export interface TraceTree {
  readonly columns: TraceTreeColumns;
  readonly size: number;
  /** Parent node, -1 for roots (including orphans whose parent was never exported). */
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  readonly childCount: Int32Array;
  /** Pre-order position → node. */
  readonly order: Int32Array;
  /** Node → pre-order position. */
  readonly position: Int32Array;
  /** Nodes in the subtree, the node included. */
  readonly subtreeSize: Int32Array;
  /** Root nodes, by start time. */
  readonly roots: readonly number[];
  /** Nodes shown as roots although they name a parent (never exported, or part of a cycle). */
  readonly orphanCount: number;
  /** Earliest start and latest end (offsets in ns), the timeline's extent. */
  readonly minStartNs: number;
  readonly maxEndNs: number;
  readonly maxDepth: number;
  /** Node of an observation id. */
  readonly indexById: ReadonlyMap<string, number>;
}

/** Node indices sorted by start time, ties by index (stable, deterministic for any input order). */
function byStartTime(columns: TraceTreeColumns, n: number): Int32Array {
  const sorted = new Int32Array(n);
  for (let i = 0; i < n; i++) sorted[i] = i;
  const start = columns.startOffsetNs;
  sorted.sort((a, b) => (start[a] ?? 0) - (start[b] ?? 0) || a - b);
  return sorted;
}

/** Parent indices from parent ids; unknown parents, self-parents and cycles become -1. */
function resolveParents(columns: TraceTreeColumns, n: number, indexById: Map<string, number>): { parent: Int32Array; orphans: number } {
  const parent = new Int32Array(n).fill(-1);
  let orphans = 0;
  for (let i = 0; i < n; i++) {
    const pid = columns.parentIds[i];
    if (pid === null || pid === undefined || pid === "") continue;
    const p = indexById.get(pid);
    if (p === undefined || p === i) orphans++;
    else parent[i] = p;
  }
  // Break cycles: walk up from each node, marking the current path (1) and settled nodes (2).
  const state = new Uint8Array(n);
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    let node = i;
    while (node !== -1 && state[node] === 0) {
      state[node] = 1;
      path.push(node);
      const p = parent[node] ?? -1;
      if (p !== -1 && state[p] === 1) {
        parent[node] = -1; // node closes a cycle: make it a root
        orphans++;
        break;
      }
      node = p;
    }
    for (const visited of path) state[visited] = 2;
    path.length = 0;
  }
  return { parent, orphans };
}

/**
 * Builds the tree from column arrays. Observations whose parent is missing become roots (a parent
 * that was never exported must not hide its children); input order does not matter; duplicate ids
 * keep the first occurrence as the target of children.
 *
 * @example
 * const tree = buildTraceTree(columns);
 * const rows = visibleRows(tree, new Uint8Array(tree.size)); // fully expanded
 */
export function buildTraceTree(columns: TraceTreeColumns): TraceTree {
  const n = columns.ids.length;
  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = columns.ids[i] ?? "";
    if (!indexById.has(id)) indexById.set(id, i);
  }
  const { parent, orphans } = resolveParents(columns, n, indexById);

  const sorted = byStartTime(columns, n);
  const firstChild = new Int32Array(n).fill(-1);
  const lastChild = new Int32Array(n).fill(-1);
  const nextSibling = new Int32Array(n).fill(-1);
  const childCount = new Int32Array(n);
  const roots: number[] = [];
  for (let k = 0; k < n; k++) {
    const node = sorted[k] ?? 0;
    const p = parent[node] ?? -1;
    if (p === -1) {
      roots.push(node);
      continue;
    }
    childCount[p] = (childCount[p] ?? 0) + 1;
    const last = lastChild[p] ?? -1;
    if (last === -1) firstChild[p] = node;
    else nextSibling[last] = node;
    lastChild[p] = node;
  }

  // Iterative pre-order walk along firstChild / nextSibling / parent links.
  const order = new Int32Array(n);
  const position = new Int32Array(n);
  const subtreeSize = new Int32Array(n);
  const depth = new Int32Array(n);
  let pos = 0;
  let maxDepth = 0;
  for (const root of roots) {
    let node = root;
    depth[root] = 0;
    for (;;) {
      position[node] = pos;
      order[pos++] = node;
      const d = depth[node] ?? 0;
      if (d > maxDepth) maxDepth = d;
      const child = firstChild[node] ?? -1;
      if (child !== -1) {
        depth[child] = d + 1;
        node = child;
        continue;
      }
      // Leaf: close finished subtrees upwards until a next sibling is found.
      let next = -1;
      for (;;) {
        subtreeSize[node] = pos - (position[node] ?? 0);
        if (node === root) break;
        const sibling = nextSibling[node] ?? -1;
        if (sibling !== -1) {
          depth[sibling] = depth[node] ?? 0;
          next = sibling;
          break;
        }
        node = parent[node] ?? root;
      }
      if (next === -1) break;
      node = next;
    }
  }

  let minStartNs = Number.POSITIVE_INFINITY;
  let maxEndNs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const start = columns.startOffsetNs[i] ?? 0;
    const end = columns.endOffsetNs[i] ?? start;
    if (start < minStartNs) minStartNs = start;
    if (end > maxEndNs) maxEndNs = end;
    if (start > maxEndNs) maxEndNs = start;
  }
  if (n === 0) {
    minStartNs = 0;
    maxEndNs = 0;
  }

  return {
    columns,
    size: n,
    parent,
    depth,
    childCount,
    order,
    position,
    subtreeSize,
    roots,
    orphanCount: orphans,
    minStartNs,
    maxEndNs,
    maxDepth,
    indexById,
  };
}

/** The ancestors of a node, nearest first. */
export function ancestorsOf(tree: TraceTree, node: number): number[] {
  const result: number[] = [];
  let p = tree.parent[node] ?? -1;
  while (p !== -1) {
    result.push(p);
    p = tree.parent[p] ?? -1;
  }
  return result;
}
