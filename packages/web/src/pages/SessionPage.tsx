import { useMemo } from "react";
import { Link } from "../components/Link.js";
import { ErrorBox, Loading } from "../components/States.js";
import { useSession } from "../hooks/queries.js";
import { sessionTurns } from "../model/conversation.js";
import { formatCost, formatCount, formatSeconds, formatTimestamp, formatTokens } from "../model/format.js";

/** `/sessions/{id}`: the session read as a conversation through time, each turn linked to its trace. */
export function SessionPage({ sessionId }: { sessionId: string }) {
  const query = useSession(sessionId);
  const turns = useMemo(() => (query.data === undefined ? [] : sessionTurns(query.data.traces)), [query.data]);
  if (query.isPending) return <Loading label="Loading session…" />;
  if (query.isError) return <ErrorBox error={query.error} />;
  const s = query.data;
  return (
    <div className="page">
      <header className="page-head">
        <Link href="/sessions" className="back">
          ← Sessions
        </Link>
        <h1 className="mono">{s.id}</h1>
        <span className="head-meta">
          {s.userIds.map((u) => (
            <Link key={u} href={`/users/${encodeURIComponent(u)}`}>
              user {u}
            </Link>
          ))}
          <span>{formatCount(s.traceCount)} traces</span>
          <span>{formatSeconds(s.duration)}</span>
          <span>{formatTokens(s.totalTokens)} tokens</span>
          <span>{formatCost(s.totalCost)}</span>
        </span>
      </header>
      <div className="page-body scroll">
        <ol className="conversation" aria-label="Conversation">
          {turns.map((t, i) => (
            <li key={t.traceId} className={`turn ${t.isError ? "turn-error" : ""}`}>
              <div className="turn-meta">
                <span className="turn-index">#{i + 1}</span>
                <span>{formatTimestamp(t.timestamp)}</span>
                {t.name !== null ? <span className="muted">{t.name}</span> : null}
                <span className="muted">{formatSeconds(t.latency)}</span>
                <span className="spacer" />
                <Link href={`/traces/${encodeURIComponent(t.traceId)}`}>Open trace →</Link>
              </div>
              {t.userText !== "" ? (
                <div className="msg role-user">
                  <div className="msg-role">user</div>
                  <div className="msg-text">{t.userText}</div>
                </div>
              ) : null}
              {t.assistantText !== "" ? (
                <div className="msg role-assistant">
                  <div className="msg-role">assistant</div>
                  <div className="msg-text">{t.assistantText}</div>
                </div>
              ) : (
                <div className="muted small">{t.isError ? "This turn failed: open the trace for the error." : "No output."}</div>
              )}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
