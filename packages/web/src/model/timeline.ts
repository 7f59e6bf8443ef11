import type { TraceTree } from "./trace-tree.js";

/** Where a node's bar sits on the waterfall, as fractions (0..1) of the trace's extent. */
export interface TimelineBar {
  readonly left: number;
  readonly width: number;
  /** True when the observation has no end yet (drawn to the trace's end). */
  readonly open: boolean;
  /** True for a point in time (start = end, e.g. an event). */
  readonly instant: boolean;
}

/** The narrowest bar drawn, so that a 1 µs span in a 10 minute trace stays visible and clickable. */
export const MIN_BAR_FRACTION = 0.002;

/** The bar of one node. O(1), so the timeline computes only the rows on screen. */
export function timelineBar(tree: TraceTree, node: number): TimelineBar {
  const total = Math.max(1, tree.maxEndNs - tree.minStartNs);
  const start = tree.columns.startOffsetNs[node] ?? 0;
  const rawEnd = tree.columns.endOffsetNs[node];
  const open = rawEnd === null || rawEnd === undefined;
  const end = open ? tree.maxEndNs : Math.max(start, rawEnd);
  const left = Math.min(1, Math.max(0, (start - tree.minStartNs) / total));
  const width = Math.min(1 - left, Math.max(MIN_BAR_FRACTION, (end - start) / total));
  return { left, width: Math.max(0, width), open, instant: !open && end === start };
}

/** A tick of the time axis. */
export interface TimeTick {
  /** Fraction of the extent (0..1). */
  readonly at: number;
  /** Nanoseconds after the trace start. */
  readonly offsetNs: number;
}

const STEPS = [1, 2, 5];

/**
 * Evenly spaced ticks at round durations (1, 2, 5 × 10^k ns), about `target` of them across
 * `durationNs`.
 *
 * @example
 * timeTicks(1_000_000_000, 4) // ticks at 0, 250 ms? no: at 0, 200 ms, 400 ms, ... (round steps)
 */
export function timeTicks(durationNs: number, target = 5): TimeTick[] {
  if (!(durationNs > 0) || !Number.isFinite(durationNs)) return [{ at: 0, offsetNs: 0 }];
  const raw = durationNs / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = magnitude * 10;
  for (const s of STEPS) {
    if (s * magnitude >= raw) {
      step = s * magnitude;
      break;
    }
  }
  const ticks: TimeTick[] = [];
  for (let t = 0; t <= durationNs + step * 1e-9; t += step) ticks.push({ at: t / durationNs, offsetNs: t });
  return ticks;
}
