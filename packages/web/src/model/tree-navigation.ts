import type { TraceTree } from "./trace-tree.js";

/** A key the tree view handles. */
export type TreeKey = "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Enter" | "Home" | "End" | "PageUp" | "PageDown";

/** What a key press does: select another node and/or toggle one node's collapse state. */
export interface TreeMove {
  readonly select: number;
  /** Node to expand (`false`) or collapse (`true`), if any. */
  readonly collapse?: { readonly node: number; readonly collapsed: boolean };
}

/** Keys the tree handles (others fall through to the page). */
export function isTreeKey(key: string): key is TreeKey {
  return ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Enter", "Home", "End", "PageUp", "PageDown"].includes(key);
}

/**
 * The tree view's keyboard model (as in file trees): up/down move through visible rows,
 * right expands a collapsed node or steps into its first child, left collapses an expanded node or
 * steps to its parent, Enter toggles. Pure: the caller applies the move.
 */
export function treeKeyMove(
  tree: TraceTree,
  rows: Int32Array,
  collapsed: Uint8Array,
  selected: number,
  key: TreeKey,
  pageRows = 20,
): TreeMove | null {
  if (rows.length === 0) return null;
  const row = selected < 0 ? -1 : rows.indexOf(selected);
  const at = (r: number): number => rows[Math.max(0, Math.min(rows.length - 1, r))] ?? 0;
  if (row === -1) return { select: at(0) };
  const hasChildren = (tree.childCount[selected] ?? 0) > 0;
  const isCollapsed = collapsed[selected] === 1;
  switch (key) {
    case "ArrowDown":
      return { select: at(row + 1) };
    case "ArrowUp":
      return { select: at(row - 1) };
    case "PageDown":
      return { select: at(row + pageRows) };
    case "PageUp":
      return { select: at(row - pageRows) };
    case "Home":
      return { select: at(0) };
    case "End":
      return { select: at(rows.length - 1) };
    case "ArrowRight":
      if (!hasChildren) return { select: selected };
      if (isCollapsed) return { select: selected, collapse: { node: selected, collapsed: false } };
      return { select: at(row + 1) };
    case "ArrowLeft": {
      if (hasChildren && !isCollapsed) return { select: selected, collapse: { node: selected, collapsed: true } };
      const parent = tree.parent[selected] ?? -1;
      return { select: parent === -1 ? selected : parent };
    }
    case "Enter":
      return hasChildren ? { select: selected, collapse: { node: selected, collapsed: !isCollapsed } } : { select: selected };
  }
}
