// Dashboard time ranges: presets, the custom range from the URL, the bucket size for a range and the
// list of bucket starts (so empty buckets show as zero instead of being skipped by the chart).

/** A preset or a custom range, as in the URL (`?range=24h`, `?range=custom&from=…&to=…`). */
export type RangeKey = "1h" | "24h" | "7d" | "30d" | "custom";

/** The presets, in picker order, with their length. */
export const RANGE_PRESETS: ReadonlyArray<{ key: Exclude<RangeKey, "custom">; label: string; ms: number }> = [
  { key: "1h", label: "Last hour", ms: 3_600_000 },
  { key: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { key: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { key: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
];

/** A fixed bucket size of the metrics API. */
export type Granularity = "minute" | "hour" | "day" | "week" | "month";

/** A resolved range: `[fromMs, toMs)` and its bucket size. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
  granularity: Granularity;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WIDTH: Readonly<Record<Exclude<Granularity, "month">, number>> = { minute: MINUTE, hour: HOUR, day: DAY, week: 7 * DAY };
/** Monday 1970-01-05: weeks start on Monday, as the server buckets them. */
const WEEK_ORIGIN = 4 * DAY;

/** The bucket size for a range: from about 60 to 170 buckets for the presets (an hour by minute, a day by hour). */
export function granularityFor(rangeMs: number): Granularity {
  if (rangeMs <= 3 * HOUR) return "minute";
  if (rangeMs <= 7 * DAY) return "hour";
  if (rangeMs <= 120 * DAY) return "day";
  if (rangeMs <= 730 * DAY) return "week";
  return "month";
}

/**
 * The range for the URL's `range`, `from` and `to` at `nowMs`. Relative ranges end at the next
 * whole minute, so the queries of one minute share their cache entry. A custom range with a bad or
 * reversed bound falls back to the last 24 hours.
 */
export function resolveRange(range: string | null, from: string | null, to: string | null, nowMs: number): TimeRange & { key: RangeKey } {
  const end = Math.floor(nowMs / MINUTE) * MINUTE + MINUTE;
  if (range === "custom") {
    const fromMs = from === null ? Number.NaN : Date.parse(from);
    const toMs = to === null ? Number.NaN : Date.parse(to);
    if (Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs) return { key: "custom", fromMs, toMs, granularity: granularityFor(toMs - fromMs) };
  }
  const preset = RANGE_PRESETS.find((p) => p.key === range) ?? (RANGE_PRESETS[1] as (typeof RANGE_PRESETS)[number]);
  return { key: preset.key, fromMs: end - preset.ms, toMs: end, granularity: granularityFor(preset.ms) };
}

/** The start of the bucket holding `ms` (UTC). */
export function bucketStart(ms: number, granularity: Granularity): number {
  if (granularity === "month") {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const width = WIDTH[granularity];
  const origin = granularity === "week" ? WEEK_ORIGIN : 0;
  return ms - ((((ms - origin) % width) + width) % width);
}

/** Every bucket start from the one holding `fromMs` up to `toMs` (exclusive). */
export function bucketStarts(range: TimeRange): number[] {
  const starts: number[] = [];
  for (let t = bucketStart(range.fromMs, range.granularity); t < range.toMs; ) {
    starts.push(t);
    if (range.granularity === "month") {
      const d = new Date(t);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    } else {
      t += WIDTH[range.granularity];
    }
  }
  return starts;
}

/** A bucket's label: `compact` for axis ticks (`14:00`, `Jan 5`), else with the date (legend, tooltips). */
export function formatBucket(ms: number, granularity: Granularity, compact = false): string {
  const d = new Date(ms);
  if (granularity === "minute" || granularity === "hour") {
    const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    return compact ? time : `${d.toLocaleDateString(undefined, { month: "short", day: "numeric" })} ${time}`;
  }
  if (granularity === "month") return d.toLocaleDateString(undefined, { year: "numeric", month: "short", timeZone: "UTC" });
  return d.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}
