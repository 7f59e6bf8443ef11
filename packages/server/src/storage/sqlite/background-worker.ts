// Worker-thread entry of `BackgroundMaintenance`: its own connection to the database file, WAL
// checkpoints, full-text indexing, the id lookup and the metrics rollups off the ingest thread. Stops (closing the connection) on "stop".
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { errorMessage } from "@sightline/core";
import type { BackgroundWorkerData, BackgroundWorkerMessage } from "./background-maintenance.js";
import { FtsIndexer } from "./fts-indexer.js";
import { HourlyRollups } from "./hourly-rollups.js";
import { DEFAULT_ID_INDEX_BATCH_ROWS, ObservationIdIndexer } from "./observation-id-indexer.js";

/** Longest one indexing run holds this thread before checking for "stop" and the checkpoint. */
const SLICE_MILLIS = 50;
/** Under a sustained load (batches always queued) one indexing transaction still runs this often. */
const FTS_MIN_PROGRESS_MILLIS = 100;

/** The id lookup is indexed at least this often when rows are pending, even in part batches. */
const ID_INDEX_EVERY_MILLIS = 1_000;
/** Under a sustained load, one id-indexing transaction still runs this often. */
const ID_MIN_PROGRESS_MILLIS = 250;

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
const indexer = new FtsIndexer(db, { batchRows: data.ftsBatchRows });
const idIndexer = new ObservationIdIndexer(db);
const rollups = new HourlyRollups(db);

let stopping = false;
let timer: NodeJS.Timeout | undefined;
let lastCheckpoint = performance.now();
let lastIndexed = performance.now();
let lastIdsIndexed = performance.now();
let lastRollup = performance.now();

function post(message: BackgroundWorkerMessage): void {
  parentPort?.postMessage(message);
}

/** One step: a checkpoint when due, then indexing until done, the slice is used, or the writer has work. */
function step(): void {
  timer = undefined;
  if (stopping) return;
  let more = false;
  let idsPending = false;
  try {
    const now = performance.now();
    if (now - lastCheckpoint >= data.checkpointIntervalMillis) {
      db.pragma("wal_checkpoint(PASSIVE)");
      lastCheckpoint = performance.now();
    }
    // The id lookup: in full batches (so each page write covers many rows), or whatever is pending
    // once a second; like full-text indexing, it waits while the writer has batches queued.
    const sinceIds = performance.now() - lastIdsIndexed;
    const idsDue = sinceIds >= ID_INDEX_EVERY_MILLIS || idIndexer.backlog() >= DEFAULT_ID_INDEX_BATCH_ROWS;
    if (idsDue && (Atomics.load(writerQueued, 0) === 0 || sinceIds >= ID_MIN_PROGRESS_MILLIS)) {
      idsPending = idIndexer.indexOnce() === DEFAULT_ID_INDEX_BATCH_ROWS;
      lastIdsIndexed = performance.now();
    }
    // Metrics rollups of hours that are over: reading runs outside the write lock, writing is short.
    const sinceRollup = performance.now() - lastRollup;
    const rollupEvery = data.rollupIntervalMillis;
    if (sinceRollup >= rollupEvery && (Atomics.load(writerQueued, 0) === 0 || sinceRollup >= ROLLUP_MIN_PROGRESS_INTERVALS * rollupEvery)) {
      rollups.rollupOnce();
      lastRollup = performance.now();
    }
    const deadline = performance.now() + SLICE_MILLIS;
    while (performance.now() < deadline) {
      const writerWaiting = Atomics.load(writerQueued, 0) > 0;
      if (writerWaiting && performance.now() - lastIndexed < FTS_MIN_PROGRESS_MILLIS) {
        more = true;
        break;
      }
      const handled = indexer.indexOnce();
      lastIndexed = performance.now();
      more = handled > 0;
      if (!more || writerWaiting) break;
    }
  } catch (error) {
    post({ type: "error", message: errorMessage(error) });
  }
  // With work left, go on after a short pause that lets the writer take the lock; else poll.
  timer = setTimeout(step, more || idsPending ? 1 : Math.min(data.ftsIntervalMillis, data.checkpointIntervalMillis));
}

parentPort?.on("message", (message: unknown) => {
  if (message !== "stop") return;
  stopping = true;
  if (timer !== undefined) clearTimeout(timer);
  try {
    db.close();
  } finally {
    post({ type: "stopped" });
    parentPort?.close();
  }
});

step();
