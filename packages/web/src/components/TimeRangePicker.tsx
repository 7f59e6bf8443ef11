import { useState } from "react";
import type { RangeKey, TimeRange } from "../model/time-range.js";
import { RANGE_PRESETS } from "../model/time-range.js";

/** `2026-01-02T15:04` in local time, the value format of `<input type="datetime-local">`. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * Picks a preset range or a custom one (local date-times, applied together so a half-edited range
 * never queries). `onChange` gets the URL values: `range`, and `from`/`to` (ISO) for a custom range.
 */
export function TimeRangePicker({
  value,
  range,
  onChange,
}: {
  value: RangeKey;
  range: TimeRange;
  onChange: (next: { range: RangeKey; from?: string; to?: string }) => void;
}) {
  const [from, setFrom] = useState(() => localInput(range.fromMs));
  const [to, setTo] = useState(() => localInput(range.toMs));
  const fromMs = new Date(from).getTime();
  const toMs = new Date(to).getTime();
  const valid = Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs;
  return (
    <div className="filters time-range">
      <label className="filter">
        <span>Time range</span>
        <select
          name="range"
          value={value}
          onChange={(e) => {
            const next = e.target.value as RangeKey;
            if (next !== "custom") onChange({ range: next });
            else onChange({ range: "custom", from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() });
          }}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {value === "custom" ? (
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) onChange({ range: "custom", from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() });
          }}
        >
          <label className="filter filter-wide">
            <span>From</span>
            <input type="datetime-local" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="filter filter-wide">
            <span>To</span>
            <input type="datetime-local" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button type="submit" className="btn" disabled={!valid} title={valid ? undefined : "From must be before To"}>
            Apply
          </button>
        </form>
      ) : null}
    </div>
  );
}
