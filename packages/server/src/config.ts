import { availableParallelism } from "node:os";
import { ConfigError } from "@sightline/core";

/** The version the health endpoint reports. */
export const SERVER_VERSION = "0.1.0";
/** The port `sightline serve` listens on by default. */
export const DEFAULT_PORT = 3000;
/** Loopback only by default: exposing the server is an explicit choice (and needs admin credentials). */
export const DEFAULT_HOST = "127.0.0.1";
/** Where the SQLite database lives by default, relative to the working directory (git-ignored). */
export const DEFAULT_DATA_DIR = "./.sightline";
/** The largest request body accepted, before and after decompression (32 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/**
 * How long a verified API key is trusted without asking the database again. A key revoked by
 * another process (e.g. `sightline keys revoke` while the server runs) stops working within this
 * time; a key revoked through this process stops working at once.
 */
export const DEFAULT_AUTH_CACHE_TTL_MILLIS = 10_000;
/** How long a graceful shutdown waits for in-flight requests before closing their connections. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 10_000;

/** The most ingest worker threads `SIGHTLINE_INGEST_WORKERS` may ask for. */
export const MAX_INGEST_WORKERS = 32;

/**
 * Default ingest worker threads: one per core beyond the first (which inserts), at most 4; 0 (decode
 * inline) on a single core. 1 on the 2-core reference machine.
 */
export function defaultIngestWorkers(cores: number = availableParallelism()): number {
  return Math.max(0, Math.min(4, cores - 1));
}

/** Explicit settings (e.g. from command-line flags); each one wins over its environment variable. */
export interface ServerConfigInput {
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  maxBodyBytes?: number;
  adminPassword?: string;
  initPublicKey?: string;
  initSecretKey?: string;
  authCacheTtlMillis?: number;
  shutdownTimeoutMillis?: number;
  ingestWorkers?: number;
  retentionDays?: number;
}

/** Keys to create for the default project at start (`SIGHTLINE_INIT_PUBLIC_KEY` / `_SECRET_KEY`). */
export interface InitKeys {
  readonly publicKey: string;
  readonly secretKey: string;
}

/** The server configuration after precedence, parsing and validation. */
export interface ServerConfig {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** As given (relative paths are resolved against the working directory when used). */
  readonly dataDir: string;
  /** `SIGHTLINE_DATABASE_URL`; undefined selects SQLite under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly maxBodyBytes: number;
  /** Admin credentials (`SIGHTLINE_ADMIN_PASSWORD`): required to bind a non-loopback address. */
  readonly adminPassword: string | undefined;
  readonly initKeys: InitKeys | undefined;
  readonly authCacheTtlMillis: number;
  readonly shutdownTimeoutMillis: number;
  /** Worker threads that decode and map OTLP bodies; 0 decodes on the main thread. */
  readonly ingestWorkers: number;
  /** `SIGHTLINE_RETENTION_DAYS`: days of traces kept for projects without their own setting; undefined keeps forever. */
  readonly retentionDays: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The environment variables {@link resolveServerConfig} reads. */
export const SERVER_ENV = {
  PORT: "SIGHTLINE_PORT",
  HOST: "SIGHTLINE_HOST",
  DATA_DIR: "SIGHTLINE_DATA_DIR",
  DATABASE_URL: "SIGHTLINE_DATABASE_URL",
  MAX_BODY_BYTES: "SIGHTLINE_MAX_BODY_BYTES",
  ADMIN_PASSWORD: "SIGHTLINE_ADMIN_PASSWORD",
  INIT_PUBLIC_KEY: "SIGHTLINE_INIT_PUBLIC_KEY",
  INIT_SECRET_KEY: "SIGHTLINE_INIT_SECRET_KEY",
  AUTH_CACHE_TTL_MILLIS: "SIGHTLINE_AUTH_CACHE_TTL_MILLIS",
  SHUTDOWN_TIMEOUT_MILLIS: "SIGHTLINE_SHUTDOWN_TIMEOUT_MILLIS",
  INGEST_WORKERS: "SIGHTLINE_INGEST_WORKERS",
  RETENTION_DAYS: "SIGHTLINE_RETENTION_DAYS",
} as const;

/** The longest retention a project or the server may set (100 years). */
export const MAX_RETENTION_DAYS = 36_500;

function envString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** Explicit value > environment variable > default; a bad value is an error naming its source. */
function integer(
  explicit: number | undefined,
  env: Env,
  envName: string,
  option: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  let value: number;
  let source: string;
  if (explicit !== undefined) {
    value = explicit;
    source = `option ${option}`;
  } else {
    const raw = envString(env, envName);
    if (raw === undefined) return fallback;
    value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    source = `${envName}=${JSON.stringify(raw)}`;
  }
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(`Invalid ${source}: expected an integer from ${range.min} to ${range.max}.`);
  }
  return value;
}

/**
 * Resolves the server configuration: explicit value > `SIGHTLINE_*` environment variable > default.
 * Pure: reads only its arguments. Throws a `ConfigError` naming the bad setting.
 *
 * @example
 * const config = resolveServerConfig({ port: 0 }, process.env);
 */
export function resolveServerConfig(input: ServerConfigInput = {}, env: Env = {}): ServerConfig {
  const port = integer(input.port, env, SERVER_ENV.PORT, "port", DEFAULT_PORT, { min: 0, max: 65_535 });
  const host = input.host ?? envString(env, SERVER_ENV.HOST) ?? DEFAULT_HOST;
  if (host.trim() === "") throw new ConfigError("Invalid host: expected a hostname or an IP address.");
  const dataDir = input.dataDir ?? envString(env, SERVER_ENV.DATA_DIR) ?? DEFAULT_DATA_DIR;
  if (dataDir.trim() === "") throw new ConfigError("Invalid data dir: expected a directory path.");
  const maxBodyBytes = integer(
    input.maxBodyBytes,
    env,
    SERVER_ENV.MAX_BODY_BYTES,
    "maxBodyBytes",
    DEFAULT_MAX_BODY_BYTES,
    { min: 1024, max: 2 ** 31 - 1 },
  );
  const authCacheTtlMillis = integer(
    input.authCacheTtlMillis,
    env,
    SERVER_ENV.AUTH_CACHE_TTL_MILLIS,
    "authCacheTtlMillis",
    DEFAULT_AUTH_CACHE_TTL_MILLIS,
    { min: 0, max: 3_600_000 },
  );
  const shutdownTimeoutMillis = integer(
    input.shutdownTimeoutMillis,
    env,
    SERVER_ENV.SHUTDOWN_TIMEOUT_MILLIS,
    "shutdownTimeoutMillis",
    DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
    { min: 0, max: 600_000 },
  );
  const ingestWorkers = integer(input.ingestWorkers, env, SERVER_ENV.INGEST_WORKERS, "ingestWorkers", defaultIngestWorkers(), {
    min: 0,
    max: MAX_INGEST_WORKERS,
  });

  const retentionDays =
    input.retentionDays === undefined && envString(env, SERVER_ENV.RETENTION_DAYS) === undefined
      ? undefined
      : integer(input.retentionDays, env, SERVER_ENV.RETENTION_DAYS, "retentionDays", 0, { min: 1, max: MAX_RETENTION_DAYS });

  const initPublicKey = input.initPublicKey ?? envString(env, SERVER_ENV.INIT_PUBLIC_KEY);
  const initSecretKey = input.initSecretKey ?? envString(env, SERVER_ENV.INIT_SECRET_KEY);
  if ((initPublicKey === undefined) !== (initSecretKey === undefined)) {
    throw new ConfigError(
      `${SERVER_ENV.INIT_PUBLIC_KEY} and ${SERVER_ENV.INIT_SECRET_KEY} must be set together (only one of them is set).`,
    );
  }
  const initKeys =
    initPublicKey !== undefined && initSecretKey !== undefined
      ? { publicKey: initPublicKey, secretKey: initSecretKey }
      : undefined;

  return {
    port,
    host,
    dataDir,
    databaseUrl: input.databaseUrl ?? envString(env, SERVER_ENV.DATABASE_URL),
    maxBodyBytes,
    adminPassword: input.adminPassword ?? envString(env, SERVER_ENV.ADMIN_PASSWORD),
    initKeys,
    authCacheTtlMillis,
    shutdownTimeoutMillis,
    ingestWorkers,
    retentionDays,
  };
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}
