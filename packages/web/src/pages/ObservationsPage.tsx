import { useCallback, useMemo } from "react";
import type { ObservationFilters } from "../api/endpoints.js";
import type { Observation } from "../api/shapes.js";
import { LevelBadge, TypeBadge } from "../components/Badges.js";
import type { Column } from "../components/DataTable.js";
import { DataTable } from "../components/DataTable.js";
import { rangeStart, SelectFilter, TextFilter, TimeRangeFilter } from "../components/Filters.js";
import { Link } from "../components/Link.js";
import { Pagination } from "../components/Pagination.js";
import { Empty, ErrorBox, Loading } from "../components/States.js";
import { useObservations } from "../hooks/queries.js";
import { navigate, useSearchParams } from "../hooks/use-location.js";
import { formatCost, formatSeconds, formatTimestamp, formatTokens } from "../model/format.js";
import { LEVELS, OBSERVATION_TYPE_NAMES } from "../model/observation-kind.js";

const linkOf = (o: Observation) => `/traces/${encodeURIComponent(o.traceId)}?observation=${encodeURIComponent(o.id)}`;

const COLUMNS: Column<Observation>[] = [
  { key: "time", header: "Start", width: "190px", render: (o) => formatTimestamp(o.startTime) },
  { key: "type", header: "Type", width: "130px", render: (o) => <TypeBadge type={o.type} /> },
  {
    key: "name",
    header: "Name",
    width: "minmax(140px, 2fr)",
    render: (o) => (
      <Link className="strong" href={linkOf(o)} onClick={(e) => e.stopPropagation()}>
        {o.name || "(unnamed)"}
      </Link>
    ),
  },
  { key: "model", header: "Model", width: "minmax(100px, 1fr)", render: (o) => o.model ?? <span className="muted">–</span> },
  { key: "trace", header: "Trace", width: "110px", render: (o) => <span className="mono muted">{o.traceId.slice(0, 10)}</span> },
  { key: "latency", header: "Duration", width: "90px", align: "right", render: (o) => formatSeconds(o.latency) },
  { key: "ttft", header: "TTFT", width: "80px", align: "right", render: (o) => formatSeconds(o.timeToFirstToken) },
  { key: "tokens", header: "Tokens", width: "80px", align: "right", render: (o) => formatTokens(o.totalTokens) },
  { key: "cost", header: "Cost", width: "90px", align: "right", render: (o) => formatCost(o.calculatedTotalCost) },
  { key: "level", header: "Level", width: "80px", render: (o) => <LevelBadge level={o.level} /> },
];

/** `/observations`: observations across traces (all generations of a model, all errors, ...). */
export function ObservationsPage() {
  const [search, update] = useSearchParams();
  const filters = useMemo<ObservationFilters>(
    () => ({
      page: Number(search.get("page") ?? "1") || 1,
      limit: 100,
      type: search.get("type") ?? undefined,
      level: search.get("level") ?? undefined,
      name: search.get("name") ?? undefined,
      userId: search.get("userId") ?? undefined,
      traceId: search.get("traceId") ?? undefined,
      environment: (search.get("environment") ?? "").split(",").filter((s) => s !== ""),
      fromStartTime: rangeStart(search.get("range") ?? ""),
    }),
    [search],
  );
  const query = useObservations(filters);
  const set = useCallback((key: string) => (value: string) => update({ [key]: value, page: null }, { replace: true }), [update]);
  return (
    <div className="page">
      <header className="page-head">
        <h1>Observations</h1>
      </header>
      <div className="page-body">
        <div className="filters" role="search">
          <SelectFilter name="type" label="Type" value={search.get("type") ?? ""} options={OBSERVATION_TYPE_NAMES} onChange={set("type")} />
          <SelectFilter name="level" label="Level" value={search.get("level") ?? ""} options={LEVELS} onChange={set("level")} />
          <TextFilter name="name" label="Name" value={search.get("name") ?? ""} onChange={set("name")} placeholder="observation name" />
          <TextFilter name="userId" label="User" value={search.get("userId") ?? ""} onChange={set("userId")} placeholder="user id" />
          <TextFilter name="traceId" label="Trace" value={search.get("traceId") ?? ""} onChange={set("traceId")} placeholder="trace id" />
          <TextFilter name="environment" label="Environment" value={search.get("environment") ?? ""} onChange={set("environment")} placeholder="production" />
          <TimeRangeFilter value={search.get("range") ?? ""} onChange={set("range")} />
        </div>
        {query.isError ? <ErrorBox error={query.error} /> : null}
        {query.isPending ? (
          <Loading />
        ) : query.data !== undefined && query.data.data.length === 0 ? (
          <Empty title="No observations match." />
        ) : query.data !== undefined ? (
          <>
            <DataTable label="Observations" columns={COLUMNS} rows={query.data.data} rowKey={(o) => `${o.traceId}/${o.id}`} onRowClick={(o) => navigate(linkOf(o))} />
            <Pagination page={query.data.meta.page} totalPages={query.data.meta.totalPages} totalItems={query.data.meta.totalItems} onPage={(p) => update({ page: String(p) })} />
          </>
        ) : null}
      </div>
    </div>
  );
}
