import type { Hono } from "hono";
import type { IngestDecoder } from "../ingest/ingest-decoder.js";
import type { ProjectPricing } from "../pricing/project-pricing.js";
import type { TraceStore } from "../storage/trace-store.js";
import type { ApiKeyAuthenticator, AuthenticatedKey } from "./authenticator.js";
import type { ServerLogger } from "./server-logger.js";

/** What every request carries through the app (Hono context variables). */
export interface AppEnv {
  Variables: {
    /** A short random id, in error responses and in the log. */
    requestId: string;
    /** The authenticated key (set by the auth middleware on authenticated routes). */
    auth: AuthenticatedKey;
  };
}

/** The Hono app type of the Sightline server. */
export type SightlineApp = Hono<AppEnv>;

/** What route modules need. */
export interface RouteDeps {
  readonly store: TraceStore;
  readonly authenticator: ApiKeyAuthenticator;
  readonly maxBodyBytes: number;
  /** Decodes and maps OTLP request bodies (inline or on worker threads). */
  readonly ingestDecoder: IngestDecoder;
  readonly logger: ServerLogger;
  /** Days of traces kept for projects without their own retention (`SIGHTLINE_RETENTION_DAYS`); undefined keeps forever. */
  readonly defaultRetentionDays?: number;
  /** Prices observations at ingestion and for recomputes (catalogue plus the project's custom prices). */
  readonly pricing: ProjectPricing;
}
