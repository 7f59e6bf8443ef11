import type { ObservationRecord, ObservationTypeName, TraceRecord } from "@sightline/server";

/** A small seeded PRNG (mulberry32), so shuffles and generated data are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of the items in a random order. */
export function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** The items cut into consecutive batches of random sizes (1..maxSize). */
export function randomBatches<T>(random: () => number, items: readonly T[], maxSize: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    batches.push(items.slice(i, i + size));
    i += size;
  }
  return batches;
}

/** Hex id of a given length from a number (stable, readable in failures). */
export function hexId(n: number, length: 16 | 32): string {
  return n.toString(16).padStart(length, "0");
}

/** 2026-01-01T00:00:00Z in nanoseconds, plus a little so that times exceed 2^53 in ns with sub-ms digits. */
export const BASE_NS = 1_767_225_600_000_000_000n + 123_456n;

/** A complete observation with defaults; override what the test is about. */
export function observation(overrides: Partial<ObservationRecord> & { id: string; traceId: string }): ObservationRecord {
  return {
    parentObservationId: null,
    name: "step",
    type: "SPAN",
    startTimeNs: BASE_NS,
    endTimeNs: BASE_NS + 1_000_000n,
    completionStartTimeNs: null,
    level: "DEFAULT",
    statusMessage: null,
    version: null,
    environment: "default",
    input: null,
    output: null,
    metadata: {},
    model: null,
    modelParameters: null,
    usageDetails: {},
    costDetails: {},
    promptName: null,
    promptVersion: null,
    isAppRoot: overrides.parentObservationId === undefined || overrides.parentObservationId === null,
    trace: {},
    resourceAttributes: { "service.name": "test" },
    scope: { name: "sightline-test", version: "1.0.0" },
    ...overrides,
  };
}

const WORDS = ["refund", "invoice", "weather", "paris", "kernel", "latency", "banana", "quartz", "orbit", "ledger", "tariff", "violet"];

/** Options of `realisticTrace`. */
export interface TraceShape {
  traceId: string;
  /** Observations in the trace, root included. */
  size: number;
  startNs?: bigint;
  userId?: string;
  sessionId?: string;
  tags?: string[];
  environment?: string;
  /** A word put into the root input, to search for. */
  marker?: string;
}

/**
 * A trace as the SDK would send it: an agent root carrying the trace attributes, children nested
 * up to four deep that carry the propagated user/session/tags, generations with usage and cost,
 * a tool that warns, chat-shaped input and output, per-span metadata and a late trace update.
 */
export function realisticTrace(random: () => number, shape: TraceShape): ObservationRecord[] {
  const start = shape.startNs ?? BASE_NS;
  const propagated = {
    ...(shape.userId !== undefined ? { userId: shape.userId } : {}),
    ...(shape.sessionId !== undefined ? { sessionId: shape.sessionId } : {}),
    ...(shape.tags !== undefined ? { tags: shape.tags } : {}),
  };
  const environment = shape.environment ?? "default";
  const word = () => WORDS[Math.floor(random() * WORDS.length)] as string;
  const sentence = (n: number) => Array.from({ length: n }, word).join(" ");
  const records: ObservationRecord[] = [];
  const rootId = `${shape.traceId.slice(0, 8)}00000001`;
  records.push(
    observation({
      id: rootId,
      traceId: shape.traceId,
      name: "agent-run",
      type: "AGENT",
      startTimeNs: start,
      endTimeNs: start + BigInt(shape.size) * 3_000_000n + 7n,
      environment,
      input: { messages: [{ role: "user", content: `${shape.marker ?? ""} please ${sentence(6)}\nthanks` }] },
      output: { role: "assistant", content: sentence(12) },
      metadata: { step: "root" },
      trace: { ...propagated, name: "support-chat", release: "r-1", version: "v1", environment, metadata: { source: "root", tier: "gold" } },
    }),
  );
  const types: ObservationTypeName[] = ["GENERATION", "TOOL", "RETRIEVER", "SPAN", "CHAIN", "EVENT"];
  while (records.length < shape.size) {
    const parent = records[Math.floor(random() * records.length)] as ObservationRecord;
    const type = types[Math.floor(random() * types.length)] as ObservationTypeName;
    const begin = parent.startTimeNs + BigInt(1 + Math.floor(random() * 2_000_000));
    const generation = type === "GENERATION";
    const inputTokens = 50 + Math.floor(random() * 500);
    const outputTokens = 10 + Math.floor(random() * 200);
    records.push(
      observation({
        id: `${shape.traceId.slice(0, 8)}${(records.length + 1).toString(16).padStart(8, "0")}`,
        traceId: shape.traceId,
        parentObservationId: parent.id,
        isAppRoot: false,
        name: `${type.toLowerCase()}-${records.length % 5}`,
        type,
        startTimeNs: begin,
        endTimeNs: type === "EVENT" ? begin : begin + BigInt(1 + Math.floor(random() * 2_500_000)),
        level: type === "TOOL" && random() < 0.3 ? "WARNING" : random() < 0.05 ? "DEBUG" : "DEFAULT",
        environment,
        input: generation ? [{ role: "system", content: sentence(8) }, { role: "user", content: sentence(20) }] : { query: sentence(5) },
        output: generation ? { role: "assistant", content: sentence(30) } : sentence(10),
        metadata: { index: records.length },
        model: generation ? "gpt-4o-mini" : null,
        modelParameters: generation ? { temperature: 0.2, max_tokens: 512 } : null,
        usageDetails: generation ? { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens } : {},
        costDetails: generation ? { input: inputTokens * 0.00000015, output: outputTokens * 0.0000006 } : {},
        trace: {
          ...propagated,
          ...(records.length === 3 ? { metadata: { tier: "silver", late: true }, output: { final: sentence(4) } } : {}),
          ...(records.length === 4 ? { tags: [...(shape.tags ?? []), "has-tool"] } : {}),
        },
      }),
    );
  }
  return records;
}

/** A trace without the fields that record when it was written (they differ between runs). */
export function withoutWriteTimes(trace: TraceRecord | null): Omit<TraceRecord, "createdAtMs" | "updatedAtMs"> | null {
  if (trace === null) return null;
  const { createdAtMs: _created, updatedAtMs: _updated, ...rest } = trace;
  return rest;
}
