import Database from "better-sqlite3";
import type { FtsIndexerOptions } from "./fts-indexer.js";
import { migrateSchema } from "./schema.js";
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
  /** WAL pages before an automatic checkpoint. Default `DEFAULT_WAL_AUTOCHECKPOINT_PAGES`. */
  walAutocheckpointPages?: number;
  /** The background full-text indexer. */
  fullText?: FtsIndexerOptions;
  /** Hears about background indexing failures (they never reach a request). */
  onBackgroundError?: (error: unknown) => void;
}

/** Default lock wait. */
export const DEFAULT_BUSY_TIMEOUT_MILLIS = 5_000;
/** Page cache: 64 MiB (the value is negative KiB, as SQLite wants it). */
export const SQLITE_CACHE_KIB = 65_536;
/**
 * WAL pages (4 KiB) between automatic checkpoints. Larger than SQLite's 1000 because checkpoints
 * with their fsyncs dominate the commit cost of small transactions (performance anchors §B5).
 */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 4_000;

/**
 * Opens (creating if needed) a SQLite trace store: WAL journal, the chosen synchronous level,
 * busy timeout, foreign keys, a 64 MiB cache, 64-bit integers as BigInt (nanosecond times
 * round-trip exactly), then migrates the schema and starts the background full-text indexer.
 *
 * @example const store = await openSqliteStore({ file: join(dataDir, "sightline.db") });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteTraceStore> {
  const db = new Database(options.file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMillis ?? DEFAULT_BUSY_TIMEOUT_MILLIS))}`);
    db.pragma("foreign_keys = ON");
    db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    db.pragma("temp_store = MEMORY");
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointPages ?? DEFAULT_WAL_AUTOCHECKPOINT_PAGES))}`);
    db.defaultSafeIntegers(true);
    migrateSchema(db);
    return new SqliteTraceStore(db, options.fullText, options.onBackgroundError);
  } catch (error) {
    db.close();
    throw error;
  }
}
