import type { Observation, TraceSummary } from "../api/shapes.js";
import { formatCost, formatCount, formatSeconds, formatTimestamp, formatTokens } from "../model/format.js";
import { LevelBadge, Tags, TypeBadge } from "./Badges.js";
import { CopyButton } from "./CopyButton.js";
import { CostExplanation } from "./CostExplanation.js";
import { IoViewer } from "./IoViewer.js";
import { JsonTree } from "./JsonTree.js";
import { Link } from "./Link.js";

function Stat({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div className="stat" title={title}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}

function isEmptyObject(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "object" && Object.keys(v).length === 0);
}

/** Usage or cost details as a small key/value table (`input`, `output`, `input_cached_tokens`, ...). */
function Details({ title, details, format }: { title: string; details: Record<string, number>; format: (n: number) => string }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return null;
  return (
    <div className="details-table" aria-label={title}>
      <div className="details-title">{title}</div>
      {entries.map(([k, v]) => (
        <div key={k} className="details-row">
          <span className="muted">{k}</span>
          <span className="num">{format(v)}</span>
        </div>
      ))}
    </div>
  );
}

/** Everything about one observation: error, timing, model, usage, cost, input, output, metadata. */
export function ObservationPanel({ observation: o }: { observation: Observation }) {
  const params = typeof o.modelParameters === "object" && o.modelParameters !== null ? Object.entries(o.modelParameters) : [];
  return (
    <div className="panel-content" data-testid="observation-panel">
      <header className="panel-head">
        <TypeBadge type={o.type} />
        <h2 className="panel-title">{o.name || "(unnamed)"}</h2>
        <LevelBadge level={o.level} />
        <span className="spacer" />
        <span className="mono muted small">{o.id}</span>
        <CopyButton text={o.id} label="Copy id" />
      </header>
      {o.statusMessage !== null && (o.level === "ERROR" || o.level === "WARNING") ? (
        <div className={`banner banner-${o.level.toLowerCase()}`} role="alert">
          <strong>{o.level === "ERROR" ? "Error" : "Warning"}:</strong> {o.statusMessage}
        </div>
      ) : null}
      <div className="stats">
        <Stat label="Start" value={formatTimestamp(o.startTime)} />
        <Stat label="Duration" value={formatSeconds(o.latency)} />
        {o.timeToFirstToken !== null ? <Stat label="Time to first token" value={formatSeconds(o.timeToFirstToken)} /> : null}
        {o.model !== null ? <Stat label="Model" value={o.model} /> : null}
        {o.totalTokens > 0 ? <Stat label="Tokens" value={formatTokens(o.totalTokens)} title={formatCount(o.totalTokens)} /> : null}
        {o.calculatedTotalCost !== null ? (
          <Stat label={o.costSource === "provided" ? "Cost (provided)" : "Cost"} value={formatCost(o.calculatedTotalCost)} />
        ) : null}
        {o.promptName !== null ? <Stat label="Prompt" value={`${o.promptName}${o.promptVersion !== null ? ` v${o.promptVersion}` : ""}`} /> : null}
      </div>
      {params.length > 0 ? (
        <div className="params" aria-label="Model parameters">
          {params.map(([k, v]) => (
            <span key={k} className="param">
              <span className="muted">{k}</span> {typeof v === "string" ? v : JSON.stringify(v)}
            </span>
          ))}
        </div>
      ) : null}
      {Object.keys(o.usageDetails).length > 0 || Object.keys(o.costDetails).length > 0 ? (
        <div className="details-grid">
          <Details title="Usage (tokens)" details={o.usageDetails} format={formatCount} />
          <Details title="Cost (USD)" details={o.costDetails} format={formatCost} />
        </div>
      ) : null}
      {o.model !== null || o.calculatedTotalCost !== null ? <CostExplanation explanation={o.costExplanation} /> : null}
      <IoViewer title="Input" value={o.input} />
      <IoViewer title="Output" value={o.output} />
      {!isEmptyObject(o.metadata) ? (
        <section className="io">
          <header className="io-head">
            <h3>Metadata</h3>
          </header>
          <div className="io-body">
            <JsonTree value={o.metadata} openDepth={1} />
          </div>
        </section>
      ) : null}
    </div>
  );
}

/** The trace itself (shown when no observation is selected): who, when, tags, trace input/output. */
export function TraceSummaryPanel({ trace: t }: { trace: TraceSummary }) {
  return (
    <div className="panel-content" data-testid="trace-panel">
      <header className="panel-head">
        <span className="type-badge">Trace</span>
        <h2 className="panel-title">{t.name ?? "(unnamed trace)"}</h2>
        <LevelBadge level={t.level} />
        <span className="spacer" />
        <span className="mono muted small">{t.id}</span>
        <CopyButton text={t.id} label="Copy id" />
      </header>
      <div className="stats">
        <Stat label="Start" value={formatTimestamp(t.timestamp)} />
        <Stat label="Latency" value={formatSeconds(t.latency)} />
        <Stat label="Observations" value={formatCount(t.observationCount)} />
        <Stat label="Tokens" value={formatTokens(t.totalTokens)} />
        <Stat label="Cost" value={formatCost(t.totalCost)} />
        <Stat label="Environment" value={t.environment} />
      </div>
      <div className="params">
        {t.userId !== null ? (
          <span className="param">
            <span className="muted">user</span> <Link href={`/users/${encodeURIComponent(t.userId)}`}>{t.userId}</Link>
          </span>
        ) : null}
        {t.sessionId !== null ? (
          <span className="param">
            <span className="muted">session</span> <Link href={`/sessions/${encodeURIComponent(t.sessionId)}`}>{t.sessionId}</Link>
          </span>
        ) : null}
        {t.release !== null ? (
          <span className="param">
            <span className="muted">release</span> {t.release}
          </span>
        ) : null}
        <Tags tags={t.tags} />
      </div>
      <IoViewer title="Input" value={t.input} />
      <IoViewer title="Output" value={t.output} />
      {!isEmptyObject(t.metadata) ? (
        <section className="io">
          <header className="io-head">
            <h3>Metadata</h3>
          </header>
          <div className="io-body">
            <JsonTree value={t.metadata} openDepth={1} />
          </div>
        </section>
      ) : null}
    </div>
  );
}
