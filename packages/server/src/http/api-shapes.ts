import { usageClassesOf } from "../mapping/usage-classes.js";
import type { CostExplanation } from "../pricing/price-types.js";
import type { SessionRecord, StoredObservation, TraceRecord, UserRecord } from "../storage/records.js";

// The Langfuse public API shapes (v1 traces, observations, sessions) so existing scripts and clients
// work, plus Sightline's extras: full-precision `*UnixNano` times as decimal strings, counts, level.

/** Nanoseconds → ISO 8601 (millisecond precision, as Langfuse); null when out of the Date range. */
export function isoFromNanos(ns: bigint | null): string | null {
  if (ns === null) return null;
  const date = new Date(Number(ns / 1_000_000n));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function nanosString(ns: bigint | null): string | null {
  return ns === null ? null : ns.toString();
}

function seconds(fromNs: bigint | null, toNs: bigint | null): number | null {
  return fromNs === null || toNs === null ? null : Number(toNs - fromNs) / 1e9;
}

function sumKeys(details: Record<string, number>, includes?: string): number {
  let sum = 0;
  for (const [key, value] of Object.entries(details)) {
    if (key === "total" || (includes !== undefined && !key.includes(includes))) continue;
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** A usage or cost map's total: its `total` key, else the sum of the other keys. */
export function detailsTotal(details: Record<string, number>): number {
  const total = details.total;
  return total !== undefined && Number.isFinite(total) ? total : sumKeys(details);
}

/** A Langfuse observation (`ObservationView`) with Sightline's extras. */
export function observationToApi(o: StoredObservation): Record<string, unknown> {
  const inputTokens = sumKeys(o.usageDetails, "input");
  const outputTokens = sumKeys(o.usageDetails, "output");
  const totalTokens = detailsTotal(o.usageDetails);
  return {
    id: o.id,
    traceId: o.traceId,
    projectId: o.projectId,
    type: o.type,
    name: o.name,
    startTime: isoFromNanos(o.startTimeNs),
    endTime: isoFromNanos(o.endTimeNs),
    completionStartTime: isoFromNanos(o.completionStartTimeNs),
    startTimeUnixNano: nanosString(o.startTimeNs),
    endTimeUnixNano: nanosString(o.endTimeNs),
    completionStartTimeUnixNano: nanosString(o.completionStartTimeNs),
    model: o.model,
    modelParameters: o.modelParameters,
    input: o.input ?? null,
    output: o.output ?? null,
    metadata: o.metadata,
    level: o.level,
    statusMessage: o.statusMessage,
    parentObservationId: o.parentObservationId,
    version: o.version,
    environment: o.environment,
    usageDetails: o.usageDetails,
    costDetails: o.costDetails,
    usage: { input: inputTokens, output: outputTokens, total: totalTokens, unit: "TOKENS" },
    unit: "TOKENS",
    promptTokens: inputTokens,
    completionTokens: outputTokens,
    totalTokens,
    promptId: null,
    promptName: o.promptName,
    promptVersion: o.promptVersion,
    latency: seconds(o.startTimeNs, o.endTimeNs),
    timeToFirstToken: seconds(o.startTimeNs, o.completionStartTimeNs),
    ...costFields(o),
  };
}

/**
 * The cost fields of an observation: Langfuse's `calculated*Cost` (null when there is no cost,
 * never an invented 0), `modelId` and per-token `inputPrice` / `outputPrice` of the price used,
 * and Sightline's `usageClasses`, `costSource` and `costExplanation` (why it costs what it costs).
 */
function costFields(o: StoredObservation): Record<string, unknown> {
  const hasCost = Object.keys(o.costDetails).length > 0;
  // Observations stored before costs were explained: a cost can only have come from the client.
  const explanation: CostExplanation | null = o.costExplanation ?? (hasCost ? { source: "provided" } : null);
  const computed = explanation?.source === "computed" ? explanation : null;
  const perToken = (cls: string): number | null => {
    const rate = computed?.classes.find((c) => c.class === cls)?.usdPerMillion;
    return rate === undefined ? null : rate / 1_000_000;
  };
  return {
    usageClasses: Object.keys(o.usageDetails).length > 0 ? usageClassesOf(o.usageDetails) : null,
    calculatedInputCost: hasCost ? sumKeys(o.costDetails, "input") : null,
    calculatedOutputCost: hasCost ? sumKeys(o.costDetails, "output") : null,
    calculatedTotalCost: hasCost ? detailsTotal(o.costDetails) : null,
    costSource: explanation === null || explanation.source === "none" ? null : explanation.source,
    costExplanation: explanation,
    modelId: computed === null ? null : computed.price.kind === "custom" ? computed.price.priceId : `${computed.price.providerId}/${computed.price.modelId}`,
    inputPrice: perToken("input"),
    outputPrice: perToken("output"),
    totalPrice: null,
  };
}

/**
 * A Langfuse trace with Sightline's extras. `observations` are ids in lists and full observations
 * in the detail view; undefined leaves the field out (the list's `fields` parameter).
 */
export function traceToApi(
  t: TraceRecord,
  observations: readonly string[] | readonly StoredObservation[] | undefined,
  options: { io?: boolean } = {},
): Record<string, unknown> {
  const io = options.io ?? true;
  return {
    id: t.id,
    projectId: t.projectId,
    timestamp: isoFromNanos(t.startTimeNs),
    name: t.name,
    ...(io ? { input: t.input ?? null, output: t.output ?? null, metadata: t.metadata } : {}),
    sessionId: t.sessionId,
    release: t.release,
    version: t.version,
    userId: t.userId,
    tags: t.tags,
    public: t.public,
    bookmarked: false,
    environment: t.environment,
    htmlPath: `/project/${encodeURIComponent(t.projectId)}/traces/${encodeURIComponent(t.id)}`,
    latency: t.latencySeconds,
    totalCost: t.totalCost,
    ...(observations === undefined
      ? {}
      : { observations: observations.map((o) => (typeof o === "string" ? o : observationToApi(o))) }),
    scores: [],
    createdAt: new Date(t.createdAtMs).toISOString(),
    updatedAt: new Date(t.updatedAtMs).toISOString(),
    startTimeUnixNano: nanosString(t.startTimeNs),
    endTimeUnixNano: nanosString(t.endTimeNs),
    observationCount: t.observationCount,
    totalTokens: t.totalTokens,
    level: t.level,
  };
}

/** A Langfuse session with Sightline's aggregates; the detail view adds `traces`. */
export function sessionToApi(s: SessionRecord, traces?: readonly TraceRecord[]): Record<string, unknown> {
  return {
    id: s.id,
    projectId: s.projectId,
    createdAt: isoFromNanos(s.firstTraceStartNs),
    environment: s.environment,
    userIds: s.userIds,
    traceCount: s.traceCount,
    totalTokens: s.totalTokens,
    totalCost: s.totalCost,
    firstTraceTimestamp: isoFromNanos(s.firstTraceStartNs),
    lastTraceEndTimestamp: isoFromNanos(s.lastTraceEndNs),
    startTimeUnixNano: nanosString(s.firstTraceStartNs),
    endTimeUnixNano: nanosString(s.lastTraceEndNs),
    duration: seconds(s.firstTraceStartNs, s.lastTraceEndNs),
    ...(traces === undefined ? {} : { traces: traces.map((t) => traceToApi(t, undefined)) }),
  };
}

/** One user of the users listing (a Sightline addition; Langfuse has it in its UI only). */
export function userToApi(u: UserRecord): Record<string, unknown> {
  return {
    userId: u.id,
    traceCount: u.traceCount,
    sessionCount: u.sessionCount,
    totalTokens: u.totalTokens,
    totalCost: u.totalCost,
    firstSeen: isoFromNanos(u.firstSeenNs),
    lastSeen: isoFromNanos(u.lastSeenNs),
    firstSeenUnixNano: nanosString(u.firstSeenNs),
    lastSeenUnixNano: nanosString(u.lastSeenNs),
  };
}
