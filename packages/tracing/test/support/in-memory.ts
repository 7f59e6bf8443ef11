// Test support: a real OpenTelemetry SDK (BasicTracerProvider + AsyncLocalStorage context manager)
// exporting to memory, plus helpers to read the recorded spans as observation trees.
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SightlineAttributes as A, configureLogger, getLogger } from "@sightline/core";
import type { LogLevel } from "@sightline/core";

export interface Recorded {
  exporter: InMemorySpanExporter;
  provider: BasicTracerProvider;
}

let recorded: Recorded | undefined;

/** Registers (once per test process) a global provider that records every ended span in memory. */
export function recordSpans(): Recorded {
  if (recorded) return recorded;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 1024 },
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  recorded = { exporter, provider };
  return recorded;
}

/** Every span ended so far, then forgets them. */
export function takeSpans(): ReadableSpan[] {
  const spans = recordSpans().exporter.getFinishedSpans();
  recordSpans().exporter.reset();
  return [...spans];
}

/** The one span with this name (fails the test if there is not exactly one). */
export function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${found.length}`);
  return found[0]!;
}

/** A span's observation type attribute. */
export function typeOf(span: ReadableSpan): unknown {
  return span.attributes[A.OBSERVATION_TYPE];
}

export interface TreeNode {
  name: string;
  type: unknown;
  children: TreeNode[];
}

/**
 * The observation trees of the recorded spans: roots are spans whose parent was not recorded.
 * Children are sorted by start time, then name.
 */
export function trees(spans: readonly ReadableSpan[]): TreeNode[] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const build = (span: ReadableSpan): TreeNode => ({
    name: span.name,
    type: typeOf(span),
    children: spans
      .filter((c) => c.parentSpanContext?.spanId === span.spanContext().spanId)
      .sort(byStart)
      .map(build),
  });
  return spans
    .filter((s) => s.parentSpanContext === undefined || !ids.has(s.parentSpanContext.spanId))
    .sort(byStart)
    .map(build);
}

function byStart(a: ReadableSpan, b: ReadableSpan): number {
  const d = a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];
  return d !== 0 ? d : a.name.localeCompare(b.name);
}

/** Captures the SDK logger's lines while `fn` runs. */
export async function captureLogs<R>(fn: () => R | Promise<R>, level: LogLevel = "DEBUG"): Promise<{ result: R; lines: string[] }> {
  const lines: string[] = [];
  getLogger().reset();
  configureLogger({ level, sink: (lvl, message) => lines.push(`${lvl} ${message}`) });
  try {
    const result = await fn();
    return { result, lines };
  } finally {
    getLogger().reset();
    configureLogger({ level: "NONE" });
  }
}

/**
 * Decodes a JSON-encoded attribute of the wire format (everything that is not a plain string is
 * sent as JSON). Fails the test if the attribute is missing or not a JSON string.
 */
export function jsonAttribute(span: ReadableSpan, key: string): unknown {
  const raw = span.attributes[key];
  if (typeof raw !== "string") throw new Error(`attribute ${key} of span ${span.name} is ${JSON.stringify(raw)}, not a JSON string`);
  return JSON.parse(raw);
}

/** The id of a span's parent, or undefined for a root. */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/**
 * Trees with every level's children sorted by name, for comparisons that do not depend on sibling
 * order (OpenTelemetry start times have millisecond precision, so siblings started in the same
 * millisecond cannot be ordered by time).
 */
export function canonicalTrees(nodes: readonly TreeNode[]): TreeNode[] {
  return [...nodes]
    .map((n) => ({ name: n.name, type: n.type, children: canonicalTrees(n.children) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
