import { useVirtualizer } from "@tanstack/react-virtual";
import type { KeyboardEvent } from "react";
import { useEffect, useRef } from "react";
import { formatCost, formatDurationNs, formatTokens } from "../model/format.js";
import { observationKind } from "../model/observation-kind.js";
import { timeTicks, timelineBar } from "../model/timeline.js";
import type { TraceTree } from "../model/trace-tree.js";
import type { TreeKey } from "../model/tree-navigation.js";
import { isTreeKey } from "../model/tree-navigation.js";
import { TypeGlyph } from "./Badges.js";

/** Props of {@link TraceTreeView}. */
export interface TraceTreeViewProps {
  readonly tree: TraceTree;
  readonly rows: Int32Array;
  readonly collapsed: Uint8Array;
  readonly selected: number;
  readonly matches: ReadonlySet<number>;
  readonly onSelect: (node: number) => void;
  readonly onToggle: (node: number) => void;
  readonly onKey: (key: TreeKey) => void;
}

const ROW_HEIGHT = 30;
const INDENT_PX = 14;
/** Deeper levels stop indenting (a 100,000-deep chain would be off screen) and show their depth. */
const MAX_INDENT_LEVELS = 24;

/**
 * The observation tree and the waterfall timeline side by side, in ONE virtualised list, so the
 * two always scroll together and only the rows on screen exist in the DOM (a 100,000-observation
 * trace renders ~40 rows). Keyboard: arrows, Home/End, PageUp/PageDown, Enter.
 */
export function TraceTreeView(props: TraceTreeViewProps) {
  const { tree, rows, collapsed, selected, matches, onSelect, onToggle, onKey } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  // Keep the selection in view (keyboard navigation, deep links, search jumps).
  useEffect(() => {
    if (selected < 0) return;
    const row = rows.indexOf(selected);
    if (row >= 0) virtualizer.scrollToIndex(row, { align: "auto" });
  }, [selected, rows, virtualizer]);

  const durationNs = tree.maxEndNs - tree.minStartNs;
  const ticks = timeTicks(durationNs, 5);
  const { names, types, levels, startOffsetNs, endOffsetNs, totalTokens, totalCost, ids } = tree.columns;

  const handleKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!isTreeKey(event.key)) return;
    event.preventDefault();
    onKey(event.key);
  };

  return (
    <div className="trace-tree" data-testid="trace-tree">
      <div className="tree-head">
        <div className="tree-col-head">Observation</div>
        <div className="timeline-axis" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t.offsetNs} className="tick" style={{ left: `${t.at * 100}%` }}>
              {formatDurationNs(t.offsetNs)}
            </span>
          ))}
        </div>
      </div>
      <div
        className="tree-body"
        ref={scrollRef}
        tabIndex={0}
        role="tree"
        aria-label="Observations"
        aria-activedescendant={selected >= 0 ? `obs-${ids[selected] ?? ""}` : undefined}
        onKeyDown={handleKey}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const node = rows[item.index] ?? 0;
            const depth = tree.depth[node] ?? 0;
            const hasChildren = (tree.childCount[node] ?? 0) > 0;
            const isCollapsed = collapsed[node] === 1;
            const type = types[node] ?? "SPAN";
            const level = levels[node] ?? "DEFAULT";
            const start = startOffsetNs[node] ?? 0;
            const end = endOffsetNs[node];
            const bar = timelineBar(tree, node);
            const tokens = totalTokens[node] ?? 0;
            const cost = totalCost[node] ?? 0;
            const indent = Math.min(depth, MAX_INDENT_LEVELS) * INDENT_PX;
            return (
              <div
                key={node}
                id={`obs-${ids[node] ?? ""}`}
                role="treeitem"
                aria-level={depth + 1}
                aria-expanded={hasChildren ? !isCollapsed : undefined}
                aria-selected={node === selected}
                data-observation-id={ids[node]}
                className={`tree-row ${node === selected ? "selected" : ""} ${matches.has(node) ? "match" : ""} level-row-${level.toLowerCase()}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(node)}
              >
                <div className="tree-cell" style={{ paddingLeft: 8 + indent }}>
                  {depth > MAX_INDENT_LEVELS ? <span className="depth-mark">{depth}</span> : null}
                  {hasChildren ? (
                    <button
                      type="button"
                      className="twisty"
                      aria-label={isCollapsed ? "Expand" : "Collapse"}
                      tabIndex={-1}
                      onClick={(e) => {
                        e.stopPropagation();
                        onToggle(node);
                      }}
                    >
                      {isCollapsed ? "▸" : "▾"}
                    </button>
                  ) : (
                    <span className="twisty-space" />
                  )}
                  <TypeGlyph type={type} />
                  <span className="obs-name" title={names[node]}>
                    {names[node] || "(unnamed)"}
                  </span>
                  {isCollapsed ? <span className="hidden-count">+{(tree.subtreeSize[node] ?? 1) - 1}</span> : null}
                  {level === "ERROR" || level === "WARNING" ? <span className={`level level-${level.toLowerCase()}`}>{level.toLowerCase()}</span> : null}
                  <span className="obs-metrics">
                    {tokens > 0 ? <span title="tokens">{formatTokens(tokens)} tok</span> : null}
                    {cost > 0 ? <span title="cost">{formatCost(cost)}</span> : null}
                    <span className="obs-duration">{end === null || end === undefined ? "running" : formatDurationNs(end - start)}</span>
                  </span>
                </div>
                <div className="timeline-cell">
                  <div
                    className={`bar ${bar.open ? "open" : ""} ${bar.instant ? "instant" : ""}`}
                    style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%`, background: `var(${observationKind(type).colorVar})` }}
                  />
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
