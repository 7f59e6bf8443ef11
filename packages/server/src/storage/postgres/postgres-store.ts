import { ConfigError } from "@sightline/core";
import { createBulkInsert } from "./pg-bulk-insert.js";
import type { BulkInsertMethod } from "./pg-bulk-insert.js";
import { createPool, parsePostgresUrl } from "./pg-connection.js";
import { DEFAULT_PARTITION_OPTIONS, PartitionManager } from "./pg-partitions.js";
import type { PartitionOptions } from "./pg-partitions.js";
import { PostgresTraceStore } from "./postgres-trace-store.js";

/** Options of `openPostgresStore`. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`, optionally `?schema=name` (default schema `public`). */
  url: string;
  /** The schema for Sightline's tables; overrides the URL's. Created by `migrate` if missing. */
  schema?: string;
  /** Pool size. Default `DEFAULT_PG_POOL_SIZE`. */
  maxConnections?: number;
  /** How long to wait for a connection (at start and from the pool). Default `DEFAULT_PG_CONNECT_TIMEOUT_MILLIS`. */
  connectTimeoutMillis?: number;
  /** How observation rows are written. Default `DEFAULT_PG_BULK_INSERT`. */
  bulkInsert?: BulkInsertMethod;
  /** Which days get their own partition. Default `DEFAULT_PARTITION_OPTIONS`. */
  partitions?: PartitionOptions;
  /** Errors of the background metrics rollup job (logged by the server; it keeps retrying). */
  onBackgroundError?: (error: unknown) => void;
  /**
   * How often this process looks for dirty metrics rollup hours to recompute (one process at a
   * time does). Default `DEFAULT_PG_ROLLUP_INTERVAL_MILLIS`; `flushIndex` does it at once.
   */
  metricsRollupIntervalMillis?: number;
  /** Errors of idle pooled connections (e.g. the database restarted); they never crash the process. */
  onIdleError?: (error: Error) => void;
}

/** Connections per process: ingest transactions and reads share them. */
export const DEFAULT_PG_POOL_SIZE = 10;
/** Connection timeout. */
export const DEFAULT_PG_CONNECT_TIMEOUT_MILLIS = 5_000;
/** The bulk insert method: COPY into a staging table (measured faster than unnest here, see the report). */
export const DEFAULT_PG_BULK_INSERT: BulkInsertMethod = "copy";

/**
 * Connects to PostgreSQL and checks the connection; the caller then calls `migrate()`. Throws a
 * `ConfigError` naming host, port, database and user (never the password) when the URL is wrong or
 * the database cannot be reached, so a misconfigured server stops at start with a clear message.
 *
 * @example const store = await openPostgresStore({ url: "postgres://postgres@127.0.0.1:5432/sightline" });
 * await store.migrate();
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresTraceStore> {
  const target = parsePostgresUrl(options.url, options.schema);
  const maxConnections = Math.max(1, Math.floor(options.maxConnections ?? DEFAULT_PG_POOL_SIZE));
  const pool = createPool(target, {
    maxConnections,
    connectTimeoutMillis: Math.max(100, Math.floor(options.connectTimeoutMillis ?? DEFAULT_PG_CONNECT_TIMEOUT_MILLIS)),
    onIdleError: options.onIdleError ?? (() => {}),
  });
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Cannot connect to ${target.description}: ${reason}. Check SIGHTLINE_DATABASE_URL and that PostgreSQL is running.`);
  }
  const partitions = new PartitionManager(pool, options.partitions ?? DEFAULT_PARTITION_OPTIONS);
  return new PostgresTraceStore(
    pool,
    target,
    partitions,
    createBulkInsert(options.bulkInsert ?? DEFAULT_PG_BULK_INSERT),
    maxConnections + 1,
    options.onBackgroundError,
    options.metricsRollupIntervalMillis,
  );
}
