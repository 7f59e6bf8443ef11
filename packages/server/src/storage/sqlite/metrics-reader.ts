import { Worker } from "node:worker_threads";
import type { Database } from "better-sqlite3";
import type { MetricsQuery, MetricsRow } from "../metrics-query.js";
import { MetricsQueries } from "./metrics-queries.js";

/** What the metrics worker receives (`workerData`): the file and the main connection's settings. */
export interface MetricsWorkerData {
  readonly file: string;
  readonly busyTimeoutMillis: number;
  /** `PRAGMA cache_size` as the main connection has it (negative: KiB). */
  readonly cacheSize: number;
}

/** One query for the worker. */
export interface MetricsWorkerRequest {
  id: number;
  projectId: string;
  query: MetricsQuery;
}

/** The worker's answer to one request. */
export type MetricsWorkerResponse = { id: number; rows: MetricsRow[] } | { id: number; error: string };

/**
 * Runs metrics queries for the SQLite store. For a database file they run on a worker thread with
 * its own read-only connection (WAL readers see every committed write), so a dashboard over a month
 * of observations never stalls the thread that commits and acknowledges ingestion; the thread starts
 * on the first query. An in-memory database has one connection, so there they run in-thread.
 * Queries run one at a time on the thread, in arrival order.
 */
export class MetricsReader {
  private readonly inThread: MetricsQueries | undefined;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (rows: MetricsRow[]) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly db: Database) {
    // In memory (or an anonymous temporary file): no other connection can see it.
    this.inThread = db.memory || db.name === "" ? new MetricsQueries(db) : undefined;
  }

  /** The rows of a validated metrics query. */
  query(projectId: string, query: MetricsQuery): Promise<MetricsRow[]> {
    if (this.inThread !== undefined) return Promise.resolve(this.inThread.query(projectId, query));
    if (this.closed) return Promise.reject(new Error("The store is closed."));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<MetricsRow[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, projectId, query } satisfies MetricsWorkerRequest);
    });
  }

  /** Stops the worker (queries in flight fail); resolves once its connection is closed. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker === undefined) return;
    await new Promise<void>((resolve) => {
      worker.once("exit", () => resolve());
      worker.ref();
      worker.postMessage("stop");
    });
    this.failAll(new Error("The store was closed during a metrics query."));
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const data: MetricsWorkerData = {
      file: this.db.name,
      busyTimeoutMillis: Number(this.db.pragma("busy_timeout", { simple: true })),
      cacheSize: Number(this.db.pragma("cache_size", { simple: true })),
    };
    const worker = new Worker(new URL("./metrics-worker.js", import.meta.url), { workerData: data });
    worker.on("message", (response: MetricsWorkerResponse) => {
      const waiting = this.pending.get(response.id);
      if (waiting === undefined) return;
      this.pending.delete(response.id);
      if (this.pending.size === 0) worker.unref();
      if ("error" in response) waiting.reject(new Error(response.error));
      else waiting.resolve(response.rows);
    });
    worker.on("error", (error) => this.failAll(error));
    worker.on("exit", () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error("The metrics thread stopped."));
    });
    // Idle, the thread never keeps the process alive (it is referenced while queries are in flight).
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
