import { useEffect, useRef, useSyncExternalStore } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Granularity } from "../model/time-range.js";
import { formatBucket } from "../model/time-range.js";

/** One line of a chart: its label, values (one per bucket; null is a gap) and a CSS colour variable. */
export interface ChartLine {
  label: string;
  values: ReadonlyArray<number | null>;
  color: string;
}

function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}

/** The `<html data-theme>` value, so charts redraw in the theme's colours when it is toggled. */
function useThemeAttribute(): string {
  return useSyncExternalStore(subscribeTheme, () => document.documentElement.dataset.theme ?? "light");
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || name;
}

const HEIGHT = 190;

/**
 * A time-series line chart (uPlot: canvas, ~50 KB, draws thousands of points in a millisecond). The
 * chart is rebuilt when the theme, the lines or the buckets change, and resized with its container.
 */
export function TimeSeriesChart({
  title,
  x,
  lines,
  granularity,
  format,
}: {
  title: string;
  x: readonly number[];
  lines: readonly ChartLine[];
  granularity: Granularity;
  format: (value: number) => string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const theme = useThemeAttribute();

  useEffect(() => {
    const el = container.current;
    if (el === null) return;
    const text = cssVar("--text-2");
    const grid = cssVar("--border");
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: "11px system-ui, sans-serif" };
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      padding: [8, 16, 0, 0],
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      series: [
        { label: "Time", value: (_u, v) => (v === null ? "–" : formatBucket(v * 1000, granularity)) },
        ...lines.map((line) => ({
          label: line.label,
          stroke: cssVar(line.color),
          width: 2,
          points: { show: x.length <= 60 },
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null ? "–" : format(v)),
        })),
      ],
      axes: [
        { ...axis, values: (_u, ticks) => ticks.map((t) => formatBucket(t * 1000, granularity, true)) },
        { ...axis, size: 64, values: (_u, ticks) => ticks.map((t) => format(t)) },
      ],
    };
    const data: uPlot.AlignedData = [x.map((t) => t / 1000), ...lines.map((l) => l.values.map((v) => v))];
    const chart = new uPlot(options, data, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [x, lines, granularity, format, theme]);

  return (
    <figure className="chart card" data-testid={`chart-${title}`}>
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={container} className="chart-canvas" />
    </figure>
  );
}
