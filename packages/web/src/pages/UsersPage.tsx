import type { UserSummary } from "../api/shapes.js";
import type { Column } from "../components/DataTable.js";
import { DataTable } from "../components/DataTable.js";
import { Link } from "../components/Link.js";
import { Pagination } from "../components/Pagination.js";
import { Empty, ErrorBox, Loading } from "../components/States.js";
import { useUsers } from "../hooks/queries.js";
import { navigate, useSearchParams } from "../hooks/use-location.js";
import { formatCost, formatCount, formatTimestamp, formatTokens } from "../model/format.js";
import { TracesTable } from "./TracesPage.js";

const COLUMNS: Column<UserSummary>[] = [
  {
    key: "id",
    header: "User",
    width: "minmax(160px, 2fr)",
    render: (u) => (
      <Link className="strong" href={`/users/${encodeURIComponent(u.userId)}`} onClick={(e) => e.stopPropagation()}>
        {u.userId}
      </Link>
    ),
  },
  { key: "traces", header: "Traces", width: "80px", align: "right", render: (u) => formatCount(u.traceCount) },
  { key: "sessions", header: "Sessions", width: "90px", align: "right", render: (u) => formatCount(u.sessionCount) },
  { key: "tokens", header: "Tokens", width: "90px", align: "right", render: (u) => formatTokens(u.totalTokens) },
  { key: "cost", header: "Cost", width: "90px", align: "right", render: (u) => formatCost(u.totalCost) },
  { key: "first", header: "First seen", width: "190px", render: (u) => formatTimestamp(u.firstSeen) },
  { key: "last", header: "Last seen", width: "190px", render: (u) => formatTimestamp(u.lastSeen) },
];

/** `/users`. */
export function UsersPage() {
  const [search, update] = useSearchParams();
  const page = Number(search.get("page") ?? "1") || 1;
  const query = useUsers({ page, limit: 50 });
  return (
    <div className="page">
      <header className="page-head">
        <h1>Users</h1>
      </header>
      <div className="page-body">
        {query.isError ? <ErrorBox error={query.error} /> : null}
        {query.isPending ? (
          <Loading />
        ) : query.data !== undefined && query.data.data.length === 0 ? (
          <Empty title="No users yet.">Set a user id on your traces (propagateAttributes({"{ userId }"})).</Empty>
        ) : query.data !== undefined ? (
          <>
            <DataTable label="Users" columns={COLUMNS} rows={query.data.data} rowKey={(u) => u.userId} onRowClick={(u) => navigate(`/users/${encodeURIComponent(u.userId)}`)} />
            <Pagination page={query.data.meta.page} totalPages={query.data.meta.totalPages} totalItems={query.data.meta.totalItems} onPage={(p) => update({ page: String(p) })} />
          </>
        ) : null}
      </div>
    </div>
  );
}

/** `/users/{id}`: the user's traces (same table and filters as the traces page). */
export function UserPage({ userId }: { userId: string }) {
  return (
    <div className="page">
      <header className="page-head">
        <Link href="/users" className="back">
          ← Users
        </Link>
        <h1>{userId}</h1>
        <span className="head-meta">
          <Link href={`/traces?userId=${encodeURIComponent(userId)}`}>Open in traces</Link>
        </span>
      </header>
      <TracesTable fixed={{ userId }} />
    </div>
  );
}
