import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { TraceFilters } from "../api/endpoints.js";
import type { TraceSummary } from "../api/shapes.js";
import { LevelBadge, Tags } from "../components/Badges.js";
import type { Column } from "../components/DataTable.js";
import { DataTable } from "../components/DataTable.js";
import { rangeStart, SelectFilter, TextFilter, TimeRangeFilter } from "../components/Filters.js";
import { LEVELS } from "../model/observation-kind.js";
import { Link } from "../components/Link.js";
import { Pagination } from "../components/Pagination.js";
import { Empty, ErrorBox, Loading } from "../components/States.js";
import { useTraces } from "../hooks/queries.js";
import { navigate, useSearchParams } from "../hooks/use-location.js";
import { previewOf } from "../model/chat-messages.js";
import { formatCost, formatCount, formatRelative, formatSeconds, formatTimestamp, formatTokens } from "../model/format.js";

const PAGE_SIZE = 50;

/** Trace filters from the URL (the URL is the state: views are shareable links). */
export function traceFiltersFrom(search: URLSearchParams, fixed: Partial<TraceFilters> = {}): TraceFilters {
  const list = (key: string) => (search.get(key) ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  return {
    page: Number(search.get("page") ?? "1") || 1,
    limit: PAGE_SIZE,
    search: search.get("q") ?? undefined,
    userId: search.get("userId") ?? undefined,
    sessionId: search.get("sessionId") ?? undefined,
    name: search.get("name") ?? undefined,
    tags: list("tags"),
    environment: list("environment"),
    level: search.get("level") ?? undefined,
    fromTimestamp: rangeStart(search.get("range") ?? ""),
    orderBy: search.get("orderBy") ?? "timestamp.desc",
    ...fixed,
  };
}

function traceColumns(nowMs: number): Column<TraceSummary>[] {
  return [
    {
      key: "time",
      header: "Time",
      width: "110px",
      sortField: "timestamp",
      render: (t) => <span title={formatTimestamp(t.timestamp)}>{formatRelative(t.timestamp, nowMs)}</span>,
    },
    {
      key: "name",
      header: "Name",
      width: "minmax(140px, 1.2fr)",
      sortField: "name",
      render: (t) => (
        <Link className="strong" href={`/traces/${encodeURIComponent(t.id)}`} onClick={(e) => e.stopPropagation()}>
          {t.name ?? <span className="muted">(unnamed)</span>}
        </Link>
      ),
    },
    { key: "preview", header: "Output", width: "minmax(160px, 1.6fr)", render: (t) => <span className="preview">{previewOf(t.output, 160) || previewOf(t.input, 160)}</span> },
    { key: "user", header: "User", width: "minmax(90px, 1fr)", render: (t) => t.userId ?? <span className="muted">–</span> },
    { key: "session", header: "Session", width: "minmax(90px, 1fr)", render: (t) => t.sessionId ?? <span className="muted">–</span> },
    { key: "tags", header: "Tags", width: "minmax(80px, 1fr)", render: (t) => <Tags tags={t.tags} /> },
    { key: "env", header: "Env", width: "84px", render: (t) => <span className="muted">{t.environment}</span> },
    { key: "latency", header: "Latency", width: "80px", align: "right", sortField: "latency", render: (t) => formatSeconds(t.latency) },
    { key: "tokens", header: "Tokens", width: "74px", align: "right", sortField: "totalTokens", render: (t) => formatTokens(t.totalTokens) },
    { key: "cost", header: "Cost", width: "96px", align: "right", sortField: "totalCost", render: (t) => formatCost(t.totalCost) },
    { key: "obs", header: "Obs", width: "56px", align: "right", sortField: "observationCount", render: (t) => formatCount(t.observationCount) },
    { key: "level", header: "Level", width: "66px", render: (t) => <LevelBadge level={t.level} /> },
  ];
}

/** Ids that appeared in a refetch after the first load, for a short highlight. */
function useFreshIds(rows: readonly TraceSummary[] | undefined, resetKey: string): Set<string> {
  const seen = useRef<Set<string> | null>(null);
  const lastKey = useRef(resetKey);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (rows === undefined) return;
    if (seen.current === null || lastKey.current !== resetKey) {
      seen.current = new Set(rows.map((r) => r.id));
      lastKey.current = resetKey;
      return;
    }
    const added = rows.filter((r) => !(seen.current?.has(r.id) ?? false)).map((r) => r.id);
    for (const id of added) seen.current.add(id);
    if (added.length > 0) setFresh(new Set(added));
  }, [rows, resetKey]);
  return fresh;
}

/** A traces table with URL-held filters; `fixed` filters (e.g. a user page's user) are not editable. */
export function TracesTable({ fixed = {}, showFilters = true }: { fixed?: Partial<TraceFilters>; showFilters?: boolean }) {
  const [search, update] = useSearchParams();
  const filters = useMemo(() => traceFiltersFrom(search, fixed), [search, fixed]);
  const live = search.get("live") !== "off";
  const canBeLive = live && (filters.page ?? 1) === 1 && filters.orderBy === "timestamp.desc";
  const query = useTraces(filters, canBeLive);
  const [nowMs, setNowMs] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNowMs(Date.now()), 15_000);
    return () => window.clearInterval(t);
  }, []);
  useEffect(() => setNowMs(Date.now()), [query.dataUpdatedAt]);
  const columns = useMemo(() => traceColumns(nowMs), [nowMs]);
  const fresh = useFreshIds(query.data?.data, JSON.stringify(filters));
  const set = useCallback((key: string) => (value: string) => update({ [key]: value, page: null }, { replace: true }), [update]);

  return (
    <div className="page-body">
      {showFilters ? (
        <div className="filters" role="search">
          <TextFilter name="q" label="Search" wide value={search.get("q") ?? ""} onChange={set("q")} placeholder="Words in inputs and outputs" />
          {fixed.userId === undefined ? <TextFilter name="userId" label="User" value={search.get("userId") ?? ""} onChange={set("userId")} placeholder="user id" /> : null}
          {fixed.sessionId === undefined ? <TextFilter name="sessionId" label="Session" value={search.get("sessionId") ?? ""} onChange={set("sessionId")} placeholder="session id" /> : null}
          <TextFilter name="name" label="Name" value={search.get("name") ?? ""} onChange={set("name")} placeholder="trace name" />
          <TextFilter name="tags" label="Tags" value={search.get("tags") ?? ""} onChange={set("tags")} placeholder="tag1,tag2" />
          <TextFilter name="environment" label="Environment" value={search.get("environment") ?? ""} onChange={set("environment")} placeholder="production" />
          <SelectFilter name="level" label="Level" value={search.get("level") ?? ""} options={LEVELS} onChange={set("level")} />
          <TimeRangeFilter value={search.get("range") ?? ""} onChange={set("range")} />
          <label className="live-toggle" title="Refresh the first page every few seconds">
            <input type="checkbox" checked={live} onChange={(e) => update({ live: e.target.checked ? null : "off" }, { replace: true })} />
            <span className={`live-dot ${canBeLive ? "on" : ""}`} /> Live
          </label>
        </div>
      ) : null}
      {query.isError ? <ErrorBox error={query.error} /> : null}
      {query.isPending ? (
        <Loading label="Loading traces…" />
      ) : query.data !== undefined && query.data.data.length === 0 ? (
        <Empty title="No traces match.">Send traces with the SDK (SIGHTLINE_BASE_URL pointing here), run `sightline demo`, or widen the filters.</Empty>
      ) : query.data !== undefined ? (
        <>
          <DataTable
            label="Traces"
            columns={columns}
            rows={query.data.data}
            rowKey={(t) => t.id}
            onRowClick={(t) => navigate(`/traces/${encodeURIComponent(t.id)}`)}
            orderBy={filters.orderBy}
            onSort={(orderBy) => update({ orderBy, page: null })}
            highlighted={fresh}
          />
          <Pagination page={query.data.meta.page} totalPages={query.data.meta.totalPages} totalItems={query.data.meta.totalItems} onPage={(p) => update({ page: String(p) })} />
        </>
      ) : null}
    </div>
  );
}

/** `/traces`. */
export function TracesPage() {
  return (
    <div className="page">
      <header className="page-head">
        <h1>Traces</h1>
      </header>
      <TracesTable />
    </div>
  );
}
