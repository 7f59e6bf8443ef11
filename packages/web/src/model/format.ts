// Display formatting of durations, costs, token counts and times: one place, so every page agrees.

/**
 * A duration given in nanoseconds, with a unit that keeps 2-3 significant digits:
 * `850µs`, `12.3ms`, `1.24s`, `2m 03s`, `1h 02m`. Null or negative → `–`.
 */
export function formatDurationNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns) || ns < 0) return "–";
  if (ns < 1_000) return `${Math.round(ns)}ns`;
  if (ns < 1_000_000) return `${trim(ns / 1_000)}µs`;
  if (ns < 1_000_000_000) return `${trim(ns / 1_000_000)}ms`;
  const seconds = ns / 1e9;
  if (seconds < 60) return `${trim(seconds)}s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    return `${m}m ${String(Math.floor(seconds - m * 60)).padStart(2, "0")}s`;
  }
  const h = Math.floor(seconds / 3600);
  return `${h}h ${String(Math.floor((seconds - h * 3600) / 60)).padStart(2, "0")}m`;
}

/** A duration in seconds (the public API's `latency`), formatted as {@link formatDurationNs}. */
export function formatSeconds(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? "–" : formatDurationNs(seconds * 1e9);
}

/** Three significant digits, without trailing zeros (`1.50` → `1.5`, `123.4` → `123`). */
function trim(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

/**
 * A cost in USD: `$0`, `$0.000012`, `$0.0042`, `$1.23`, `$1,234.50`. Small costs keep their
 * significant digits (LLM calls cost fractions of a cent).
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "–";
  if (usd === 0) return "$0";
  const abs = Math.abs(usd);
  const sign = usd < 0 ? "-" : "";
  if (abs < 0.000001) return `${sign}<$0.000001`;
  if (abs < 0.01) return `${sign}$${stripZeros(abs.toPrecision(2), 0)}`;
  if (abs < 1) return `${sign}$${stripZeros(abs.toFixed(4), 2)}`;
  return `${sign}$${abs.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Drops trailing zeros after the decimal point, keeping at least `minDecimals`. */
function stripZeros(text: string, minDecimals: number): string {
  const dot = text.indexOf(".");
  if (dot === -1) return text;
  let end = text.length;
  while (end > dot + 1 + minDecimals && text[end - 1] === "0") end--;
  return text.slice(0, end === dot + 1 ? dot : end);
}

/** A token count: `0`, `987`, `1,234`, `12.3k`, `4.56M`. */
export function formatTokens(tokens: number | null | undefined): string {
  if (tokens === null || tokens === undefined || !Number.isFinite(tokens)) return "–";
  const abs = Math.abs(tokens);
  if (abs < 10_000) return Math.round(tokens).toLocaleString("en-US");
  if (abs < 1_000_000) return `${trim(tokens / 1_000)}k`;
  return `${trim(tokens / 1_000_000)}M`;
}

/** An integer with thousands separators. */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "–" : Math.round(n).toLocaleString("en-US");
}

/** `2024-05-01 14:03:07.123` in local time: sortable, precise, no locale surprises. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** `just now`, `42s ago`, `5m ago`, `3h ago`, `2d ago` relative to `nowMs`. */
export function formatRelative(iso: string | null | undefined, nowMs: number): string {
  if (iso === null || iso === undefined) return "–";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "–";
  const s = Math.round((nowMs - t) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}
