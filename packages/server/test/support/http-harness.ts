// Test support for the HTTP layer: a real SQLite store (in memory), two projects with a key pair
// each, the in-process Hono app, and OTLP bodies made by the real OpenTelemetry SDK and serializers.
import { gzipSync } from "node:zlib";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { Attributes, SpanContext } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ApiKeyAuthenticator, createApiKey, createApp, openSqliteStore, silentServerLogger } from "@sightline/server";
import type { SightlineApp, TraceStore } from "@sightline/server";

/** A project's key pair and its ready-made Authorization header. */
export interface TestKey {
  readonly projectId: string;
  readonly keyId: string;
  readonly publicKey: string;
  readonly secretKey: string;
  readonly authorization: string;
}

/** The app under test with its store and keys for projects A and B. */
export interface Harness {
  readonly app: SightlineApp;
  readonly store: TraceStore;
  readonly authenticator: ApiKeyAuthenticator;
  readonly keyA: TestKey;
  readonly keyB: TestKey;
  /** GET with project A's key (or `key`): status and parsed JSON, typed as the caller expects. */
  get<T = ApiError>(path: string, key?: TestKey | null): Promise<{ status: number; body: T }>;
  /** POST an OTLP body with project A's key (or `key`). */
  post(path: string, body: BodyInit | Uint8Array, headers?: Record<string, string>, key?: TestKey | null): Promise<Response>;
  close(): Promise<void>;
}

/** `Basic base64(publicKey:secretKey)`. */
export function basicAuth(publicKey: string, secretKey: string): string {
  return `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}`;
}

async function makeKey(store: TraceStore, projectId: string, name: string): Promise<TestKey> {
  await store.ensureProject({ id: projectId, name });
  const key = await createApiKey(store, projectId, { note: "test" });
  return { projectId, keyId: key.record.id, publicKey: key.publicKey, secretKey: key.secretKey, authorization: basicAuth(key.publicKey, key.secretKey) };
}

/** A fresh harness; `config` goes to `createApp`. Its store is a new in-memory SQLite one unless `store` (migrated, closed by `close`) is given. */
export async function createHarness(
  config: { maxBodyBytes?: number; authCacheTtlMillis?: number; nowMs?: () => number; store?: TraceStore } = {},
): Promise<Harness> {
  const store = config.store ?? (await openSqliteStore({ file: ":memory:" }));
  await store.migrate();
  const keyA = await makeKey(store, "default", "Default project");
  const keyB = await makeKey(store, "team-b", "Team B");
  const authenticator = new ApiKeyAuthenticator(store, { ttlMillis: config.authCacheTtlMillis ?? 10_000, nowMs: config.nowMs });
  const app = createApp({ store, config, logger: silentServerLogger, authenticator });
  return {
    app,
    store,
    authenticator,
    keyA,
    keyB,
    async get<T>(path: string, key: TestKey | null = keyA) {
      const res = await app.request(path, { headers: key === null ? {} : { authorization: key.authorization } });
      return { status: res.status, body: (await res.json()) as T };
    },
    async post(path, body, headers = {}, key = keyA) {
      const init: RequestInit & { duplex?: "half" } = {
        method: "POST",
        body: body as BodyInit,
        headers: { ...(key === null ? {} : { authorization: key.authorization }), ...headers },
      };
      if (body instanceof ReadableStream) init.duplex = "half";
      return app.request(path, init);
    },
    close: () => store.close(),
  };
}

/** The error body of every refusal. */
export interface ApiError {
  error: { code: string; message: string; requestId?: string };
}

/** A page of the list endpoints. */
export interface ApiPage<T> {
  data: T[];
  meta: { page: number; limit: number; totalItems: number; totalPages: number };
}

/** The fields of an observation the tests read. */
export interface ApiObservation {
  id: string;
  traceId: string;
  type: string;
  name: string;
  parentObservationId: string | null;
  startTime: string;
  endTime: string | null;
  startTimeUnixNano: string;
  endTimeUnixNano: string | null;
  model: string | null;
  input: unknown;
  output: unknown;
  level: string;
  statusMessage: string | null;
  usageDetails: Record<string, number>;
  costDetails: Record<string, number>;
  usage: { input: number; output: number; total: number; unit: string };
  totalTokens: number;
  calculatedTotalCost: number;
  latency: number | null;
  timeToFirstToken: number | null;
  completionStartTime: string | null;
  modelParameters: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
}

/** The fields of a trace the tests read. */
export interface ApiTrace {
  id: string;
  name: string | null;
  timestamp: string;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  environment: string;
  htmlPath: string;
  latency: number | null;
  totalCost: number;
  totalTokens: number;
  observationCount: number;
  level: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string | null;
  observations?: (string | ApiObservation)[];
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
  version: string | null;
  release: string | null;
  scores: unknown[];
}

/** A trace from `GET /api/public/traces/{id}`: its observations in full. */
export type ApiTraceDetail = Omit<ApiTrace, "observations"> & { observations: ApiObservation[] };

/** One span to build: ids are generated unless given. */
export interface SpanSpec {
  name: string;
  attributes?: Attributes;
  /** Index (into the same list) of the parent span; omitted = root (or `remoteParent`). */
  parent?: number;
  remoteParent?: { traceId: string; spanId: string };
  /** Milliseconds after a fixed base time. */
  startOffsetMs?: number;
  durationMs?: number;
  error?: string;
  resource?: Attributes;
}

const BASE_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

/** Whole milliseconds plus extra nanoseconds as an OpenTelemetry HrTime (a float would lose them). */
function hrTime(ms: number, extraNanos: number): [number, number] {
  return [Math.floor(ms / 1000), (ms % 1000) * 1_000_000 + extraNanos];
}

/**
 * Real spans from the OpenTelemetry SDK: a tree per the `parent` indices, with the given attributes,
 * start offsets and durations (sub-millisecond precision kept), in list order.
 */
export function buildSpans(specs: readonly SpanSpec[], scope = "langfuse-sdk"): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(specs[0]?.resource ?? { "service.name": "http-test" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer(scope, "5.0.0");
  const started: ReturnType<typeof tracer.startSpan>[] = [];
  for (const spec of specs) {
    let ctx = ROOT_CONTEXT;
    const parent = spec.parent === undefined ? undefined : started[spec.parent];
    if (parent !== undefined) ctx = trace.setSpan(ROOT_CONTEXT, parent);
    else if (spec.remoteParent !== undefined) {
      ctx = trace.setSpanContext(ROOT_CONTEXT, { ...spec.remoteParent, traceFlags: 1, isRemote: true });
    }
    const startMs = BASE_MS + (spec.startOffsetMs ?? started.length * 10);
    started.push(tracer.startSpan(spec.name, { attributes: spec.attributes, startTime: hrTime(startMs, 123_456) }, ctx));
  }
  specs.forEach((spec, i) => {
    const span = started[i]!;
    if (spec.error !== undefined) span.setStatus({ code: 2, message: spec.error });
    span.end(hrTime(BASE_MS + (spec.startOffsetMs ?? i * 10) + (spec.durationMs ?? 5), 654_321));
  });
  return exporter.getFinishedSpans();
}

/** The same span with another span id (e.g. an invalid one the decoder must reject). */
export function withSpanId(span: ReadableSpan, spanId: string): ReadableSpan {
  const ctx: SpanContext = { ...span.spanContext(), spanId };
  return Object.create(span, { spanContext: { value: () => ctx } }) as ReadableSpan;
}

/** OTLP/JSON bytes of the spans (OpenTelemetry's serializer). */
export function otlpJson(spans: ReadableSpan[]): Uint8Array {
  return JsonTraceSerializer.serializeRequest(spans)!;
}

/** OTLP/protobuf bytes of the spans (OpenTelemetry's serializer). */
export function otlpProtobuf(spans: ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans)!;
}

/** gzip of a body. */
export function gzip(body: Uint8Array | string): Uint8Array {
  return gzipSync(body);
}

/** Content-Type headers of the two encodings. */
export const JSON_TYPE = { "content-type": "application/json" } as const;
export const PROTOBUF_TYPE = { "content-type": "application/x-protobuf" } as const;

/** A body stream of `total` bytes in `chunkSize` pieces (no Content-Length: sent chunked). */
export function byteStream(total: number, chunkSize = 1024 * 1024, fill = 0x61): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = new Uint8Array(chunkSize).fill(fill);
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const n = Math.min(chunkSize, total - sent);
      sent += n;
      controller.enqueue(n === chunkSize ? chunk : chunk.subarray(0, n));
    },
  });
}
