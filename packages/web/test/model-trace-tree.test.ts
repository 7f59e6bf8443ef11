import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ancestorsOf, buildTraceTree } from "../src/model/trace-tree.js";
import { initialCollapse, revealNode, visibleRows } from "../src/model/visible-rows.js";
import { chainColumns, columnsOf } from "./tree-fixtures.js";

const idsOf = (tree: ReturnType<typeof buildTraceTree>, nodes: Iterable<number>): string[] =>
  [...nodes].map((i) => tree.columns.ids[i] ?? "?");

describe("buildTraceTree", () => {
  it("orders children by start time and lists the tree in pre-order", () => {
    const tree = buildTraceTree(
      columnsOf([
        { id: "root", start: 0, end: 100 },
        { id: "b", parent: "root", start: 50 },
        { id: "a", parent: "root", start: 10 },
        { id: "a1", parent: "a", start: 20 },
      ]),
    );
    assert.deepEqual(idsOf(tree, tree.order), ["root", "a", "a1", "b"]);
    assert.deepEqual([...tree.depth], [0, 1, 1, 2]);
    assert.equal(tree.subtreeSize[0], 4);
    assert.equal(tree.childCount[0], 2);
  });

  it("builds the same tree whatever order the observations arrive in", () => {
    const nodes = [
      { id: "root", start: 0 },
      { id: "x", parent: "root", start: 5 },
      { id: "y", parent: "x", start: 6 },
      { id: "z", parent: "root", start: 7 },
    ];
    const forward = buildTraceTree(columnsOf(nodes));
    const reversed = buildTraceTree(columnsOf([...nodes].reverse()));
    assert.deepEqual(idsOf(forward, forward.order), idsOf(reversed, reversed.order));
  });

  it("shows observations whose parent was never exported as roots and counts them", () => {
    const tree = buildTraceTree(
      columnsOf([
        { id: "root", start: 0 },
        { id: "orphan", parent: "never-sent", start: 5 },
        { id: "child", parent: "orphan", start: 6 },
      ]),
    );
    assert.deepEqual(idsOf(tree, tree.roots), ["root", "orphan"]);
    assert.equal(tree.orphanCount, 1);
    assert.equal(tree.depth[tree.indexById.get("child") ?? -1], 1);
  });

  it("breaks parent cycles instead of losing their observations", () => {
    const tree = buildTraceTree(
      columnsOf([
        { id: "a", parent: "b", start: 0 },
        { id: "b", parent: "a", start: 1 },
        { id: "self", parent: "self", start: 2 },
      ]),
    );
    assert.equal(tree.order.length, 3);
    assert.equal(new Set(tree.order).size, 3);
    assert.equal(tree.roots.length, 2);
  });

  it("handles a chain 100,000 deep without overflowing the stack", () => {
    const tree = buildTraceTree(chainColumns(100_000));
    assert.equal(tree.maxDepth, 99_999);
    assert.equal(tree.subtreeSize[0], 100_000);
    assert.equal(ancestorsOf(tree, 99_999).length, 99_999);
    const collapsed = new Uint8Array(tree.size);
    collapsed[50_000] = 1;
    assert.equal(visibleRows(tree, collapsed).length, 50_001);
  });

  it("builds a 100,000-observation tree in well under a second", () => {
    const n = 100_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `o${i}`, parent: i === 0 ? null : `o${Math.floor((i - 1) / 8)}`, start: i }));
    const columns = columnsOf(nodes);
    const t0 = performance.now();
    const tree = buildTraceTree(columns);
    const rows = visibleRows(tree, new Uint8Array(tree.size));
    const ms = performance.now() - t0;
    assert.equal(rows.length, n);
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });
});

describe("visibleRows", () => {
  const tree = buildTraceTree(
    columnsOf([
      { id: "root", start: 0 },
      { id: "a", parent: "root", start: 1 },
      { id: "a1", parent: "a", start: 2 },
      { id: "a2", parent: "a", start: 3 },
      { id: "b", parent: "root", start: 4 },
    ]),
  );

  it("skips the subtree of a collapsed node", () => {
    const collapsed = new Uint8Array(tree.size);
    collapsed[tree.indexById.get("a") ?? -1] = 1;
    assert.deepEqual(idsOf(tree, visibleRows(tree, collapsed)), ["root", "a", "b"]);
  });

  it("reveals a hidden node by expanding its ancestors only", () => {
    const collapsed = new Uint8Array(tree.size);
    collapsed[tree.indexById.get("root") ?? -1] = 1;
    collapsed[tree.indexById.get("a") ?? -1] = 1;
    const revealed = revealNode(tree, collapsed, tree.indexById.get("a2") ?? -1);
    assert.deepEqual(idsOf(tree, visibleRows(tree, revealed)), ["root", "a", "a1", "a2", "b"]);
    assert.equal(collapsed[tree.indexById.get("a") ?? -1], 1, "the input is not modified");
  });

  it("collapses deep levels of large trees only", () => {
    assert.equal(initialCollapse(tree, { expandAllBelow: 10, maxDepth: 1 }).reduce((s, v) => s + v, 0), 0);
    const big = initialCollapse(tree, { expandAllBelow: 2, maxDepth: 1 });
    assert.deepEqual(idsOf(tree, visibleRows(tree, big)), ["root", "a", "b"]);
  });
});
