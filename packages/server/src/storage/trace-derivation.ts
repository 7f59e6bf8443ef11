import { LEVEL_RANK } from "./records.js";
import type { LevelName, ObservationRecord, TraceContribution } from "./records.js";

/**
 * Trace derivation as a commutative monoid: every observation contributes a normalised
 * `ObservationContribution`, and `addContribution` folds it into a `TraceAggregate`. Each field is
 * combined with an operation that does not depend on order (min, max, integer sums, counted sets,
 * "earliest source wins"), so a trace's spans give the same trace whatever the order and grouping
 * in which they arrive. The aggregate keeps the bookkeeping (per-level and per-tag counts, the
 * source of every winning value) that lets a replaced span be retracted without re-reading the
 * trace in the common case. Shared by every `TraceStore` implementation.
 */

/** Costs are summed as integer pico-USD: float addition is not associative, integer addition is. */
export const PICO_USD_PER_USD = 1_000_000_000_000;

/** The trace fields taken from the earliest-starting observation that carries them. */
export const SCALAR_TRACE_FIELDS = ["name", "userId", "sessionId", "release", "version", "environment"] as const;

/** One of `SCALAR_TRACE_FIELDS`. */
export type ScalarTraceField = (typeof SCALAR_TRACE_FIELDS)[number];

/** Orders sources: earlier start first, then by id (ids are unique within a trace, so this is total). */
export interface SourceKey {
  startNs: bigint;
  id: string;
}

/** A value and the observation it came from. */
export interface Winner<T> {
  value: T;
  key: SourceKey;
}

/** Root candidates rank: 0 = no parent, 1 = `isAppRoot`, 2 = any other observation. */
export type RootPriority = 0 | 1 | 2;

/** What one observation contributes to its trace, normalised (empty strings and nulls dropped). */
export interface ObservationContribution {
  id: string;
  startNs: bigint;
  endNs: bigint | null;
  rootPriority: RootPriority;
  /** The observation's own name and environment: the fallbacks when no span names the trace. */
  name: string;
  environment: string;
  levelRank: number;
  tokens: number;
  costPico: bigint;
  fields: Readonly<Partial<Record<ScalarTraceField, string>>>;
  public: boolean;
  /** Sorted, unique. */
  tags: readonly string[];
  metadata: Readonly<Record<string, unknown>>;
  hasInput: boolean;
  hasOutput: boolean;
}

/** The running state of one trace. Serialised with `serializeAggregate`. */
export interface TraceAggregate {
  startNs: bigint;
  endNs: bigint | null;
  observationCount: number;
  totalTokens: number;
  totalCostPico: bigint;
  /** Observations per level rank (DEBUG..ERROR), so the worst level survives a retraction. */
  levelCounts: number[];
  /** Observations carrying each tag. */
  tagCounts: Record<string, number>;
  publicCount: number;
  fields: Partial<Record<ScalarTraceField, Winner<string>>>;
  metadata: Record<string, Winner<unknown>>;
  /** The observation whose explicit trace input/output wins, if any. */
  input: SourceKey | null;
  output: SourceKey | null;
  root: { priority: RootPriority; key: SourceKey; name: string; environment: string } | null;
}

/** The columns of a derived trace, as stored. */
export interface DerivedTrace {
  name: string | null;
  userId: string | null;
  sessionId: string | null;
  release: string | null;
  version: string | null;
  environment: string;
  public: boolean;
  tags: string[];
  metadata: Record<string, unknown>;
  startNs: bigint;
  endNs: bigint | null;
  observationCount: number;
  totalTokens: number;
  totalCostPico: bigint;
  level: LevelName;
  rootObservationId: string | null;
  /** Where the trace input comes from: an explicit trace input, else the root's own input. */
  inputSource: { observationId: string; explicit: boolean } | null;
  outputSource: { observationId: string; explicit: boolean } | null;
}

const LEVELS_BY_RANK: LevelName[] = ["DEBUG", "DEFAULT", "WARNING", "ERROR"];

/** -1, 0 or 1 as `a` sorts before, with or after `b`. */
export function compareKeys(a: SourceKey, b: SourceKey): number {
  if (a.startNs !== b.startNs) return a.startNs < b.startNs ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The token count of one observation: `total`, else the sum of every bucket. Rounded to an integer. */
export function tokensOf(usageDetails: Record<string, number>): number {
  return Math.round(totalOf(usageDetails));
}

/** The cost of one observation in pico-USD: `total`, else the sum of every bucket. */
export function costPicoOf(costDetails: Record<string, number>): bigint {
  return BigInt(Math.round(totalOf(costDetails) * PICO_USD_PER_USD));
}

function totalOf(details: Record<string, number>): number {
  const total = details["total"];
  if (typeof total === "number" && Number.isFinite(total)) return total;
  let sum = 0;
  for (const value of Object.values(details)) if (typeof value === "number" && Number.isFinite(value)) sum += value;
  return Number.isFinite(sum) ? sum : 0;
}

/** The facts about an observation that derivation reads (a record, or a stored row). */
export interface ContributionSource {
  id: string;
  startNs: bigint;
  endNs: bigint | null;
  parentObservationId: string | null;
  isAppRoot: boolean;
  name: string;
  environment: string;
  level: LevelName;
  tokens: number;
  costPico: bigint;
  /** The trace contribution; `input`/`output` are ignored in favour of `hasInput`/`hasOutput`. */
  trace: TraceContribution;
  hasInput: boolean;
  hasOutput: boolean;
}

/** The source facts of a freshly mapped record. */
export function sourceOfRecord(record: ObservationRecord): ContributionSource {
  return {
    id: record.id,
    startNs: record.startTimeNs,
    endNs: record.endTimeNs,
    parentObservationId: record.parentObservationId,
    isAppRoot: record.isAppRoot,
    name: record.name,
    environment: record.environment,
    level: record.level,
    tokens: tokensOf(record.usageDetails),
    costPico: costPicoOf(record.costDetails),
    trace: record.trace,
    hasInput: isPresent(record.trace.input),
    hasOutput: isPresent(record.trace.output),
  };
}

/** True for a value that counts as "carried" (not undefined or null). */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * The part of an observation's contribution that comes from its trace contribution alone
 * (`ContributionSource.trace`), normalised. The observations of one trace usually carry the same
 * trace contribution, so several contributions may share one (derivation only reads it).
 */
export interface TraceFacts {
  readonly fields: Readonly<Partial<Record<ScalarTraceField, string>>>;
  readonly public: boolean;
  /** Sorted, unique. */
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Normalises a trace contribution: empty strings dropped, tags sorted and unique (`trace.metadata` is kept as it is). */
export function traceFactsOf(trace: TraceContribution): TraceFacts {
  const fields: Partial<Record<ScalarTraceField, string>> = {};
  for (const field of SCALAR_TRACE_FIELDS) {
    const value = trace[field];
    if (typeof value === "string" && value !== "") fields[field] = value;
  }
  const tags = Array.isArray(trace.tags) ? [...new Set(trace.tags.filter((tag): tag is string => typeof tag === "string" && tag !== ""))].sort() : [];
  const metadata = isPlainObject(trace.metadata) ? trace.metadata : {};
  return { fields, public: trace.public === true, tags, metadata };
}

/** Normalises what an observation says about its trace. */
export function contributionOf(source: ContributionSource): ObservationContribution {
  return contributionFrom(source, traceFactsOf(source.trace));
}

/** `contributionOf` with the trace contribution already normalised (`traceFactsOf`). */
export function contributionFrom(source: Omit<ContributionSource, "trace">, facts: TraceFacts): ObservationContribution {
  return {
    id: source.id,
    startNs: source.startNs,
    endNs: source.endNs,
    rootPriority: source.parentObservationId === null ? 0 : source.isAppRoot ? 1 : 2,
    name: source.name,
    environment: source.environment,
    levelRank: LEVEL_RANK[source.level] ?? LEVEL_RANK.DEFAULT,
    tokens: source.tokens,
    costPico: source.costPico,
    fields: facts.fields,
    public: facts.public,
    tags: facts.tags,
    metadata: facts.metadata,
    hasInput: source.hasInput,
    hasOutput: source.hasOutput,
  };
}

/** A trace holding one observation. */
export function newAggregate(contribution: ObservationContribution): TraceAggregate {
  const aggregate: TraceAggregate = {
    startNs: contribution.startNs,
    endNs: null,
    observationCount: 0,
    totalTokens: 0,
    totalCostPico: 0n,
    levelCounts: [0, 0, 0, 0],
    tagCounts: {},
    publicCount: 0,
    fields: {},
    metadata: {},
    input: null,
    output: null,
    root: null,
  };
  addContribution(aggregate, contribution);
  return aggregate;
}

/** Folds a new observation into the aggregate (mutates it). */
export function addContribution(aggregate: TraceAggregate, c: ObservationContribution): void {
  aggregate.observationCount += 1;
  addCounted(aggregate, c, 1);
  mergeExtremesAndWinners(aggregate, c);
}

/**
 * Replaces an observation's earlier contribution by its new one (same id), in place. Returns
 * false, leaving the aggregate untouched, when that cannot be done exactly without the other
 * observations (the old copy held the minimum start, the maximum end or a winning value that the
 * new copy does not keep): the caller then recomputes the trace from its stored observations.
 */
export function replaceContribution(aggregate: TraceAggregate, old: ObservationContribution, next: ObservationContribution): boolean {
  if (!canReplace(aggregate, old, next)) return false;
  addCounted(aggregate, old, -1);
  addCounted(aggregate, next, 1);
  mergeExtremesAndWinners(aggregate, next);
  return true;
}

function canReplace(aggregate: TraceAggregate, old: ObservationContribution, next: ObservationContribution): boolean {
  if (old.id !== next.id) return false;
  // Same id: the new copy's key sorts no later than the old one's exactly when it starts no later.
  const keepsPlace = next.startNs <= old.startNs;
  if (old.startNs === aggregate.startNs && !keepsPlace) return false;
  if (old.endNs !== null && old.endNs === aggregate.endNs && (next.endNs === null || next.endNs < old.endNs)) return false;
  for (const field of SCALAR_TRACE_FIELDS) {
    if (aggregate.fields[field]?.key.id === old.id && (next.fields[field] === undefined || !keepsPlace)) return false;
  }
  for (const [key, winner] of Object.entries(aggregate.metadata)) {
    if (winner.key.id === old.id && (!Object.prototype.hasOwnProperty.call(next.metadata, key) || !keepsPlace)) return false;
  }
  if (aggregate.input?.id === old.id && (!next.hasInput || !keepsPlace)) return false;
  if (aggregate.output?.id === old.id && (!next.hasOutput || !keepsPlace)) return false;
  const root = aggregate.root;
  if (root?.key.id === old.id && (next.rootPriority > root.priority || (next.rootPriority === root.priority && !keepsPlace))) return false;
  return true;
}

/** The invertible parts: sums and counts. */
function addCounted(aggregate: TraceAggregate, c: ObservationContribution, sign: 1 | -1): void {
  aggregate.totalTokens += sign * c.tokens;
  aggregate.totalCostPico += sign === 1 ? c.costPico : -c.costPico;
  aggregate.levelCounts[c.levelRank] = (aggregate.levelCounts[c.levelRank] ?? 0) + sign;
  if (c.public) aggregate.publicCount += sign;
  for (const tag of c.tags) {
    const count = (ownValue(aggregate.tagCounts, tag) ?? 0) + sign;
    if (count > 0) setOwn(aggregate.tagCounts, tag, count);
    else delete aggregate.tagCounts[tag];
  }
}

/** Min, max and "earliest source wins"; a source with the same id as the winner replaces it. */
function mergeExtremesAndWinners(aggregate: TraceAggregate, c: ObservationContribution): void {
  const key: SourceKey = { startNs: c.startNs, id: c.id };
  if (c.startNs < aggregate.startNs) aggregate.startNs = c.startNs;
  if (c.endNs !== null && (aggregate.endNs === null || c.endNs > aggregate.endNs)) aggregate.endNs = c.endNs;
  for (const field of SCALAR_TRACE_FIELDS) {
    const value = c.fields[field];
    const current = aggregate.fields[field];
    if (value !== undefined && wins(key, current?.key)) aggregate.fields[field] = { value, key };
  }
  for (const [name, value] of Object.entries(c.metadata)) {
    if (wins(key, ownValue(aggregate.metadata, name)?.key)) setOwn(aggregate.metadata, name, { value, key });
  }
  if (c.hasInput && wins(key, aggregate.input ?? undefined)) aggregate.input = key;
  if (c.hasOutput && wins(key, aggregate.output ?? undefined)) aggregate.output = key;
  const root = aggregate.root;
  if (
    root === null ||
    root.key.id === c.id ||
    c.rootPriority < root.priority ||
    (c.rootPriority === root.priority && compareKeys(key, root.key) < 0)
  ) {
    aggregate.root = { priority: c.rootPriority, key, name: c.name, environment: c.environment };
  }
}

function wins(candidate: SourceKey, current: SourceKey | undefined): boolean {
  return current === undefined || current.id === candidate.id || compareKeys(candidate, current) < 0;
}

/** The trace as stored: winners resolved, fallbacks applied, sets sorted. */
export function deriveTrace(aggregate: TraceAggregate): DerivedTrace {
  const f = aggregate.fields;
  const root = aggregate.root;
  let worst = 0;
  aggregate.levelCounts.forEach((count, rank) => {
    if (count > 0) worst = rank;
  });
  const metadata: Record<string, unknown> = {};
  for (const name of Object.keys(aggregate.metadata).sort()) setOwn(metadata, name, ownValue(aggregate.metadata, name)?.value);
  const source = (explicit: SourceKey | null) =>
    explicit !== null ? { observationId: explicit.id, explicit: true } : root !== null ? { observationId: root.key.id, explicit: false } : null;
  return {
    name: f.name?.value ?? root?.name ?? null,
    userId: f.userId?.value ?? null,
    sessionId: f.sessionId?.value ?? null,
    release: f.release?.value ?? null,
    version: f.version?.value ?? null,
    environment: f.environment?.value ?? root?.environment ?? "default",
    public: aggregate.publicCount > 0,
    tags: Object.keys(aggregate.tagCounts).sort(),
    metadata,
    startNs: aggregate.startNs,
    endNs: aggregate.endNs,
    observationCount: aggregate.observationCount,
    totalTokens: aggregate.totalTokens,
    totalCostPico: aggregate.totalCostPico,
    level: LEVELS_BY_RANK[worst] ?? "DEFAULT",
    rootObservationId: root?.key.id ?? null,
    inputSource: source(aggregate.input),
    outputSource: source(aggregate.output),
  };
}

/** Sets an own property, safely for keys such as `__proto__` that come from user data. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function ownValue<T>(target: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
