import { Worker } from "node:worker_threads";
import { DEFAULT_FTS_BATCH_ROWS } from "./fts-indexer.js";
import { DEFAULT_ROLLUP_INTERVAL_MILLIS } from "./hourly-rollups.js";
import { DEFAULT_WAL_RESTART_PAGES } from "./wal-checkpointer.js";

/** Options of the background maintenance thread. */
export interface BackgroundMaintenanceOptions {
  /** The database file (never `:memory:`: the thread opens its own connection). */
  file: string;
  /** The search database file (see `search-schema.ts`). */
  searchFile: string;
  /** How often the thread checkpoints the WAL into the database file. Default `DEFAULT_BACKGROUND_CHECKPOINT_MILLIS`. */
  checkpointIntervalMillis?: number | undefined;
  /** How long the thread waits for the write lock. */
  busyTimeoutMillis: number;
  /** Rows per full-text indexing transaction. Default `DEFAULT_FTS_BATCH_ROWS`. */
  ftsBatchRows?: number;
  /** Polling period when there is nothing to index. */
  ftsIntervalMillis: number;
  /** How often dirty metrics rollup hours are recomputed. Default `DEFAULT_ROLLUP_INTERVAL_MILLIS`. */
  rollupIntervalMillis?: number | undefined;
  /** The WAL size, in pages, past which a checkpoint lets the writer start the WAL over (`WalCheckpointer`). Default `DEFAULT_WAL_RESTART_PAGES`. */
  walRestartPages?: number | undefined;
}

/** What the worker receives (`workerData`). */
export interface BackgroundWorkerData {
  readonly file: string;
  readonly searchFile: string;
  readonly checkpointIntervalMillis: number;
  readonly busyTimeoutMillis: number;
  readonly ftsBatchRows: number;
  readonly ftsIntervalMillis: number;
  readonly rollupIntervalMillis: number;
  readonly walRestartPages: number;
  /** Int32Array[1]: batches waiting for the ingest writer (the thread yields while it is non-zero). */
  readonly writerState: SharedArrayBuffer;
}

/** Messages from the worker. */
export type BackgroundWorkerMessage = { type: "error"; message: string } | { type: "stopped" };

/** WAL checkpoint period of the background thread. */
export const DEFAULT_BACKGROUND_CHECKPOINT_MILLIS = 500;

/**
 * The SQLite store's second thread, with its own connections: it checkpoints the WAL of the main
 * database (PASSIVE, so the writer never waits for the copying, and keeping the WAL from growing
 * without bound: `WalCheckpointer`), keeps the search database up to date (full
 * text, the id lookup, purges of deleted rows: `SearchMaintenance`) and recomputes the metrics
 * rollups, all OFF the thread that commits and acknowledges ingestion. A checkpoint copies every
 * page written since the last one into the database file and fsyncs it; done by the writer itself
 * (SQLite's autocheckpoint) it costs the request that crosses the threshold tens of milliseconds.
 * The search database is a file of its own, so its large indexing transactions never hold the lock
 * that ingestion commits under. The thread runs at a lower CPU priority than ingestion.
 *
 * The ingest writer announces queued batches through a shared counter; the rollups' short write
 * transactions on the main database wait while batches are queued (up to a few intervals).
 */
export class BackgroundMaintenance {
  private readonly worker: Worker;
  private readonly writerState: Int32Array;
  private stopped: Promise<void> | undefined;
  private exited = false;

  constructor(options: BackgroundMaintenanceOptions, onError: (error: unknown) => void) {
    const shared = new SharedArrayBuffer(4);
    this.writerState = new Int32Array(shared);
    const data: BackgroundWorkerData = {
      file: options.file,
      searchFile: options.searchFile,
      checkpointIntervalMillis: options.checkpointIntervalMillis ?? DEFAULT_BACKGROUND_CHECKPOINT_MILLIS,
      busyTimeoutMillis: options.busyTimeoutMillis,
      ftsBatchRows: options.ftsBatchRows ?? DEFAULT_FTS_BATCH_ROWS,
      ftsIntervalMillis: options.ftsIntervalMillis,
      rollupIntervalMillis: options.rollupIntervalMillis ?? DEFAULT_ROLLUP_INTERVAL_MILLIS,
      walRestartPages: options.walRestartPages ?? DEFAULT_WAL_RESTART_PAGES,
      writerState: shared,
    };
    this.worker = new Worker(new URL("./background-worker.js", import.meta.url), { workerData: data });
    this.worker.on("message", (message: BackgroundWorkerMessage) => {
      if (message.type === "error") onError(new Error(`Background maintenance: ${message.message}`));
    });
    this.worker.on("error", (error) => onError(error));
    this.worker.on("exit", () => {
      this.exited = true;
    });
    // The thread never keeps the process alive: close() stops it, and an exiting process may drop it.
    this.worker.unref();
  }

  /** Batches are waiting for the writer (+1) or were written (-1). */
  writerQueued(delta: number): void {
    Atomics.add(this.writerState, 0, delta);
  }

  /** Stops the thread after its current step; resolves once its connection is closed. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.exited
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.worker.once("exit", () => resolve());
          // Referenced again while stopping: the process must not end before the connection closed.
          this.worker.ref();
          this.worker.postMessage("stop");
        });
    return this.stopped;
  }
}
