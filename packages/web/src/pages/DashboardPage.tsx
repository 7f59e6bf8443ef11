import { useMemo, useState } from "react";
import type { MetricsQuery, MetricsResultRow } from "../api/metrics.js";
import { BreakdownTable } from "../components/BreakdownTable.js";
import { ErrorBox } from "../components/States.js";
import { TimeRangePicker } from "../components/TimeRangePicker.js";
import type { ChartLine } from "../components/TimeSeriesChart.js";
import { TimeSeriesChart } from "../components/TimeSeriesChart.js";
import { useMetrics } from "../hooks/queries.js";
import { useSearchParams } from "../hooks/use-location.js";
import { BREAKDOWNS, dashboardQueries, numberCell, toBreakdown, toSeries } from "../model/dashboard-queries.js";
import { formatCost, formatCount, formatTokens } from "../model/format.js";
import type { TimeRange } from "../model/time-range.js";
import { resolveRange } from "../model/time-range.js";
import "../dashboard.css";

const formatMs = (ms: number | null): string => (ms === null ? "–" : ms < 1000 ? `${Number(ms.toPrecision(3))}ms` : `${Number((ms / 1000).toPrecision(3))}s`);
const formatPercent = (rate: number | null): string => (rate === null ? "–" : `${Number((rate * 100).toPrecision(3))}%`);
const formatPercentAxis = (value: number): string => `${Number(value.toPrecision(3))}%`;
const formatMsAxis = (value: number): string => formatMs(value);

/** One total: label, formatted value, and the raw number (for tests and tooltips). */
function Stat({ id, label, value, text }: { id: string; label: string; value: number | null; text: string }) {
  return (
    <div className="stat" data-testid={`total-${id}`} data-value={value === null ? "" : String(value)}>
      <div className="stat-label">{label}</div>
      <div className="stat-value dashboard-stat-value">{text}</div>
    </div>
  );
}

/** The totals cards over the whole range. */
function Totals({ traces, observations }: { traces: MetricsResultRow | undefined; observations: MetricsResultRow | undefined }) {
  const t = (key: string) => numberCell(traces, key);
  const o = (key: string) => numberCell(observations, key);
  return (
    <div className="stats dashboard-stats">
      <Stat id="traces" label="Traces" value={t("count_count")} text={formatCount(t("count_count"))} />
      <Stat id="observations" label="Observations" value={o("count_count")} text={formatCount(o("count_count"))} />
      <Stat id="cost" label="Total cost" value={t("sum_totalCost")} text={formatCost(t("sum_totalCost") ?? 0)} />
      <Stat id="tokens" label="Tokens" value={t("sum_totalTokens")} text={formatTokens(t("sum_totalTokens") ?? 0)} />
      <Stat id="trace-error-rate" label="Traces with errors" value={t("avg_errors")} text={formatPercent(t("avg_errors"))} />
      <Stat id="observation-error-rate" label="Observation errors" value={o("avg_errors")} text={formatPercent(o("avg_errors"))} />
      <Stat id="latency-p50" label="Latency p50" value={t("p50_latency")} text={formatMs(t("p50_latency"))} />
      <Stat id="latency-p95" label="Latency p95" value={t("p95_latency")} text={formatMs(t("p95_latency"))} />
      <Stat id="latency-p99" label="Latency p99" value={t("p99_latency")} text={formatMs(t("p99_latency"))} />
      <Stat id="ttft-p50" label="Time to first token p50" value={o("p50_timeToFirstToken")} text={formatMs(o("p50_timeToFirstToken"))} />
      <Stat id="ttft-p95" label="Time to first token p95" value={o("p95_timeToFirstToken")} text={formatMs(o("p95_timeToFirstToken"))} />
    </div>
  );
}

const PERCENTILE_COLORS = ["--accent", "--warning", "--error"] as const;

/** The charts over time. */
function Charts({ range, traceRows, observationRows }: { range: TimeRange; traceRows: readonly MetricsResultRow[]; observationRows: readonly MetricsResultRow[] }) {
  const charts = useMemo(() => {
    const t = toSeries(traceRows, range, ["count_count", "sum_totalCost", "sum_totalTokens", "avg_errors", "p50_latency", "p95_latency", "p99_latency"]);
    const o = toSeries(observationRows, range, ["count_count", "avg_errors", "p50_timeToFirstToken", "p95_timeToFirstToken", "p99_timeToFirstToken"]);
    const v = (series: typeof t, key: string) => series.values[key] ?? [];
    const percent = (values: ReadonlyArray<number | null>) => values.map((x) => (x === null ? null : x * 100));
    const percentiles = (series: typeof t, measure: string): ChartLine[] =>
      (["p50", "p95", "p99"] as const).map((p, i) => ({ label: p, values: v(series, `${p}_${measure}`), color: PERCENTILE_COLORS[i] ?? "--accent" }));
    const lines: Array<{ title: string; lines: ChartLine[]; format: (n: number) => string }> = [
      { title: "Cost", lines: [{ label: "Cost", values: v(t, "sum_totalCost"), color: "--type-generation" }], format: formatCost },
      { title: "Tokens", lines: [{ label: "Tokens", values: v(t, "sum_totalTokens"), color: "--type-tool" }], format: formatTokens },
      {
        title: "Traces and observations",
        lines: [
          { label: "Traces", values: v(t, "count_count"), color: "--accent" },
          { label: "Observations", values: v(o, "count_count"), color: "--type-event" },
        ],
        format: formatCount,
      },
      { title: "Trace latency", lines: percentiles(t, "latency"), format: formatMsAxis },
      { title: "Time to first token", lines: percentiles(o, "timeToFirstToken"), format: formatMsAxis },
      {
        title: "Error rate",
        lines: [
          { label: "Traces with errors", values: percent(v(t, "avg_errors")), color: "--error" },
          { label: "Observations", values: percent(v(o, "avg_errors")), color: "--warning" },
        ],
        format: formatPercentAxis,
      },
    ];
    return { x: t.x, lines };
  }, [range, traceRows, observationRows]);
  return (
    <div className="dashboard-charts">
      {charts.lines.map((c) => (
        <TimeSeriesChart key={c.title} title={c.title} x={charts.x} lines={c.lines} granularity={range.granularity} format={c.format} />
      ))}
    </div>
  );
}

function Breakdown({ spec, query }: { spec: (typeof BREAKDOWNS)[number]; query: MetricsQuery }) {
  const result = useMetrics(query);
  if (result.isError) return <ErrorBox error={result.error} />;
  return <BreakdownTable title={spec.title} label={spec.label} rows={toBreakdown(result.data?.data ?? [], spec.field)} truncated={result.data?.meta.truncated ?? false} />;
}

/** `/dashboard`: totals, charts over time and breakdowns for a time range (deep-linkable in the URL). */
export function DashboardPage() {
  const [search, update] = useSearchParams();
  const [nowMs, setNowMs] = useState(() => Date.now());
  const range = resolveRange(search.get("range"), search.get("from"), search.get("to"), nowMs);
  const { fromMs, toMs, granularity, key } = range;
  const stableRange = useMemo<TimeRange>(() => ({ fromMs, toMs, granularity }), [fromMs, toMs, granularity]);
  const queries = useMemo(() => dashboardQueries(stableRange), [stableRange]);
  const traceTotals = useMetrics(queries.traceTotals);
  const observationTotals = useMetrics(queries.observationTotals);
  const traceSeries = useMetrics(queries.traceSeries);
  const observationSeries = useMetrics(queries.observationSeries);
  const error = traceTotals.error ?? observationTotals.error ?? traceSeries.error ?? observationSeries.error;
  const loading = traceTotals.isFetching || observationTotals.isFetching || traceSeries.isFetching || observationSeries.isFetching;
  return (
    <div className="page">
      <header className="page-head dashboard-head">
        <h1>Dashboard</h1>
        <TimeRangePicker
          key={key === "custom" ? `${fromMs}-${toMs}` : key}
          value={key}
          range={stableRange}
          onChange={(next) => {
            setNowMs(Date.now());
            update({ range: next.range, from: next.from ?? null, to: next.to ?? null });
          }}
        />
        <button type="button" className="btn" onClick={() => setNowMs(Date.now())} disabled={loading} aria-label="Refresh">
          {loading ? "Loading…" : "↻ Refresh"}
        </button>
      </header>
      <div className="page-body scroll dashboard" aria-busy={loading}>
        {error !== null ? <ErrorBox error={error} /> : null}
        <p className="muted small">
          {new Date(fromMs).toLocaleString()} – {new Date(toMs).toLocaleString()}, by {granularity} (UTC buckets)
        </p>
        <Totals traces={traceTotals.data?.data[0]} observations={observationTotals.data?.data[0]} />
        <Charts range={stableRange} traceRows={traceSeries.data?.data ?? []} observationRows={observationSeries.data?.data ?? []} />
        <div className="dashboard-breakdowns">
          {BREAKDOWNS.map((spec) => (
            <Breakdown key={spec.key} spec={spec} query={queries.breakdowns[spec.key]} />
          ))}
        </div>
      </div>
    </div>
  );
}
