import { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { encodeExportResponse } from "../../otlp/encode-response.js";
import type { PartialSuccess } from "../../otlp/encode-response.js";
import { OtlpDecodeError } from "../../otlp/otlp-decode-error.js";
import { ACCEPTED_CONTENT_TYPES, contentTypeFormat } from "../../otlp/request-body.js";
import type { OtlpFormat } from "../../otlp/request-body.js";
import type { AppEnv, RouteDeps, SightlineApp } from "../app-env.js";
import { HttpError } from "../http-error.js";
import { readBodyWithLimit } from "../read-body.js";
import { requireAuth } from "../require-auth.js";
import type { PreparedObservation } from "../../storage/prepared-observation.js";

/** The Node request behind the context when the app runs in `@hono/node-server` (undefined in-process). */
function nodeRequestOf(c: Context<AppEnv>): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/** The OTLP/HTTP traces paths: the standard one and the one the Langfuse SDKs use. */
export const TRACES_PATHS = ["/v1/traces", "/api/public/otel/v1/traces"] as const;
/** OTLP metrics paths: accepted and discarded, as Langfuse does, so metric exporters do not log errors. */
export const METRICS_PATHS = ["/v1/metrics", "/api/public/otel/v1/metrics"] as const;
/** OTLP logs paths: refused with a 404 that says this server stores traces only. */
export const LOGS_PATHS = ["/v1/logs", "/api/public/otel/v1/logs"] as const;

const ACCEPTED = ACCEPTED_CONTENT_TYPES.join(", ");
/** Rejection reasons listed in a partial-success message; the count covers the rest. */
const MAX_REASONS_IN_MESSAGE = 10;

const CONTENT_TYPE: Record<OtlpFormat, string> = { json: "application/json", protobuf: "application/x-protobuf" };

function requestFormat(c: Context<AppEnv>): OtlpFormat {
  const header = c.req.header("content-type");
  const format = contentTypeFormat(header);
  if (format !== null) return format;
  throw new OtlpDecodeError(
    "unsupported_content_type",
    header === undefined
      ? `No Content-Type header: send OTLP/HTTP as one of ${ACCEPTED}.`
      : `Content-Type ${JSON.stringify(header.slice(0, 100))} is not OTLP/HTTP: send one of ${ACCEPTED}.`,
  );
}

/** An `ExportTrace/MetricsServiceResponse` in the request's encoding (an empty one is the same for both). */
function exportResponse(c: Context<AppEnv>, format: OtlpFormat, partial?: PartialSuccess): Response {
  const bytes = encodeExportResponse(format, partial);
  const body = new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  return c.body(body, 200, { "content-type": CONTENT_TYPE[format] });
}

function partialSuccess(reasons: readonly string[]): PartialSuccess | undefined {
  if (reasons.length === 0) return undefined;
  const shown = reasons.slice(0, MAX_REASONS_IN_MESSAGE).join("; ");
  const more = reasons.length > MAX_REASONS_IN_MESSAGE ? ` (and ${reasons.length - MAX_REASONS_IN_MESSAGE} more)` : "";
  return { rejectedSpans: reasons.length, errorMessage: `${reasons.length} span(s) rejected: ${shown}${more}` };
}

/**
 * The writes of one request's chunks, started as the chunks arrive (a worker hands over the first
 * records while it maps the rest, so writing and mapping overlap). `done` resolves once every
 * chunk is committed and rejects with the first failure; no failure goes unobserved meanwhile.
 */
class ChunkWrites {
  private readonly writes: Promise<void>[] = [];

  constructor(private readonly write: (records: PreparedObservation[]) => Promise<unknown>) {}

  add(records: PreparedObservation[]): void {
    if (records.length === 0) return;
    const write = this.write(records).then(() => undefined);
    write.catch(() => {});
    this.writes.push(write);
  }

  async done(): Promise<void> {
    await Promise.all(this.writes);
  }

  /** Waits for every started write, whatever its outcome (before answering with another error). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.writes);
  }
}

/**
 * `POST /v1/traces` and `POST /api/public/otel/v1/traces`: auth → body (size-limited while
 * streaming) → content encoding, decode, map and price with the project's custom prices (on an
 * ingest worker thread when the server has them, which hands the prepared rows over in chunks when
 * the store groups concurrent writes into one transaction) → the store's transaction (shared with
 * concurrent requests: group commit), chunk by chunk as they arrive. The
 * 200 is sent only after every chunk is committed, i.e. once all the spans are durable, in the
 * request's encoding, with OTLP `partialSuccess` when some spans were rejected. A request that
 * fails after some chunks were committed is answered with an error and retried by the SDK; the
 * retry replaces the stored copies (ingestion is idempotent per span id).
 */
export function registerIngestRoutes(app: SightlineApp, deps: RouteDeps): void {
  const auth = requireAuth(deps.authenticator);
  for (const path of TRACES_PATHS) {
    app.post(path, auth, async (c) => {
      const format = requestFormat(c);
      const body = await readBodyWithLimit(c.req.raw, deps.maxBodyBytes, nodeRequestOf(c));
      const projectId = c.get("auth").projectId;
      const writes = new ChunkWrites((records) => deps.store.insertObservations(projectId, records));
      const pricing = await deps.pricing.snapshotFor(projectId);
      // The body is this request's alone: a worker thread may take its memory instead of a copy.
      const request = {
        format,
        body,
        contentEncoding: c.req.header("content-encoding"),
        maxBodyBytes: deps.maxBodyBytes,
        pricing,
        detachable: true,
        searchVector: deps.store.searchVectorsAtIngest === true,
      };
      const onChunk = deps.store.groupsConcurrentWrites ? (chunk: PreparedObservation[]) => writes.add(chunk) : undefined;
      const { records, reasons } = await deps.ingestDecoder.decode(request, onChunk).catch(async (error: unknown) => {
        await writes.settled();
        throw error;
      });
      writes.add(records);
      await writes.done();
      return exportResponse(c, format, partialSuccess(reasons));
    });
  }
  for (const path of METRICS_PATHS) {
    app.post(path, auth, (c) => {
      return exportResponse(c, contentTypeFormat(c.req.header("content-type")) ?? "json");
    });
  }
  for (const path of LOGS_PATHS) {
    app.post(path, () => {
      throw new HttpError(
        404,
        "unsupported_signal",
        `Sightline stores traces only: OTLP logs are not accepted. Send traces to ${TRACES_PATHS.join(" or ")}.`,
      );
    });
  }
}
