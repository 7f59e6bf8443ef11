import type { ObservationInput } from "../prepared-observation.js";
import type pg from "pg";
import type { ApiKeyRecord, ProjectRecord, SessionRecord, StoredObservation, TraceRecord, UserRecord } from "../records.js";
import type {
  InsertResult,
  ObservationQuery,
  ObservationStructure,
  Page,
  ProjectRetention,
  SessionQuery,
  TraceQuery,
  TraceStore,
} from "../trace-store.js";
import type { MetricsQuery, MetricsRow } from "../metrics-query.js";
import type { CustomModelPrice } from "../../pricing/custom-price.js";
import type { CostRecomputeFilter, CostRecomputeResult, Repricer } from "../cost-recompute.js";
import { StoreUnavailableError } from "../store-errors.js";
import type { BulkInsert } from "./pg-bulk-insert.js";
import { guarded } from "./pg-connection.js";
import type { PostgresTarget } from "./pg-connection.js";
import { PgMetricsQueries } from "./pg-metrics-queries.js";
import { PgCostRecompute } from "./pg-cost-recompute.js";
import { PgModelPriceQueries } from "./pg-model-price-queries.js";
import { PgObservationQueries } from "./pg-observation-queries.js";
import { PgObservationWriter } from "./pg-observation-writer.js";
import type { PartitionManager } from "./pg-partitions.js";
import { PgProjectKeyQueries } from "./pg-project-key-queries.js";
import { PgRetention } from "./pg-retention.js";
import { PgHourlyRollups } from "./pg-hourly-rollups.js";
import { migratePostgres } from "./pg-schema.js";
import { PgSessionUserQueries } from "./pg-session-user-queries.js";
import { PgTraceQueries } from "./pg-trace-queries.js";
import { inTransaction, withClient } from "./pg-transaction.js";

/**
 * The PostgreSQL `TraceStore`, for teams and for several stateless server processes on one
 * database. Every call borrows a pooled connection; an ingest is one transaction that resolves
 * after COMMIT. Unavailability (refused, lost or restarting database) rejects with
 * `StoreUnavailableError`; broken connections are discarded, so the pool recovers by itself when
 * the database is back. Open it with `openPostgresStore`.
 */
export class PostgresTraceStore implements TraceStore {
  /** Always `postgres`. */
  readonly kind = "postgres";
  /** Every `insertObservations` is its own transaction. */
  readonly groupsConcurrentWrites = false;
  /** Ingestion finds each observation's search words where it maps spans (`pg-lexemes.ts`). */
  readonly searchVectorsAtIngest = true;
  private readonly writer: PgObservationWriter;
  private readonly traces: PgTraceQueries;
  private readonly observations: PgObservationQueries;
  private readonly groups: PgSessionUserQueries;
  private readonly keys: PgProjectKeyQueries;
  private readonly retention: PgRetention;
  private readonly modelPrices: PgModelPriceQueries;
  private readonly costRecompute: PgCostRecompute;
  private readonly metrics: PgMetricsQueries;
  private readonly rollups: PgHourlyRollups;
  private closed = false;
  /** The bulk insert method in use (`copy` or `unnest`). */
  readonly bulkInsertMethod: string;

  /** Wraps a pool (see `openPostgresStore`). */
  constructor(
    private readonly pool: pg.Pool,
    /** Where it connects (for messages; never holds the password). */
    readonly target: PostgresTarget,
    private readonly partitions: PartitionManager,
    bulk: BulkInsert,
    /** Retries of an idempotent call on a broken connection: one more than the pool can hold idle. */
    private readonly brokenConnectionRetries = 11,
    onBackgroundError: (error: unknown) => void = () => {},
    rollupIntervalMillis?: number,
  ) {
    this.bulkInsertMethod = bulk.method;
    this.writer = new PgObservationWriter(bulk);
    this.traces = new PgTraceQueries(pool);
    this.observations = new PgObservationQueries(pool);
    this.groups = new PgSessionUserQueries(pool);
    this.keys = new PgProjectKeyQueries(pool);
    this.retention = new PgRetention(pool, partitions);
    this.modelPrices = new PgModelPriceQueries(pool);
    this.costRecompute = new PgCostRecompute(pool);
    this.metrics = new PgMetricsQueries(pool);
    this.rollups = new PgHourlyRollups(pool, rollupIntervalMillis, onBackgroundError);
  }

  /** Migrates the schema, then starts the metrics rollup job (which needs its tables). */
  async migrate(): Promise<void> {
    await this.run(() => withClient(this.pool, (client) => migratePostgres(client, this.target.schema)));
    if (this.closed) return;
    this.rollups.start();
  }

  async ensureProject(project: { id: string; name: string }): Promise<ProjectRecord> {
    return this.run(() => this.keys.ensureProject(project.id, project.name));
  }

  async listProjects(): Promise<ProjectRecord[]> {
    return this.run(() => this.keys.listProjects());
  }

  async setProjectRetention(projectId: string, retentionDays: number | null): Promise<boolean> {
    return this.run(() => this.keys.setProjectRetention(projectId, retentionDays));
  }

  async listProjectRetention(): Promise<ProjectRetention[]> {
    return this.run(() => this.keys.listProjectRetention());
  }

  async createApiKey(key: Omit<ApiKeyRecord, "lastUsedAtMs" | "revokedAtMs">): Promise<ApiKeyRecord> {
    return this.run(() => this.keys.createApiKey(key), false);
  }

  async findApiKeyByPublicKey(publicKey: string): Promise<ApiKeyRecord | null> {
    return this.run(() => this.keys.findApiKeyByPublicKey(publicKey));
  }

  async listApiKeys(projectId: string): Promise<ApiKeyRecord[]> {
    return this.run(() => this.keys.listApiKeys(projectId));
  }

  async revokeApiKey(projectId: string, keyId: string): Promise<boolean> {
    return this.run(() => this.keys.revokeApiKey(projectId, keyId));
  }

  async recordApiKeyUse(uses: ReadonlyArray<{ keyId: string; atMs: number }>): Promise<void> {
    return this.run(() => this.keys.recordApiKeyUse(uses));
  }

  /** One transaction; resolves after COMMIT (with PostgreSQL's default `synchronous_commit = on`, durable). */
  async insertObservations(projectId: string, observations: readonly ObservationInput[]): Promise<InsertResult> {
    if (observations.length === 0) return { written: 0, traceIds: [] };
    return this.run(async () => {
      await this.partitions.ensureFor(observations.map((o) => o.startTimeNs));
      return inTransaction(this.pool, (client) => this.writer.write(client, projectId, observations));
    });
  }

  async listTraces(projectId: string, query: TraceQuery): Promise<Page<TraceRecord>> {
    return this.run(() => this.traces.list(projectId, query));
  }

  async getTrace(projectId: string, traceId: string): Promise<TraceRecord | null> {
    return this.run(() => this.traces.get(projectId, traceId));
  }

  async getTraceObservations(projectId: string, traceId: string): Promise<StoredObservation[]> {
    return this.run(() => this.traces.observations(projectId, traceId));
  }

  async listObservationIds(projectId: string, traceIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.run(() => this.observations.observationIds(projectId, traceIds));
  }

  async getTraceStructure(projectId: string, traceId: string): Promise<ObservationStructure[]> {
    return this.run(() => this.observations.structure(projectId, traceId));
  }

  async listObservations(projectId: string, query: ObservationQuery): Promise<Page<StoredObservation>> {
    return this.run(() => this.observations.list(projectId, query));
  }

  async getObservation(projectId: string, observationId: string): Promise<StoredObservation | null> {
    return this.run(() => this.observations.get(projectId, observationId));
  }

  async listSessions(projectId: string, query: SessionQuery): Promise<Page<SessionRecord>> {
    return this.run(() => this.groups.listSessions(projectId, query));
  }

  async getSession(projectId: string, sessionId: string): Promise<{ session: SessionRecord; traces: TraceRecord[] } | null> {
    return this.run(() => this.groups.getSession(projectId, sessionId));
  }

  async listUsers(projectId: string, query: SessionQuery): Promise<Page<UserRecord>> {
    return this.run(() => this.groups.listUsers(projectId, query));
  }

  async queryMetrics(projectId: string, query: MetricsQuery): Promise<MetricsRow[]> {
    return this.run(() => this.metrics.query(projectId, query));
  }

  async listModelPrices(projectId: string): Promise<CustomModelPrice[]> {
    return this.run(() => this.modelPrices.listModelPrices(projectId));
  }

  async createModelPrice(price: CustomModelPrice): Promise<CustomModelPrice> {
    return this.run(() => this.modelPrices.createModelPrice(price), false);
  }

  async deleteModelPrice(projectId: string, id: string): Promise<boolean> {
    return this.run(() => this.modelPrices.deleteModelPrice(projectId, id));
  }

  /** Recomputes computed costs in chunks under ingestion's advisory locks (see `PgCostRecompute`). */
  async recomputeCosts(projectId: string, filter: CostRecomputeFilter, reprice: Repricer): Promise<CostRecomputeResult> {
    return this.run(() => this.costRecompute.recompute(projectId, filter, reprice), false);
  }

  /** Deletes a trace with its observations; false when the project has no such trace. */
  async deleteTrace(projectId: string, traceId: string): Promise<boolean> {
    return this.run(() => this.retention.deleteTrace(projectId, traceId));
  }

  /** Deletes every trace of a session; returns how many traces were deleted. */
  async deleteSession(projectId: string, sessionId: string): Promise<number> {
    return this.run(() => this.retention.deleteSession(projectId, sessionId));
  }

  /**
   * Retention: deletes the project's traces that started before `cutoffNs`, dropping whole daily
   * partitions where only this project's data lies before the cutoff. Returns the traces deleted.
   */
  async deleteTracesOlderThan(projectId: string, cutoffNs: bigint): Promise<number> {
    return this.run(async () => (await this.retention.deleteOlderThan(projectId, cutoffNs)).traces);
  }

  /** Like `deleteTracesOlderThan`, also saying how many whole partitions were dropped. */
  async applyRetention(projectId: string, cutoffNs: bigint): Promise<{ traces: number; partitionsDropped: number }> {
    return this.run(() => this.retention.deleteOlderThan(projectId, cutoffNs));
  }

  /**
   * Brings the metrics rollups of hours that are over up to date (otherwise within seconds). Full
   * text needs nothing: every row carries its words, searchable once committed.
   */
  async flushIndex(): Promise<void> {
    await this.run(() => this.rollups.flush());
  }

  /** Always 0: the words of an observation are indexed in the transaction that stores it. */
  async searchBacklog(): Promise<number> {
    if (this.closed) throw new Error("The store is closed.");
    return 0;
  }

  /** Stops the rollup job, waits for calls in flight and closes the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.rollups.stop();
    await this.pool.end();
  }

  /**
   * Runs a store call. Every call but `createApiKey` is idempotent (reads, idempotent writes), so a
   * call that met a connection broken by a database restart runs again on a fresh connection.
   */
  private async run<T>(body: () => Promise<T>, idempotent = true): Promise<T> {
    if (this.closed) throw new StoreUnavailableError("The store is closed.");
    return guarded(this.target, body, idempotent ? this.brokenConnectionRetries : 0);
  }
}
