import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MIN_BAR_FRACTION, timeTicks, timelineBar } from "../src/model/timeline.js";
import { buildTraceTree } from "../src/model/trace-tree.js";
import { treeKeyMove } from "../src/model/tree-navigation.js";
import { searchTree } from "../src/model/tree-search.js";
import { visibleRows } from "../src/model/visible-rows.js";
import { columnsOf } from "./tree-fixtures.js";

const tree = buildTraceTree(
  columnsOf([
    { id: "root", start: 0, end: 1000, name: "agent run" },
    { id: "llm", parent: "root", start: 100, end: 600, type: "GENERATION", name: "chat", model: "gpt-4o" },
    { id: "tool", parent: "llm", start: 200, end: 300, type: "TOOL", name: "search_web" },
    { id: "evt", parent: "root", start: 700, end: 700, type: "EVENT", name: "done" },
    { id: "open", parent: "root", start: 800, end: null, name: "still running" },
  ]),
);
const node = (id: string): number => tree.indexById.get(id) ?? -1;

describe("timelineBar", () => {
  it("places bars as fractions of the trace's extent", () => {
    const bar = timelineBar(tree, node("llm"));
    assert.equal(bar.left, 0.1);
    assert.equal(bar.width, 0.5);
  });

  it("keeps instant events visible with a minimum width", () => {
    const bar = timelineBar(tree, node("evt"));
    assert.equal(bar.instant, true);
    assert.equal(bar.width, MIN_BAR_FRACTION);
  });

  it("draws observations without an end up to the trace's end", () => {
    const bar = timelineBar(tree, node("open"));
    assert.equal(bar.open, true);
    assert.ok(Math.abs(bar.left + bar.width - 1) < 1e-9);
  });
});

describe("timeTicks", () => {
  it("uses round steps across the duration", () => {
    const ticks = timeTicks(1_000_000_000, 5);
    assert.deepEqual(
      ticks.map((t) => t.offsetNs),
      [0, 200_000_000, 400_000_000, 600_000_000, 800_000_000, 1_000_000_000],
    );
  });

  it("returns a single tick for an empty duration", () => {
    assert.deepEqual(timeTicks(0), [{ at: 0, offsetNs: 0 }]);
  });
});

describe("treeKeyMove", () => {
  const none = new Uint8Array(tree.size);
  const rows = visibleRows(tree, none);

  it("moves down and up through visible rows", () => {
    assert.equal(treeKeyMove(tree, rows, none, node("root"), "ArrowDown")?.select, node("llm"));
    assert.equal(treeKeyMove(tree, rows, none, node("llm"), "ArrowUp")?.select, node("root"));
    assert.equal(treeKeyMove(tree, rows, none, node("root"), "ArrowUp")?.select, node("root"));
  });

  it("collapses an expanded node on left, then steps to the parent", () => {
    assert.deepEqual(treeKeyMove(tree, rows, none, node("llm"), "ArrowLeft"), {
      select: node("llm"),
      collapse: { node: node("llm"), collapsed: true },
    });
    assert.equal(treeKeyMove(tree, rows, none, node("tool"), "ArrowLeft")?.select, node("llm"));
  });

  it("expands a collapsed node on right, then steps into its first child", () => {
    const collapsed = new Uint8Array(tree.size);
    collapsed[node("llm")] = 1;
    const shown = visibleRows(tree, collapsed);
    assert.deepEqual(treeKeyMove(tree, shown, collapsed, node("llm"), "ArrowRight")?.collapse, { node: node("llm"), collapsed: false });
    assert.equal(treeKeyMove(tree, rows, none, node("llm"), "ArrowRight")?.select, node("tool"));
  });

  it("toggles with Enter and selects the first row when nothing is selected", () => {
    assert.deepEqual(treeKeyMove(tree, rows, none, node("root"), "Enter")?.collapse, { node: node("root"), collapsed: true });
    assert.equal(treeKeyMove(tree, rows, none, -1, "ArrowDown")?.select, node("root"));
  });
});

describe("searchTree", () => {
  it("finds nodes by name, type and model in tree order", () => {
    assert.deepEqual(searchTree(tree, "SEARCH"), [node("tool")]);
    assert.deepEqual(searchTree(tree, "generation"), [node("llm")]);
    assert.deepEqual(searchTree(tree, "gpt-4"), [node("llm")]);
    assert.deepEqual(searchTree(tree, "  "), []);
  });
});
