import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { ConfigError, errorMessage } from "@sightline/core";
import { ensureDefaultProject, openStore, sqliteFileOf } from "./bootstrap.js";
import { loadLocalKeyPair, saveLocalKeyPair } from "./local-key-file.js";
import type { LocalKeyPair } from "./local-key-file.js";
import type { DefaultProjectState } from "./bootstrap.js";
import { isLoopbackHost } from "./config.js";
import type { ServerConfig } from "./config.js";
import { createApp } from "./http/app.js";
import { createIngestDecoder } from "./ingest/ingest-decoder.js";
import { ApiKeyAuthenticator } from "./http/authenticator.js";
import { consoleServerLogger } from "./http/server-logger.js";
import { findWebDist } from "./http/ui/static-ui.js";
import type { ServerLogger } from "./http/server-logger.js";
import type { TraceStore } from "./storage/trace-store.js";
import { RetentionScheduler } from "./retention-scheduler.js";
import { PostgresTraceStore } from "./storage/postgres/postgres-trace-store.js";

/** A running server. */
export interface RunningServer extends DefaultProjectState {
  /** Where to reach it, e.g. `http://127.0.0.1:3000` (a wildcard bind address shows as 127.0.0.1). */
  readonly url: string;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  readonly store: TraceStore;
  /** Revoke keys through this to make the running server refuse them at once. */
  readonly authenticator: ApiKeyAuthenticator;
  /** The SQLite database file, or where the PostgreSQL database is (never its password). */
  readonly databaseFile: string;
  /**
   * The key pair created at first start, remembered in the data dir so later starts can print it
   * (null with `SIGHTLINE_INIT_*` keys, or when it was revoked or the file deleted).
   */
  readonly localKey: LocalKeyPair | null;
  /** Enforces per-project retention every hour (stopped by `close`). */
  readonly retention: RetentionScheduler;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish (what they
   * acknowledged is committed), then closes the store. Idempotent.
   */
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Default: timestamped lines on stderr. */
  logger?: ServerLogger;
  /** The built web UI to serve at `/`; default: `@sightline/web`'s dist when installed and built. */
  webDir?: string;
}

/** Refuses to expose the server beyond this machine without admin credentials. */
export function assertSafeBinding(config: Pick<ServerConfig, "host" | "adminPassword">): void {
  if (isLoopbackHost(config.host) || config.adminPassword !== undefined) return;
  throw new ConfigError(
    `Refusing to listen on ${config.host}: that address is reachable from other machines, and no admin credentials ` +
      "are configured. Set SIGHTLINE_ADMIN_PASSWORD to expose the server, or use --host 127.0.0.1 (the default).",
  );
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "[::]") return "127.0.0.1";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigError(`Port ${port} on ${host} is already in use: stop the other process or pass --port <another port>.`)
          : error,
      );
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/**
 * Starts the Sightline server: opens and migrates the store under the data dir, ensures the
 * default project and (on first start) its key pair, and serves the HTTP app with
 * `@hono/node-server`. Refuses a non-loopback host without `SIGHTLINE_ADMIN_PASSWORD`.
 *
 * @example
 * const server = await startServer(resolveServerConfig({ port: 0 }, process.env));
 * console.log(server.url, server.createdKey?.secretKey);
 * await server.close();
 */
export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? consoleServerLogger;
  assertSafeBinding(config);
  const store = await openStore(config, (error) => logger.warn(`Background work (full-text index, metrics rollups) failed (it retries): ${errorMessage(error)}`));
  let state: DefaultProjectState;
  let localKey: LocalKeyPair | null = null;
  try {
    state = await ensureDefaultProject(store, config.initKeys);
    if (config.initKeys === undefined && config.databaseUrl === undefined) {
      if (state.createdKey !== null) {
        localKey = { publicKey: state.createdKey.publicKey, secretKey: state.createdKey.secretKey };
        await saveLocalKeyPair(config.dataDir, localKey);
      } else {
        localKey = await loadLocalKeyPair(config.dataDir, state.keys);
      }
    }
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }

  const authenticator = new ApiKeyAuthenticator(store, { ttlMillis: config.authCacheTtlMillis });
  // Decoding and mapping run on worker threads, so this thread only inserts (SIGHTLINE_INGEST_WORKERS).
  const ingestDecoder = createIngestDecoder(config.ingestWorkers);
  const app = createApp({ store, config, logger, authenticator, ingestDecoder, webDir: options.webDir ?? findWebDist() });
  let closing = false;
  // Requests whose handler is still running: the store closes only after the last one finished.
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const server = createAdaptorServer({
    fetch: async (request: Request, env: unknown) => {
      inFlight += 1;
      try {
        return await app.fetch(request, env);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) onIdle?.();
      }
    },
  }) as Server;
  // While shutting down, ask keep-alive clients to reconnect elsewhere instead of reusing the socket.
  server.on("request", (_req, res) => {
    if (closing && !res.headersSent) res.setHeader("connection", "close");
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (error.code !== "ECONNRESET") logger.warn(`Bad HTTP from a client: ${error.message}`);
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });

  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (error) {
    await ingestDecoder.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }

  const retention = new RetentionScheduler({ store, defaultDays: config.retentionDays, logger });
  retention.start();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      void retention.stop();
      closing = true;
      const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
      const force = setTimeout(() => {
        logger.warn(`Requests still running after ${config.shutdownTimeoutMillis} ms; closing their connections.`);
        server.closeAllConnections();
      }, config.shutdownTimeoutMillis);
      server.close(() => {
        clearInterval(idleSweep);
        clearTimeout(force);
        if (inFlight === 0) resolve();
        else onIdle = resolve;
      });
      server.closeIdleConnections();
    })
      .then(() => retention.stop())
      .then(() => authenticator.flushUses())
      .then(() => ingestDecoder.close())
      .then(() => store.close());
    return closed;
  };

  return {
    ...state,
    url: `http://${urlHost(config.host)}:${port}`,
    port,
    store,
    authenticator,
    databaseFile: store instanceof PostgresTraceStore ? `${store.target.description}, schema ${store.target.schema}` : sqliteFileOf(config.dataDir),
    localKey,
    retention,
    close,
  };
}
