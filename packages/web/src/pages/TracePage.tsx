import { useCallback, useEffect, useMemo, useState } from "react";
import { LevelBadge, Tags } from "../components/Badges.js";
import { Link } from "../components/Link.js";
import { ObservationPanel, TraceSummaryPanel } from "../components/ObservationPanel.js";
import { ErrorBox, Loading } from "../components/States.js";
import { TraceTreeView } from "../components/TraceTreeView.js";
import { useObservation, useTraceTree } from "../hooks/queries.js";
import { useSearchParams } from "../hooks/use-location.js";
import { formatCost, formatCount, formatSeconds, formatTimestamp, formatTokens } from "../model/format.js";
import type { TraceTree } from "../model/trace-tree.js";
import { buildTraceTree } from "../model/trace-tree.js";
import type { TreeKey } from "../model/tree-navigation.js";
import { treeKeyMove } from "../model/tree-navigation.js";
import { searchTree } from "../model/tree-search.js";
import { initialCollapse, revealNode, visibleRows } from "../model/visible-rows.js";

/** Traces up to this size open fully expanded; larger ones open collapsed below depth 3. */
const EXPAND_ALL_BELOW = 20_000;

function SelectedObservation({ traceId, observationId }: { traceId: string; observationId: string }) {
  const query = useObservation(traceId, observationId);
  if (query.isPending) return <Loading label="Loading observation…" />;
  if (query.isError) return <ErrorBox error={query.error} />;
  return <ObservationPanel observation={query.data} />;
}

/** The tree view's state: collapse flags, the selection from the URL, search matches. */
function useTreeState(tree: TraceTree) {
  const [search, update] = useSearchParams();
  const [collapsed, setCollapsed] = useState(() => initialCollapse(tree, { expandAllBelow: EXPAND_ALL_BELOW, maxDepth: 3 }));
  useEffect(() => setCollapsed(initialCollapse(tree, { expandAllBelow: EXPAND_ALL_BELOW, maxDepth: 3 })), [tree]);
  const selectedId = search.get("observation");
  const selected = selectedId === null ? -1 : (tree.indexById.get(selectedId) ?? -1);

  // A deep link to a node inside a collapsed subtree expands its ancestors.
  useEffect(() => {
    if (selected >= 0) setCollapsed((c) => revealNode(tree, c, selected));
  }, [tree, selected]);

  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const select = useCallback(
    (node: number) => update({ observation: node < 0 ? null : (tree.columns.ids[node] ?? null) }, { replace: true }),
    [tree, update],
  );
  const toggle = useCallback((node: number, value?: boolean) => {
    setCollapsed((c) => {
      const next = c.slice();
      next[node] = (value ?? c[node] !== 1) ? 1 : 0;
      return next;
    });
  }, []);
  const onKey = useCallback(
    (key: TreeKey) => {
      const move = treeKeyMove(tree, rows, collapsed, selected, key);
      if (move === null) return;
      if (move.collapse !== undefined) toggle(move.collapse.node, move.collapse.collapsed);
      if (move.select !== selected) select(move.select);
    },
    [tree, rows, collapsed, selected, select, toggle],
  );
  return { rows, collapsed, selected, select, toggle, onKey, search, update };
}

function TraceView({ tree, traceId, trace }: { tree: TraceTree; traceId: string; trace: Parameters<typeof TraceSummaryPanel>[0]["trace"] }) {
  const { rows, collapsed, selected, select, toggle, onKey, search, update } = useTreeState(tree);
  const find = search.get("find") ?? "";
  const [draft, setDraft] = useState(find);
  const matchList = useMemo(() => searchTree(tree, find), [tree, find]);
  const matches = useMemo(() => new Set(matchList), [matchList]);
  const jump = (direction: 1 | -1) => {
    if (matchList.length === 0) return;
    const at = matchList.indexOf(selected);
    const next = matchList[(at + direction + matchList.length) % matchList.length] ?? matchList[0] ?? -1;
    select(next);
  };
  const selectedId = selected >= 0 ? (tree.columns.ids[selected] ?? null) : null;

  return (
    <>
      <div className="trace-toolbar">
        <form
          className="find"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft !== find) update({ find: draft === "" ? null : draft }, { replace: true });
            else jump(1);
          }}
        >
          <input type="search" name="find" placeholder="Find in trace (name, type, model)" value={draft} onChange={(e) => setDraft(e.target.value)} />
          {find !== "" ? (
            <span className="muted small">
              {matchList.length === 0 ? "no match" : `${Math.max(1, matchList.indexOf(selected) + 1)} / ${formatCount(matchList.length)}`}
            </span>
          ) : null}
          <button type="button" className="btn btn-small" onClick={() => jump(-1)} disabled={matchList.length === 0} aria-label="Previous match">
            ↑
          </button>
          <button type="button" className="btn btn-small" onClick={() => jump(1)} disabled={matchList.length === 0} aria-label="Next match">
            ↓
          </button>
        </form>
        <span className="muted small">
          {formatCount(tree.size)} observations · depth {tree.maxDepth + 1}
          {tree.orphanCount > 0 ? ` · ${tree.orphanCount} shown at top level (parent not received)` : ""}
        </span>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => select(-1)} disabled={selected < 0}>
          Trace overview
        </button>
      </div>
      <div className="trace-split">
        <TraceTreeView tree={tree} rows={rows} collapsed={collapsed} selected={selected} matches={matches} onSelect={select} onToggle={toggle} onKey={onKey} />
        <aside className="detail-panel">
          {selectedId === null ? <TraceSummaryPanel trace={trace} /> : <SelectedObservation key={selectedId} traceId={traceId} observationId={selectedId} />}
        </aside>
      </div>
    </>
  );
}

/** `/traces/{id}`: the observation tree and timeline, and the selected observation's details. */
export function TracePage({ traceId }: { traceId: string }) {
  const query = useTraceTree(traceId);
  const tree = useMemo(() => (query.data === undefined ? null : buildTraceTree(query.data.tree)), [query.data]);
  if (query.isPending) return <Loading label="Loading trace…" />;
  if (query.isError) return <ErrorBox error={query.error} />;
  const t = query.data.trace;
  return (
    <div className="page page-trace">
      <header className="page-head">
        <Link href="/traces" className="back">
          ← Traces
        </Link>
        <h1>{t.name ?? "(unnamed trace)"}</h1>
        <LevelBadge level={t.level} />
        <span className="head-meta">
          <span title="start">{formatTimestamp(t.timestamp)}</span>
          <span title="latency">{formatSeconds(t.latency)}</span>
          <span title="tokens">{formatTokens(t.totalTokens)} tokens</span>
          <span title="cost">{formatCost(t.totalCost)}</span>
          {t.userId !== null ? <Link href={`/users/${encodeURIComponent(t.userId)}`}>user {t.userId}</Link> : null}
          {t.sessionId !== null ? <Link href={`/sessions/${encodeURIComponent(t.sessionId)}`}>session {t.sessionId}</Link> : null}
          <Tags tags={t.tags} />
        </span>
      </header>
      {tree === null ? null : <TraceView tree={tree} traceId={traceId} trace={t} />}
    </div>
  );
}
