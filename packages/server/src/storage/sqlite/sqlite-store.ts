import Database from "better-sqlite3";
import { BackgroundMaintenance } from "./background-maintenance.js";
import { DEFAULT_FTS_INTERVAL_MILLIS } from "./fts-indexer.js";
import type { FtsIndexerOptions } from "./fts-indexer.js";
import { migrateSchema } from "./schema.js";
import { attachSearch, bindSearch, searchFileOf } from "./search-schema.js";
import { SqliteTraceStore } from "./sqlite-trace-store.js";

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** The database file (the server uses `<data-dir>/sightline.db`), or `":memory:"` for tests. */
  file: string;
  /**
   * `NORMAL` (default): in WAL mode a commit is in the OS before `insertObservations` resolves,
   * so it survives a crash of the process (`kill -9`), which is the acknowledgement guarantee;
   * the last commits can be lost only if the machine itself loses power or the OS crashes.
   * `FULL` also fsyncs the WAL on every commit, for durability against OS crashes too, at some
   * cost in throughput.
   */
  synchronous?: "NORMAL" | "FULL";
  /** How long a statement waits for another connection's lock. Default `DEFAULT_BUSY_TIMEOUT_MILLIS`. */
  busyTimeoutMillis?: number;
  /**
   * WAL pages before the writer checkpoints by itself. Default `DEFAULT_WAL_AUTOCHECKPOINT_PAGES`,
   * or `BACKGROUND_WAL_AUTOCHECKPOINT_PAGES` (a backstop only) with `backgroundThread`.
   */
  walAutocheckpointPages?: number;
  /**
   * Checkpoint the WAL, maintain the search database and recompute the metrics rollups on a second
   * thread with its own connections (see `BackgroundMaintenance`), off the thread that commits
   * ingestion. Needs a file database. Default false; the server turns it on.
   */
  backgroundThread?: boolean;
  /** With `backgroundThread`: how often it checkpoints the WAL. Default `DEFAULT_BACKGROUND_CHECKPOINT_MILLIS`. */
  checkpointIntervalMillis?: number;
  /** With `backgroundThread`: the WAL size, in pages, past which its checkpoint lets the writer start the WAL over (`WalCheckpointer`). */
  walRestartPages?: number;
  /** The full-text indexer. */
  fullText?: FtsIndexerOptions;
  /**
   * How often the metrics rollups of dirty hours are recomputed (on the background thread, or on
   * this thread without one). Default `DEFAULT_ROLLUP_INTERVAL_MILLIS`; `flushIndex` does it at once.
   */
  metricsRollupIntervalMillis?: number;
  /** Hears about background indexing failures (they never reach a request). */
  onBackgroundError?: (error: unknown) => void;
}

/**
 * Default lock wait. Generous: the other writer is the store's own background thread, which runs
 * at a lower CPU priority and can be slow to finish a transaction while the cores are saturated;
 * an ingest request should wait for it rather than fail.
 */
export const DEFAULT_BUSY_TIMEOUT_MILLIS = 30_000;
/**
 * Page size of new databases: 8 KiB instead of SQLite's 4 KiB. Rows here are 2–3 KiB (input and
 * output), so fewer pages per row; measured with the server's rows and indexes, 512 per
 * transaction: 27.5k rows/s against 23.5k with 4 KiB (1 KiB: 18.7k, 16 KiB: 27.3k).
 */
export const SQLITE_PAGE_SIZE_BYTES = 8_192;
/** Page cache: 64 MiB (the value is negative KiB, as SQLite wants it). */
export const SQLITE_CACHE_KIB = 65_536;
/**
 * WAL pages (8 KiB: 16 MiB) between automatic checkpoints. Larger than SQLite's 1000 because checkpoints
 * with their fsyncs dominate the commit cost of small transactions (performance anchors §B5).
 */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 2_000;
/**
 * The writer's own checkpoint threshold when the background thread checkpoints (every 500 ms): it
 * acts only if that thread falls far behind, so the WAL never grows without bound (≈400 MiB of 8 KiB pages).
 */
export const BACKGROUND_WAL_AUTOCHECKPOINT_PAGES = 50_000;

/**
 * Opens (creating if needed) a SQLite trace store: WAL journal, the chosen synchronous level,
 * busy timeout, foreign keys, a 64 MiB cache, 64-bit integers as BigInt (nanosecond times
 * round-trip exactly), then migrates the schema, opens the search database beside it
 * (`<name>-search.db`, see `search-schema.ts`) and starts the indexing (on the background thread,
 * or on a timer of this thread).
 *
 * @example const store = await openSqliteStore({ file: join(dataDir, "sightline.db") });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteTraceStore> {
  const background = options.backgroundThread === true && options.file !== ":memory:" && options.file !== "";
  const busyTimeoutMillis = Math.max(0, Math.floor(options.busyTimeoutMillis ?? DEFAULT_BUSY_TIMEOUT_MILLIS));
  const autocheckpoint = options.walAutocheckpointPages ?? (background ? BACKGROUND_WAL_AUTOCHECKPOINT_PAGES : DEFAULT_WAL_AUTOCHECKPOINT_PAGES);
  const db = new Database(options.file);
  let search: Database.Database | undefined;
  try {
    // Only a new, empty database takes it (before WAL mode); an existing one keeps its page size.
    db.pragma(`page_size = ${SQLITE_PAGE_SIZE_BYTES}`);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
    db.pragma(`busy_timeout = ${busyTimeoutMillis}`);
    db.pragma("foreign_keys = ON");
    db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    db.pragma("temp_store = MEMORY");
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(autocheckpoint))}`);
    db.defaultSafeIntegers(true);
    migrateSchema(db);
    // The search database: with a background thread indexing it, attached to a second connection
    // of this thread (an ingest transaction, BEGIN IMMEDIATE, would otherwise lock it too and wait
    // for the indexer); else attached to this one, which does everything.
    const searchFile = searchFileOf(options.file);
    if (background) {
      search = new Database(options.file);
      search.pragma(`busy_timeout = ${busyTimeoutMillis}`);
      search.pragma("synchronous = NORMAL");
      search.defaultSafeIntegers(true);
    } else {
      search = db;
    }
    attachSearch(search, searchFile);
    bindSearch(search, db.prepare("SELECT uuid FROM store_identity WHERE id = 1").pluck().get() as string);
    const onError = options.onBackgroundError ?? (() => {});
    const maintenance = background
      ? new BackgroundMaintenance(
          {
            file: options.file,
            searchFile,
            busyTimeoutMillis,
            ftsIntervalMillis: options.fullText?.intervalMillis ?? DEFAULT_FTS_INTERVAL_MILLIS,
            rollupIntervalMillis: options.metricsRollupIntervalMillis,
            walRestartPages: options.walRestartPages,
            checkpointIntervalMillis: options.checkpointIntervalMillis,
          },
          onError,
        )
      : undefined;
    return new SqliteTraceStore(db, search, options.fullText, onError, maintenance, options.metricsRollupIntervalMillis);
  } catch (error) {
    if (search !== undefined && search !== db) search.close();
    db.close();
    throw error;
  }
}
