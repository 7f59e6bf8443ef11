import type { ObservationInput } from "./prepared-observation.js";
import type { CustomModelPrice } from "../pricing/custom-price.js";
import type { CostRecomputeFilter, CostRecomputeResult, Repricer } from "./cost-recompute.js";
import type {
  ApiKeyRecord,
  LevelName,
  ObservationTypeName,
  ProjectRecord,
  SessionRecord,
  StoredObservation,
  TraceRecord,
  UserRecord,
} from "./records.js";
import type { MetricsQuery, MetricsRow } from "./metrics-query.js";

/** A page of results, Langfuse-style: 1-based page numbers. */
export interface Page<T> {
  data: T[];
  meta: { page: number; limit: number; totalItems: number; totalPages: number };
}

/** Paging: 1-based `page`, `limit` items per page (callers cap it, e.g. at 100). */
export interface PageRequest {
  page: number;
  limit: number;
}

/** Filters of `GET /api/public/traces`. Times are nanoseconds since the epoch. */
export interface TraceQuery extends PageRequest {
  userId?: string;
  sessionId?: string;
  name?: string;
  /** Every tag must be present. */
  tags?: string[];
  environment?: string[];
  /** The trace's worst level (e.g. `ERROR` for traces with an error). */
  level?: LevelName;
  fromStartTimeNs?: bigint;
  toStartTimeNs?: bigint;
  /** Full-text search over the observations' input and output (and the trace's). */
  search?: string;
  /** Default `timestamp.desc`. */
  orderBy?: { field: "timestamp" | "name" | "latency" | "totalCost" | "totalTokens" | "observationCount"; direction: "asc" | "desc" };
}

/** Filters of `GET /api/public/observations`. */
export interface ObservationQuery extends PageRequest {
  traceId?: string;
  type?: ObservationTypeName;
  name?: string;
  userId?: string;
  sessionId?: string;
  level?: LevelName;
  parentObservationId?: string;
  environment?: string[];
  fromStartTimeNs?: bigint;
  toStartTimeNs?: bigint;
}

/** Filters of sessions and users listings. */
export interface SessionQuery extends PageRequest {
  userId?: string;
  fromStartTimeNs?: bigint;
  toStartTimeNs?: bigint;
}

/** A project's retention override: traces older than `retentionDays` days are deleted; null follows the server default. */
export interface ProjectRetention {
  projectId: string;
  retentionDays: number | null;
}

/** The outcome of one `insertObservations` call. */
export interface InsertResult {
  /** Observations written (new or replacing an earlier copy of the same span). */
  written: number;
  /** Trace ids whose derived trace changed. */
  traceIds: string[];
}

/**
 * One observation's place in its trace's tree, without input, output or metadata: what the UI's
 * tree and timeline need for traces of 100,000 observations (see `getTraceStructure`).
 */
export interface ObservationStructure {
  id: string;
  parentObservationId: string | null;
  name: string;
  type: ObservationTypeName;
  startTimeNs: bigint;
  endTimeNs: bigint | null;
  level: LevelName;
  model: string | null;
  totalTokens: number;
  /** USD. */
  totalCost: number;
}

/**
 * Where traces live. One implementation per database (SQLite embedded by default, Postgres for
 * teams); one contract test suite runs against every implementation. Every method is scoped to a
 * project: nothing of one project is visible through another.
 */
export interface TraceStore {
  /** `sqlite` or `postgres`. */
  readonly kind: string;

  /**
   * True when the store indexes full text from word lists prepared at ingestion
   * (`PreparedObservation.searchVector`; PostgreSQL), which ingestion then computes where it maps
   * spans (an ingest worker). A record without them gets them in the store.
   */
  readonly searchVectorsAtIngest?: boolean;

  /**
   * True when concurrent `insertObservations` calls share one transaction (SQLite's group commit):
   * ingestion may then write a request in chunks as they are mapped, and the chunks still commit
   * together. False when every call is its own transaction (PostgreSQL), where chunks would
   * multiply the per-transaction work.
   */
  readonly groupsConcurrentWrites: boolean;

  /** Creates or upgrades the schema. Idempotent. */
  migrate(): Promise<void>;

  /** Creates the project if it does not exist; returns it. */
  ensureProject(project: { id: string; name: string }): Promise<ProjectRecord>;
  listProjects(): Promise<ProjectRecord[]>;

  /** Stores a new key pair (the secret already hashed). */
  createApiKey(key: Omit<ApiKeyRecord, "lastUsedAtMs" | "revokedAtMs">): Promise<ApiKeyRecord>;
  /** The key with this public key, revoked or not. */
  findApiKeyByPublicKey(publicKey: string): Promise<ApiKeyRecord | null>;
  listApiKeys(projectId: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when it does not exist in that project. */
  revokeApiKey(projectId: string, keyId: string): Promise<boolean>;

  /** Records when keys were last used (a later time than the stored one wins). Unknown key ids are ignored. */
  recordApiKeyUse(uses: ReadonlyArray<{ keyId: string; atMs: number }>): Promise<void>;

  /**
   * Writes observations and updates their derived traces in ONE transaction. Resolves only once
   * the data is durable (committed): an acknowledged request survives a crash. A span that arrives
   * again (a retry) replaces its earlier copy and is counted once. The derived traces are the same
   * whatever the order and grouping in which a trace's spans arrive.
   */
  insertObservations(projectId: string, observations: readonly ObservationInput[]): Promise<InsertResult>;

  listTraces(projectId: string, query: TraceQuery): Promise<Page<TraceRecord>>;
  getTrace(projectId: string, traceId: string): Promise<TraceRecord | null>;
  /** Every observation of a trace, ordered by start time. */
  getTraceObservations(projectId: string, traceId: string): Promise<StoredObservation[]>;

  /**
   * The observation ids of each trace (by start time), without loading inputs and outputs: the trace
   * list shows them (Langfuse's `observations: [ids]`). Optional: without it the HTTP layer falls
   * back to `getTraceObservations` per trace.
   */
  listObservationIds?(projectId: string, traceIds: readonly string[]): Promise<Map<string, string[]>>;

  /**
   * The structure of a trace's observations (by start time), without inputs, outputs and metadata.
   * Optional: without it the HTTP layer derives it from `getTraceObservations`.
   */
  getTraceStructure?(projectId: string, traceId: string): Promise<ObservationStructure[]>;

  listObservations(projectId: string, query: ObservationQuery): Promise<Page<StoredObservation>>;
  /** An observation by id (ids are unique per trace; the first match by start time is returned). */
  getObservation(projectId: string, observationId: string): Promise<StoredObservation | null>;

  listSessions(projectId: string, query: SessionQuery): Promise<Page<SessionRecord>>;
  getSession(projectId: string, sessionId: string): Promise<{ session: SessionRecord; traces: TraceRecord[] } | null>;

  listUsers(projectId: string, query: SessionQuery): Promise<Page<UserRecord>>;

  /**
   * Aggregates over the project's traces or observations in a time range (`GET /api/public/metrics`),
   * exactly what the rows as stored when the query runs give (hourly rollups answer the hours whose
   * rows have not changed since they were rolled up). Rows are sorted by bucket, then dimensions.
   */
  queryMetrics(projectId: string, query: MetricsQuery): Promise<MetricsRow[]>;

  /**
   * Finishes the background work on what is stored now: full-text indexing and the id lookup, and
   * the metrics rollups of hours that are over. Reads are right without it; tests and benchmarks
   * call it to reach the steady state at once.
   */
  flushIndex(): Promise<void>;

  /**
   * Observations stored but not yet in the full-text index (searches catch up first, so this is
   * how far the background indexing is behind, not what a search misses).
   */
  searchBacklog(): Promise<number>;

  /**
   * Deletes a trace with its observations, and its share of its session and user. False when the
   * project has no such trace.
   */
  deleteTrace(projectId: string, traceId: string): Promise<boolean>;

  /** Deletes every trace of a session (and so the session). Returns the traces deleted. */
  deleteSession(projectId: string, sessionId: string): Promise<number>;

  /**
   * Retention: deletes the project's traces that started before `cutoffNs` (nanoseconds since the
   * epoch) with all their observations, without blocking ingestion for long (in chunks; whole
   * partitions where the store has them). Returns the traces deleted.
   */
  deleteTracesOlderThan(projectId: string, cutoffNs: bigint): Promise<number>;

  /**
   * Sets a project's retention override in days (null: the server-wide default applies). False when
   * the project does not exist.
   */
  setProjectRetention(projectId: string, retentionDays: number | null): Promise<boolean>;

  /** Every project with its retention override (null when it follows the server-wide default). */
  listProjectRetention(): Promise<ProjectRetention[]>;

  /** The project's custom model prices, oldest first. */
  listModelPrices(projectId: string): Promise<CustomModelPrice[]>;

  /** Stores a custom model price (already validated; ids are unique per project). */
  createModelPrice(price: CustomModelPrice): Promise<CustomModelPrice>;

  /** Deletes a custom model price; false when the project has no such price. */
  deleteModelPrice(projectId: string, id: string): Promise<boolean>;

  /**
   * Recomputes the computed (never the provided) costs of the project's observations that the
   * filter selects, with `reprice`, in chunks that do not block ingestion for long, keeping the
   * trace, session and user cost totals exact.
   */
  recomputeCosts(projectId: string, filter: CostRecomputeFilter, reprice: Repricer): Promise<CostRecomputeResult>;

  /** Flushes background work (e.g. full-text indexing) and closes the database. */
  close(): Promise<void>;
}
