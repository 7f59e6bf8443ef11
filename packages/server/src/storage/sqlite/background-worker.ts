// Worker-thread entry of `BackgroundMaintenance`: its own connections to the database file and to
// the search database, WAL checkpoints of the main file, the search database (full text, id lookup,
// purges of deleted rows) and the metrics rollups, off the ingest thread. Stops (closing the
// connections) on "stop".
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { errorMessage } from "@sightline/core";
import type { BackgroundWorkerData, BackgroundWorkerMessage } from "./background-maintenance.js";
import { HourlyRollups } from "./hourly-rollups.js";
import { SearchMaintenance } from "./search-maintenance.js";
import { attachSearch } from "./search-schema.js";
import { WalCheckpointer } from "./wal-checkpointer.js";

/** Longest one indexing run holds this thread before checking for "stop", the checkpoint and the rollups. */
const SLICE_MILLIS = 100;

/** Under a sustained load, dirty metrics rollup hours are recomputed at least this many intervals apart. */
const ROLLUP_MIN_PROGRESS_INTERVALS = 5;

/** Niceness of this thread: the ingest threads come first when the cores are busy. */
const BACKGROUND_NICENESS = 10;

/**
 * Lowers this thread's scheduling priority (Linux: `/proc/thread-self` names the thread, and
 * setpriority on a thread id applies to that thread only). Elsewhere, or when refused, it stays as it is.
 */
function lowerThreadPriority(): void {
  try {
    const threadId = Number(/task\/(\d+)$/.exec(readlinkSync("/proc/thread-self"))?.[1]);
    if (Number.isSafeInteger(threadId) && threadId > 0) setPriority(threadId, BACKGROUND_NICENESS);
  } catch {
    // Not Linux, or not permitted: background work then competes at normal priority.
  }
}

lowerThreadPriority();
const data = workerData as BackgroundWorkerData;
const writerQueued = new Int32Array(data.writerState);
const db = new Database(data.file);
db.pragma(`busy_timeout = ${Math.max(0, Math.floor(data.busyTimeoutMillis))}`);
db.pragma("synchronous = NORMAL");
db.defaultSafeIntegers(true);
// The search database attached: indexing transactions write only it (see searchWrite), never the main file.
attachSearch(db, data.searchFile);
const maintenance = new SearchMaintenance(db, { batchRows: data.ftsBatchRows });
// A second connection to the main database, only to hold the write lock for a WAL restart.
const lock = new Database(data.file);
const checkpointer = new WalCheckpointer(db, lock, data.walRestartPages);
const rollups = new HourlyRollups(db);

let stopping = false;
let timer: NodeJS.Timeout | undefined;
let lastCheckpoint = performance.now();
let lastRollup = performance.now();

function post(message: BackgroundWorkerMessage): void {
  parentPort?.postMessage(message);
}

/** One step: a checkpoint when due, the metrics rollups when due, then search indexing for a slice. */
function step(): void {
  timer = undefined;
  if (stopping) return;
  let more = false;
  try {
    const now = performance.now();
    if (now - lastCheckpoint >= data.checkpointIntervalMillis) {
      checkpointer.checkpoint();
      lastCheckpoint = performance.now();
    }
    // Metrics rollups of hours that are over: reading runs outside the write lock, writing is short,
    // and waits while the ingest writer has batches queued (up to a few intervals).
    const sinceRollup = performance.now() - lastRollup;
    const rollupEvery = data.rollupIntervalMillis;
    if (sinceRollup >= rollupEvery && (Atomics.load(writerQueued, 0) === 0 || sinceRollup >= ROLLUP_MIN_PROGRESS_INTERVALS * rollupEvery)) {
      rollups.rollupOnce();
      lastRollup = performance.now();
    }
    // The search database is this thread's alone (and the store thread's, for flushes): no waiting on ingestion.
    more = maintenance.step(SLICE_MILLIS);
  } catch (error) {
    post({ type: "error", message: errorMessage(error) });
  }
  // With work left, go on after a short pause; else poll.
  timer = setTimeout(step, more ? 1 : Math.min(data.ftsIntervalMillis, data.checkpointIntervalMillis));
}

parentPort?.on("message", (message: unknown) => {
  if (message !== "stop") return;
  stopping = true;
  if (timer !== undefined) clearTimeout(timer);
  try {
    lock.close();
    db.close();
  } finally {
    post({ type: "stopped" });
    parentPort?.close();
  }
});

step();
