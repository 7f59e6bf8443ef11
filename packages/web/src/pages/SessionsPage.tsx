import type { SessionSummary } from "../api/shapes.js";
import type { Column } from "../components/DataTable.js";
import { DataTable } from "../components/DataTable.js";
import { Link } from "../components/Link.js";
import { Pagination } from "../components/Pagination.js";
import { Empty, ErrorBox, Loading } from "../components/States.js";
import { useSessions } from "../hooks/queries.js";
import { navigate, useSearchParams } from "../hooks/use-location.js";
import { formatCost, formatCount, formatRelative, formatSeconds, formatTimestamp, formatTokens } from "../model/format.js";

function columns(nowMs: number): Column<SessionSummary>[] {
  return [
    {
      key: "id",
      header: "Session",
      width: "minmax(160px, 2fr)",
      render: (s) => (
        <Link className="strong mono" href={`/sessions/${encodeURIComponent(s.id)}`} onClick={(e) => e.stopPropagation()}>
          {s.id}
        </Link>
      ),
    },
    { key: "users", header: "User", width: "minmax(100px, 1fr)", render: (s) => (s.userIds.length === 0 ? <span className="muted">–</span> : s.userIds.join(", ")) },
    { key: "traces", header: "Traces", width: "80px", align: "right", render: (s) => formatCount(s.traceCount) },
    { key: "duration", header: "Duration", width: "100px", align: "right", render: (s) => formatSeconds(s.duration) },
    { key: "tokens", header: "Tokens", width: "90px", align: "right", render: (s) => formatTokens(s.totalTokens) },
    { key: "cost", header: "Cost", width: "90px", align: "right", render: (s) => formatCost(s.totalCost) },
    {
      key: "last",
      header: "Last activity",
      width: "130px",
      render: (s) => <span title={formatTimestamp(s.lastTraceEndTimestamp)}>{formatRelative(s.lastTraceEndTimestamp ?? s.firstTraceTimestamp, nowMs)}</span>,
    },
  ];
}

/** `/sessions`. */
export function SessionsPage() {
  const [search, update] = useSearchParams();
  const page = Number(search.get("page") ?? "1") || 1;
  const query = useSessions({ page, limit: 50 });
  return (
    <div className="page">
      <header className="page-head">
        <h1>Sessions</h1>
      </header>
      <div className="page-body">
        {query.isError ? <ErrorBox error={query.error} /> : null}
        {query.isPending ? (
          <Loading />
        ) : query.data !== undefined && query.data.data.length === 0 ? (
          <Empty title="No sessions yet.">Set a session id on your traces (propagateAttributes({"{ sessionId }"})) to group them into conversations.</Empty>
        ) : query.data !== undefined ? (
          <>
            <DataTable label="Sessions" columns={columns(Date.now())} rows={query.data.data} rowKey={(s) => s.id} onRowClick={(s) => navigate(`/sessions/${encodeURIComponent(s.id)}`)} />
            <Pagination page={query.data.meta.page} totalPages={query.data.meta.totalPages} totalItems={query.data.meta.totalItems} onPage={(p) => update({ page: String(p) })} />
          </>
        ) : null}
      </div>
    </div>
  );
}
