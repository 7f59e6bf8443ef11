import type { ObservationInput } from "../prepared-observation.js";
import type { Database } from "better-sqlite3";
import type {
  ApiKeyRecord,
  ProjectRecord,
  SessionRecord,
  StoredObservation,
  TraceRecord,
  UserRecord,
} from "../records.js";
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
import type { BackgroundMaintenance } from "./background-maintenance.js";
import { SqliteCostRecompute } from "./cost-recompute.js";
import { ModelPriceQueries } from "./model-price-queries.js";
import { DEFAULT_FTS_INTERVAL_MILLIS } from "./fts-indexer.js";
import type { FtsIndexerOptions } from "./fts-indexer.js";
import { MetricsReader } from "./metrics-reader.js";
import { DEFAULT_ROLLUP_INTERVAL_MILLIS, HourlyRollups } from "./hourly-rollups.js";
import { ObservationIdsQuery } from "./observation-ids-query.js";
import { ObservationQueries } from "./observation-queries.js";
import { GroupCommit } from "./group-commit.js";
import { ObservationWriter } from "./observation-writer.js";
import { ProjectCounters } from "./project-counters.js";
import { ProjectKeyQueries } from "./project-key-queries.js";
import { migrateSchema } from "./schema.js";
import { SessionUserQueries } from "./session-user-queries.js";
import { TraceQueries } from "./trace-queries.js";
import { TraceStructureQuery } from "./trace-structure-query.js";
import { TraceDeletion } from "./trace-deletion.js";
import { SearchMaintenance } from "./search-maintenance.js";
import { SEARCH_SCHEMA } from "./search-schema.js";

/** Rows per full-text transaction when this thread indexes (no background thread): short turns. */
const IN_THREAD_FTS_BATCH_ROWS = 256;
/** Longest one indexing turn of this thread takes before it lets requests in. */
const IN_THREAD_SLICE_MILLIS = 25;

/**
 * The embedded `TraceStore`: one SQLite file, one connection, one writer. better-sqlite3 is
 * synchronous; the methods still return promises so the store is interchangeable with the
 * Postgres one, and a failure is a rejected promise, never a throw. Open it with
 * `openSqliteStore`, which sets the pragmas and migrates.
 */
export class SqliteTraceStore implements TraceStore {
  /** Always `sqlite`. */
  readonly kind = "sqlite";
  /** Calls made while the thread is busy share one transaction (`GroupCommit`). */
  readonly groupsConcurrentWrites = true;
  private readonly search: SearchMaintenance;
  private readonly rollups: HourlyRollups;
  private searchTimer: NodeJS.Timeout | undefined;
  private rollupTimer: NodeJS.Timeout | undefined;
  private readonly writer: ObservationWriter;
  private readonly groupCommit: GroupCommit;
  private readonly traces: TraceQueries;
  private readonly observations: ObservationQueries;
  private readonly groups: SessionUserQueries;
  private readonly keys: ProjectKeyQueries;
  private readonly structure: TraceStructureQuery;
  private readonly observationIds: ObservationIdsQuery;
  private readonly deletion: TraceDeletion;
  private readonly modelPrices: ModelPriceQueries;
  private readonly costRecompute: SqliteCostRecompute;
  private readonly metrics: MetricsReader;
  private closed = false;

  /**
   * Wraps an open, migrated database and a connection to it with the search database attached
   * (`db` itself without a background thread; see `openSqliteStore`). With `background`, checkpoints,
   * indexing and rollups run on that thread; otherwise they run here, in time slices.
   */
  constructor(
    private readonly db: Database,
    private readonly searchDb: Database,
    indexerOptions: FtsIndexerOptions = {},
    private readonly onIndexerError: (error: unknown) => void = () => {},
    private readonly background?: BackgroundMaintenance,
    rollupIntervalMillis: number = DEFAULT_ROLLUP_INTERVAL_MILLIS,
  ) {
    // This thread indexes too: to flush, to catch up before a search, and without a background thread.
    this.search = new SearchMaintenance(searchDb, { batchRows: IN_THREAD_FTS_BATCH_ROWS, ...indexerOptions });
    const counters = new ProjectCounters(db);
    this.writer = new ObservationWriter(db, counters);
    this.groupCommit = new GroupCommit(this.writer, undefined, background === undefined ? undefined : (delta) => background.writerQueued(delta));
    this.traces = new TraceQueries(db, searchDb, (maxRows) => this.search.fts.flush(maxRows), counters);
    this.observations = new ObservationQueries(db, searchDb, counters);
    this.groups = new SessionUserQueries(db);
    this.keys = new ProjectKeyQueries(db);
    this.structure = new TraceStructureQuery(db);
    this.observationIds = new ObservationIdsQuery(db);
    this.deletion = new TraceDeletion(db, counters);
    this.modelPrices = new ModelPriceQueries(db);
    this.costRecompute = new SqliteCostRecompute(db);
    this.metrics = new MetricsReader(db);
    this.rollups = new HourlyRollups(db);
    if (background === undefined) {
      const intervalMillis = indexerOptions.intervalMillis ?? DEFAULT_FTS_INTERVAL_MILLIS;
      this.scheduleSearch(intervalMillis, intervalMillis);
      this.rollupTimer = setInterval(() => {
        try {
          this.rollups.rollupOnce();
        } catch (error) {
          onIndexerError(error);
        }
      }, rollupIntervalMillis);
      this.rollupTimer.unref();
    }
  }

  /** This thread's indexing turns (no background thread): a slice, then again at once while work remains. */
  private scheduleSearch(intervalMillis: number, delayMillis: number): void {
    this.searchTimer = setTimeout(() => {
      let more = false;
      try {
        more = this.search.step(IN_THREAD_SLICE_MILLIS);
      } catch (error) {
        this.onIndexerError(error);
      }
      if (!this.closed) this.scheduleSearch(intervalMillis, more ? 0 : intervalMillis);
    }, delayMillis);
    this.searchTimer.unref();
  }

  async migrate(): Promise<void> {
    migrateSchema(this.db);
  }

  async ensureProject(project: { id: string; name: string }): Promise<ProjectRecord> {
    return this.keys.ensureProject(project.id, project.name);
  }

  async listProjects(): Promise<ProjectRecord[]> {
    return this.keys.listProjects();
  }

  async setProjectRetention(projectId: string, retentionDays: number | null): Promise<boolean> {
    return this.keys.setProjectRetention(projectId, retentionDays);
  }

  async listProjectRetention(): Promise<ProjectRetention[]> {
    return this.keys.listProjectRetention();
  }

  async createApiKey(key: Omit<ApiKeyRecord, "lastUsedAtMs" | "revokedAtMs">): Promise<ApiKeyRecord> {
    return this.keys.createApiKey(key);
  }

  async findApiKeyByPublicKey(publicKey: string): Promise<ApiKeyRecord | null> {
    return this.keys.findApiKeyByPublicKey(publicKey);
  }

  async listApiKeys(projectId: string): Promise<ApiKeyRecord[]> {
    return this.keys.listApiKeys(projectId);
  }

  async revokeApiKey(projectId: string, keyId: string): Promise<boolean> {
    return this.keys.revokeApiKey(projectId, keyId);
  }

  async recordApiKeyUse(uses: ReadonlyArray<{ keyId: string; atMs: number }>): Promise<void> {
    this.assertOpen();
    if (uses.length > 0) this.keys.recordApiKeyUse(uses);
  }

  /**
   * Commits before resolving; with `synchronous=NORMAL` the commit survives a process crash. Calls
   * made while the thread is busy share one transaction (see `GroupCommit`).
   */
  async insertObservations(projectId: string, observations: readonly ObservationInput[]): Promise<InsertResult> {
    if (this.closed) throw new Error("The store is closed.");
    return this.groupCommit.submit(projectId, observations);
  }

  async listTraces(projectId: string, query: TraceQuery): Promise<Page<TraceRecord>> {
    return this.traces.list(projectId, query);
  }

  async getTrace(projectId: string, traceId: string): Promise<TraceRecord | null> {
    return this.traces.get(projectId, traceId);
  }

  async getTraceObservations(projectId: string, traceId: string): Promise<StoredObservation[]> {
    return this.traces.observations(projectId, traceId);
  }

  /** The observation ids of each trace by start time, from an index (no IO is read). */
  async listObservationIds(projectId: string, traceIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.observationIds.run(projectId, traceIds);
  }

  async getTraceStructure(projectId: string, traceId: string): Promise<ObservationStructure[]> {
    return this.structure.run(projectId, traceId);
  }

  async listObservations(projectId: string, query: ObservationQuery): Promise<Page<StoredObservation>> {
    return this.observations.list(projectId, query);
  }

  async getObservation(projectId: string, observationId: string): Promise<StoredObservation | null> {
    return this.observations.get(projectId, observationId);
  }

  async listSessions(projectId: string, query: SessionQuery): Promise<Page<SessionRecord>> {
    return this.groups.listSessions(projectId, query);
  }

  async getSession(projectId: string, sessionId: string): Promise<{ session: SessionRecord; traces: TraceRecord[] } | null> {
    return this.groups.getSession(projectId, sessionId);
  }

  async listUsers(projectId: string, query: SessionQuery): Promise<Page<UserRecord>> {
    return this.groups.listUsers(projectId, query);
  }

  async queryMetrics(projectId: string, query: MetricsQuery): Promise<MetricsRow[]> {
    return this.metrics.query(projectId, query);
  }

  /**
   * Deletes a trace with its observations; false when the project has no such trace. Batches
   * queued for the group commit are written first, so an insert submitted before the deletion
   * cannot bring the trace back afterwards.
   */
  async deleteTrace(projectId: string, traceId: string): Promise<boolean> {
    this.assertOpen();
    this.groupCommit.flush();
    return this.deletion.deleteTraces(projectId, [traceId]) > 0;
  }

  /** Deletes every trace of a session, in chunks; returns the traces deleted. */
  async deleteSession(projectId: string, sessionId: string): Promise<number> {
    return this.deleteInChunks(projectId, () => this.deletion.sessionTraceIds(projectId, sessionId));
  }

  /** Deletes the project's traces that started before `cutoffNs`, in chunks; returns the traces deleted. */
  async deleteTracesOlderThan(projectId: string, cutoffNs: bigint): Promise<number> {
    return this.deleteInChunks(projectId, () => this.deletion.traceIdsOlderThan(projectId, cutoffNs));
  }

  /**
   * Deletes chunk after chunk (one transaction each) until `next` finds nothing, yielding to the
   * event loop between chunks so that ingestion and reads interleave with a long retention run.
   */
  private async deleteInChunks(projectId: string, next: () => string[]): Promise<number> {
    let total = 0;
    for (;;) {
      this.assertOpen();
      this.groupCommit.flush();
      const ids = next();
      if (ids.length === 0) return total;
      total += this.deletion.deleteTraces(projectId, ids);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async listModelPrices(projectId: string): Promise<CustomModelPrice[]> {
    return this.modelPrices.listModelPrices(projectId);
  }

  async createModelPrice(price: CustomModelPrice): Promise<CustomModelPrice> {
    return this.modelPrices.createModelPrice(price);
  }

  async deleteModelPrice(projectId: string, id: string): Promise<boolean> {
    return this.modelPrices.deleteModelPrice(projectId, id);
  }

  /**
   * Recomputes computed costs in chunks (see `SqliteCostRecompute`). Queued ingest batches are
   * committed before each chunk, so every observation acknowledged before the call is included.
   */
  async recomputeCosts(projectId: string, filter: CostRecomputeFilter, reprice: Repricer): Promise<CostRecomputeResult> {
    return this.costRecompute.recompute(projectId, filter, reprice, () => {
      this.assertOpen();
      this.groupCommit.flush();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("The store is closed.");
  }

  /**
   * Makes every stored observation searchable now (the indexer otherwise catches up within ~200 ms)
   * and brings the metrics rollups of hours that are over up to date (otherwise within seconds).
   */
  async flushIndex(): Promise<void> {
    this.search.flush();
    this.rollups.flush();
  }

  /** Observations stored but not yet in the full-text index. */
  indexBacklog(): number {
    return this.search.fts.backlog();
  }

  async searchBacklog(): Promise<number> {
    this.assertOpen();
    return this.indexBacklog();
  }

  /**
   * Commits queued writes, checkpoints the WALs into the database files and closes. Idempotent.
   * Indexing that has not caught up goes on at the next start (the search database is derived and
   * a search catches up first), so a shutdown after a burst of ingestion does not wait for it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.searchTimer);
    clearInterval(this.rollupTimer);
    try {
      this.groupCommit.flush();
    } finally {
      await this.background?.stop();
      await this.metrics.close();
    }
    try {
      this.db.pragma("optimize");
      this.db.pragma("wal_checkpoint(TRUNCATE)");
      if (this.searchDb !== this.db) this.searchDb.pragma(`${SEARCH_SCHEMA}.wal_checkpoint(TRUNCATE)`);
    } finally {
      if (this.searchDb !== this.db) this.searchDb.close();
      this.db.close();
    }
  }
}
