import { availableParallelism } from "node:os";
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

/** Metrics threads at most: a dashboard's queries run side by side, one per core. */
export const MAX_METRICS_THREADS = 2;

/** One metrics thread and the queries it has in flight. */
interface MetricsThread {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (rows: MetricsRow[]) => void; reject: (error: Error) => void }>;
}

/**
 * Runs metrics queries for the SQLite store. For a database file they run on worker threads with
 * their own read-only connections (WAL readers see every committed write), so a dashboard over a
 * month of observations never stalls the thread that commits and acknowledges ingestion. Up to
 * `threads` (default: one per core, at most `MAX_METRICS_THREADS`) are started as queries come in,
 * and each query goes to the thread with the fewest in flight, so a dashboard's independent
 * queries run side by side. An in-memory database has one connection, so there they run in-thread.
 */
export class MetricsReader {
  private readonly inThread: MetricsQueries | undefined;
  private readonly threads: MetricsThread[] = [];
  private readonly maxThreads: number;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly db: Database,
    threads: number = Math.min(MAX_METRICS_THREADS, availableParallelism()),
  ) {
    // In memory (or an anonymous temporary file): no other connection can see it.
    this.inThread = db.memory || db.name === "" ? new MetricsQueries(db) : undefined;
    this.maxThreads = Math.max(1, Math.floor(threads));
  }

  /** The rows of a validated metrics query. */
  query(projectId: string, query: MetricsQuery): Promise<MetricsRow[]> {
    if (this.inThread !== undefined) return Promise.resolve(this.inThread.query(projectId, query));
    if (this.closed) return Promise.reject(new Error("The store is closed."));
    const thread = this.pick();
    const id = this.nextId++;
    return new Promise<MetricsRow[]>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      if (thread.pending.size === 1) thread.worker.ref();
      thread.worker.postMessage({ id, projectId, query } satisfies MetricsWorkerRequest);
    });
  }

  /** Stops the threads (queries in flight fail); resolves once their connections are closed. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    await Promise.all(
      threads.map(
        (thread) =>
          new Promise<void>((resolve) => {
            thread.worker.once("exit", () => resolve());
            thread.worker.ref();
            thread.worker.postMessage("stop");
          }),
      ),
    );
    for (const thread of threads) failAll(thread, new Error("The store was closed during a metrics query."));
  }

  /** An idle thread, else a new one while fewer than the maximum run, else the least busy. */
  private pick(): MetricsThread {
    const idle = this.threads.find((thread) => thread.pending.size === 0);
    if (idle !== undefined) return idle;
    if (this.threads.length < this.maxThreads) return this.start();
    return this.threads.reduce((best, thread) => (thread.pending.size < best.pending.size ? thread : best));
  }

  private start(): MetricsThread {
    const data: MetricsWorkerData = {
      file: this.db.name,
      busyTimeoutMillis: Number(this.db.pragma("busy_timeout", { simple: true })),
      cacheSize: Number(this.db.pragma("cache_size", { simple: true })),
    };
    const worker = new Worker(new URL("./metrics-worker.js", import.meta.url), { workerData: data });
    const thread: MetricsThread = { worker, pending: new Map() };
    worker.on("message", (response: MetricsWorkerResponse) => {
      const waiting = thread.pending.get(response.id);
      if (waiting === undefined) return;
      thread.pending.delete(response.id);
      if (thread.pending.size === 0) worker.unref();
      if ("error" in response) waiting.reject(new Error(response.error));
      else waiting.resolve(response.rows);
    });
    worker.on("error", (error) => failAll(thread, error));
    worker.on("exit", () => {
      const index = this.threads.indexOf(thread);
      if (index !== -1) this.threads.splice(index, 1);
      failAll(thread, new Error("The metrics thread stopped."));
    });
    // Idle, a thread never keeps the process alive (it is referenced while queries are in flight).
    worker.unref();
    this.threads.push(thread);
    return thread;
  }
}

function failAll(thread: MetricsThread, error: Error): void {
  for (const waiting of thread.pending.values()) waiting.reject(error);
  thread.pending.clear();
}
