import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DEFAULT_AUTH_CACHE_TTL_MILLIS, DEFAULT_MAX_BODY_BYTES } from "../config.js";
import type { ServerConfig } from "../config.js";
import { InlineIngestDecoder } from "../ingest/ingest-decoder.js";
import type { IngestDecoder } from "../ingest/ingest-decoder.js";
import { builtInCatalogue } from "../pricing/ingest-pricing.js";
import { ProjectPricing } from "../pricing/project-pricing.js";
import type { TraceStore } from "../storage/trace-store.js";
import type { AppEnv, RouteDeps, SightlineApp } from "./app-env.js";
import { ApiKeyAuthenticator } from "./authenticator.js";
import { mapError } from "./error-response.js";
import { HttpError } from "./http-error.js";
import { registerIngestRoutes, LOGS_PATHS, METRICS_PATHS, TRACES_PATHS } from "./routes/ingest-routes.js";
import { registerMetaRoutes } from "./routes/meta-routes.js";
import { MODEL_PRICE_ROUTE_METHODS, registerModelPriceRoutes } from "./routes/model-price-routes.js";
import { registerMetricsRoutes } from "./routes/metrics-routes.js";
import { registerObservationRoutes } from "./routes/observation-routes.js";
import { registerSessionRoutes } from "./routes/session-routes.js";
import { registerTraceRoutes } from "./routes/trace-routes.js";
import { consoleServerLogger } from "./server-logger.js";
import type { ServerLogger } from "./server-logger.js";
import { registerStaticUi } from "./ui/static-ui.js";
import { UiAccess, uiReadAccess } from "./ui/ui-access.js";
import { registerUiRoutes, UI_ROUTE_METHODS } from "./ui/ui-routes.js";

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** Where traces and keys live (migrated already). */
  store: TraceStore;
  /** The settings the HTTP layer uses; defaults for the rest. */
  config?: Partial<Pick<ServerConfig, "maxBodyBytes" | "authCacheTtlMillis" | "host" | "adminPassword" | "retentionDays">>;
  /** Default: timestamped lines on stderr. */
  logger?: ServerLogger;
  /** Share one (e.g. to revoke keys through it); default: a new one over `store`. */
  authenticator?: ApiKeyAuthenticator;
  /** Decodes and maps OTLP bodies (`startServer` passes its worker pool); default: on the calling thread. */
  ingestDecoder?: IngestDecoder;
  /** The built web UI to serve at `/` (see `findWebDist`); undefined serves a "not built" page. */
  webDir?: string;
  /** Prices observations; default: the `@pydantic/genai-prices` catalogue plus the store's custom prices. */
  pricing?: ProjectPricing;
}

const GET = ["GET", "HEAD"];
const POST = ["POST"];
/** Every route and its methods: any other method on these paths is a 405 with `Allow`. */
const ROUTE_METHODS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ...[...TRACES_PATHS, ...METRICS_PATHS, ...LOGS_PATHS].map((p) => [p, POST] as const),
  ...[
    "/api/public/health",
    "/api/public/projects",
    "/api/public/traces",
    "/api/public/observations",
    "/api/public/observations/:observationId",
    "/api/public/sessions",
    "/api/public/users",
    "/api/public/metrics",
  ].map((p) => [p, GET] as const),
  ...["/api/public/traces/:traceId", "/api/public/sessions/:sessionId"].map((p) => [p, [...GET, "DELETE"]] as const),
];

/**
 * The Sightline HTTP application: OTLP ingestion and the Langfuse-compatible read API, with one
 * error mapper (`{ error: { code, message } }`). A Hono app, so it runs in-process
 * (`app.request(...)`) for tests and under `@hono/node-server` in `startServer`.
 *
 * @example
 * const app = createApp({ store });
 * const res = await app.request("/api/public/health");
 */
export function createApp(options: CreateAppOptions): SightlineApp {
  const logger = options.logger ?? consoleServerLogger;
  const pricing = options.pricing ?? new ProjectPricing(builtInCatalogue(), (projectId) => options.store.listModelPrices(projectId));
  const deps: RouteDeps = {
    store: options.store,
    logger,
    maxBodyBytes: options.config?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    defaultRetentionDays: options.config?.retentionDays,
    // Inline decoding prices with the same catalogue as recomputes (workers use the built-in one).
    ingestDecoder: options.ingestDecoder ?? new InlineIngestDecoder(pricing.catalogue),
    pricing,
    authenticator:
      options.authenticator ??
      new ApiKeyAuthenticator(options.store, { ttlMillis: options.config?.authCacheTtlMillis ?? DEFAULT_AUTH_CACHE_TTL_MILLIS }),
  };

  // Not strict: `/api/public/traces/` is `/api/public/traces`, as clients that append slashes expect.
  const app = new Hono<AppEnv>({ strict: false });
  app.use("*", async (c, next) => {
    const requestId = randomBytes(6).toString("hex");
    c.set("requestId", requestId);
    c.header("x-request-id", requestId);
    await next();
  });

  // The web UI reads the public API with its session cookie (or, open on loopback, without credentials).
  const uiAccess = new UiAccess({ host: options.config?.host, adminPassword: options.config?.adminPassword });
  app.use("/api/public/*", uiReadAccess(uiAccess, options.store));

  registerMetaRoutes(app, deps);
  registerIngestRoutes(app, deps);
  registerTraceRoutes(app, deps);
  registerObservationRoutes(app, deps);
  registerSessionRoutes(app, deps);
  registerMetricsRoutes(app, deps);
  registerUiRoutes(app, deps, uiAccess);
  registerModelPriceRoutes(app, deps, uiAccess);

  for (const [path, allowed] of [...ROUTE_METHODS, ...UI_ROUTE_METHODS, ...MODEL_PRICE_ROUTE_METHODS]) {
    app.all(path, (c) => {
      throw new HttpError(
        405,
        "method_not_allowed",
        `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(" or ")}.`,
        { Allow: allowed.join(", ") },
      );
    });
  }

  registerStaticUi(app, options.webDir);

  app.notFound((c) =>
    c.json(
      {
        error: {
          code: "not_found",
          message:
            `No route for ${c.req.method} ${c.req.path}. OTLP traces go to POST /v1/traces or ` +
            "POST /api/public/otel/v1/traces; the read API is under /api/public (traces, observations, sessions, users, health).",
        },
      },
      404,
    ),
  );

  app.onError((error, c) => {
    const mapped = mapError(error, c.get("requestId") ?? "unknown", logger);
    return c.json(mapped.body, mapped.status as ContentfulStatusCode, mapped.headers);
  });

  return app;
}
