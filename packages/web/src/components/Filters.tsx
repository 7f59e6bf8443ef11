import { useEffect, useState } from "react";

/** A text filter that updates its URL parameter after typing pauses (debounced 300 ms). */
export function TextFilter(props: { label: string; value: string; onChange: (value: string) => void; placeholder?: string; wide?: boolean; name: string }) {
  const { label, value, onChange, placeholder, wide, name } = props;
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft === value) return;
    const t = window.setTimeout(() => onChange(draft.trim()), 300);
    return () => window.clearTimeout(t);
  }, [draft, value, onChange]);
  return (
    <label className={`filter ${wide === true ? "filter-wide" : ""}`}>
      <span>{label}</span>
      <input
        type="search"
        name={name}
        value={draft}
        placeholder={placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") onChange(draft.trim());
        }}
      />
    </label>
  );
}

/** A select filter; the empty option means "any". */
export function SelectFilter(props: { label: string; value: string; options: readonly string[]; onChange: (value: string) => void; name: string }) {
  const { label, value, options, onChange, name } = props;
  return (
    <label className="filter">
      <span>{label}</span>
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o.toLowerCase()}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Time ranges offered, as URL values and durations. */
export const TIME_RANGES: ReadonlyArray<readonly [string, string, number]> = [
  ["15m", "Last 15 minutes", 15 * 60_000],
  ["1h", "Last hour", 3600_000],
  ["24h", "Last 24 hours", 86_400_000],
  ["7d", "Last 7 days", 7 * 86_400_000],
  ["30d", "Last 30 days", 30 * 86_400_000],
];

/**
 * The ISO start of a time range (`24h`, ...), rounded down to the minute so that query keys stay
 * stable between renders; undefined for "all time".
 */
export function rangeStart(range: string, nowMs = Date.now()): string | undefined {
  const found = TIME_RANGES.find(([value]) => value === range);
  if (found === undefined) return undefined;
  return new Date(Math.floor((nowMs - found[2]) / 60_000) * 60_000).toISOString();
}

/** The time range picker. */
export function TimeRangeFilter(props: { value: string; onChange: (value: string) => void }) {
  return (
    <label className="filter">
      <span>Time</span>
      <select name="range" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">All time</option>
        {TIME_RANGES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
