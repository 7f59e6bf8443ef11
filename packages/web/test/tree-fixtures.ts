import type { TraceTreeColumns } from "../src/model/tree-columns.js";

/** One observation of a test structure. */
export interface Node {
  id: string;
  parent?: string | null;
  start?: number;
  end?: number | null;
  name?: string;
  type?: string;
  level?: string;
  model?: string | null;
}

/** Column arrays from a list of nodes (the shape the server's /tree endpoint sends). */
export function columnsOf(nodes: readonly Node[]): TraceTreeColumns {
  return {
    traceId: "t1",
    baseUnixNano: "1700000000000000000",
    ids: nodes.map((n) => n.id),
    parentIds: nodes.map((n) => n.parent ?? null),
    names: nodes.map((n) => n.name ?? n.id),
    types: nodes.map((n) => n.type ?? "SPAN"),
    levels: nodes.map((n) => n.level ?? "DEFAULT"),
    startOffsetNs: nodes.map((n) => n.start ?? 0),
    endOffsetNs: nodes.map((n) => (n.end === undefined ? (n.start ?? 0) + 10 : n.end)),
    totalTokens: nodes.map(() => 0),
    totalCost: nodes.map(() => 0),
    models: nodes.map((n) => n.model ?? null),
  };
}

/** A chain of `n` observations, each the child of the previous one. */
export function chainColumns(n: number): TraceTreeColumns {
  const ids = Array.from({ length: n }, (_, i) => `n${i}`);
  return {
    traceId: "chain",
    baseUnixNano: "0",
    ids,
    parentIds: ids.map((_, i) => (i === 0 ? null : `n${i - 1}`)),
    names: ids,
    types: ids.map(() => "SPAN"),
    levels: ids.map(() => "DEFAULT"),
    startOffsetNs: ids.map((_, i) => i),
    endOffsetNs: ids.map(() => 2 * n),
    totalTokens: ids.map(() => 1),
    totalCost: ids.map(() => 0),
    models: ids.map(() => null),
  };
}
