import pg from "pg";
import { ConfigError } from "@sightline/core";
import { StoreUnavailableError } from "../store-errors.js";

/** Where and how to connect, parsed from a `postgres://` URL. */
export interface PostgresTarget {
  /** The URL without the password and without the parameters Sightline consumes itself. */
  connectionString: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** The schema Sightline's tables live in (`?schema=`, or `options=-c search_path=`); default `public`. */
  schema: string;
  /** For messages: `host:port/database` as user, never the password. */
  description: string;
}

/** Schema names Sightline accepts: plain identifiers, so they need no quoting rules beyond double quotes. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/u;

/**
 * Parses and checks a PostgreSQL URL. Throws a `ConfigError` that never shows the password.
 *
 * @example parsePostgresUrl("postgres://app:secret@db:5432/sightline?schema=tenant_a").schema === "tenant_a"
 */
export function parsePostgresUrl(url: string, schemaOverride?: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError("Invalid SIGHTLINE_DATABASE_URL: expected postgres://user:password@host:port/database.");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new ConfigError(`Invalid SIGHTLINE_DATABASE_URL: expected a postgres:// URL, got ${parsed.protocol}//.`);
  }
  let schema = schemaOverride ?? parsed.searchParams.get("schema") ?? undefined;
  const options = parsed.searchParams.get("options");
  if (schema === undefined && options !== null) schema = /(?:^|\s)-c\s*search_path=([^\s,]+)/u.exec(options)?.[1]?.replace(/^"|"$/gu, "");
  schema ??= "public";
  if (!SCHEMA_NAME.test(schema)) {
    throw new ConfigError(`Invalid schema ${JSON.stringify(schema)} in SIGHTLINE_DATABASE_URL: expected lowercase letters, digits and underscores.`);
  }
  parsed.searchParams.delete("schema");
  parsed.searchParams.delete("options");
  const host = decodeURIComponent(parsed.hostname || "localhost").replace(/^\[|\]$/gu, "");
  const port = parsed.port === "" ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//u, "")) || decodeURIComponent(parsed.username) || "postgres";
  const user = decodeURIComponent(parsed.username) || process.env["PGUSER"] || "postgres";
  return {
    connectionString: parsed.toString(),
    host,
    port,
    database,
    user,
    schema,
    description: `PostgreSQL at ${host}:${port}/${database} as ${user}`,
  };
}

/** int8 columns (counts, nanosecond times, pico-USD) read back as BigInt, never as lossy numbers. */
const INT8_OID = 20;
const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary" ? (value: string) => BigInt(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Pool options of `createPool`. */
export interface PoolOptions {
  maxConnections: number;
  connectTimeoutMillis: number;
  /** Idle connections are errors the pool reports here (e.g. the server restarted); they never crash the process. */
  onIdleError: (error: Error) => void;
}

/** A pool whose connections use the target's schema and return BigInt for int8. */
export function createPool(target: PostgresTarget, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    options: `-c search_path=${target.schema}`,
    max: options.maxConnections,
    connectionTimeoutMillis: options.connectTimeoutMillis,
    idleTimeoutMillis: 30_000,
    application_name: "sightline",
    types: TYPES,
  });
  pool.on("error", options.onIdleError);
  return pool;
}

/** SQLSTATE classes and codes that mean "the database is not there right now". */
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "53400"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** True when an error says the database cannot be reached (as opposed to a bad statement or bad data). */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (code.startsWith("08") || UNAVAILABLE_STATES.has(code) || NETWORK_CODES.has(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|the database system is (starting up|shutting down)/iu.test(
    error.message,
  );
}

/**
 * True when a pooled connection broke (the server closed it, restarted, or the network dropped it)
 * rather than when no connection could be made: the call may succeed at once on a fresh connection.
 */
export function isBrokenConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === "57P01" || code === "57P02" || code === "ECONNRESET" || code === "EPIPE") return true;
  return /Connection terminated|Client has encountered a connection error|Connection ended|Client was closed/iu.test(error.message);
}

/** Wraps an unavailability error in a `StoreUnavailableError` naming the target; other errors pass through. */
export function classifyError(error: unknown, target: PostgresTarget): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`${target.description} is unavailable: ${reason}`, { cause: error });
}

/**
 * Runs `body`, turning unavailability errors into `StoreUnavailableError`. When a pooled connection
 * turns out to be broken (the database restarted since it was opened) and `retries` allows, runs
 * `body` again: each broken connection is discarded, so the pool soon hands out a fresh one. Only
 * idempotent operations pass `retries > 0` (every store write is idempotent per span id).
 */
export async function guarded<T>(target: PostgresTarget, body: () => Promise<T>, retries = 0): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await body();
    } catch (error) {
      if (attempt < retries && isBrokenConnection(error)) continue;
      throw classifyError(error, target);
    }
  }
}

/** Quotes an identifier that `SCHEMA_NAME` (or our own code) already validated. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/gu, '""')}"`;
}
