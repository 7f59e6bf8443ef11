// Test support: a local ingestion endpoint that decodes the OTLP/HTTP JSON requests a span
// processor sends (gzip or not), for tests that run the SDK's setup as a user would.
import { gunzipSync } from "node:zlib";
import type { IncomingHttpHeaders } from "node:http";
import { readBody, startServer } from "./http-server.js";
import type { TestServer } from "./http-server.js";

/** One span of an OTLP/JSON request, with its attributes decoded to plain values. */
export interface CapturedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  scope: string;
  attributes: Record<string, unknown>;
}

/** One request received. */
export interface CapturedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  spans: CapturedSpan[];
}

export interface OtlpCapture extends TestServer {
  readonly requests: CapturedRequest[];
  /** Every span received so far. */
  spans(): CapturedSpan[];
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpRequest {
  resourceSpans?: Array<{
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{ name: string; traceId: string; spanId: string; parentSpanId?: string; attributes?: KeyValue[] }>;
    }>;
  }>;
}

function decodeValue(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  if (value.kvlistValue !== undefined) return decodeAttributes(value.kvlistValue.values ?? []);
  return undefined;
}

function decodeAttributes(attributes: readonly KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(attributes.map((kv) => [kv.key, decodeValue(kv.value)]));
}

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`. */
export function decodeOtlpJson(body: string): CapturedSpan[] {
  const request = JSON.parse(body) as OtlpRequest;
  const spans: CapturedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          name: span.name,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          scope: scopeSpans.scope?.name ?? "",
          attributes: decodeAttributes(span.attributes ?? []),
        });
      }
    }
  }
  return spans;
}

/** Starts an OTLP/HTTP JSON endpoint on 127.0.0.1 that answers `{}` and records what it gets. */
export async function startOtlpCapture(): Promise<OtlpCapture> {
  const requests: CapturedRequest[] = [];
  const server = await startServer(async (req, res) => {
    let body = await readBody(req);
    if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
    const contentType = String(req.headers["content-type"] ?? "");
    if (!contentType.startsWith("application/json")) {
      throw new Error(`the capture endpoint decodes OTLP/JSON only, got ${contentType}`);
    }
    requests.push({ path: req.url ?? "", headers: req.headers, spans: decodeOtlpJson(body.toString("utf8")) });
    res.setHeader("content-type", "application/json");
    res.end("{}");
  });
  return Object.assign(server, { requests, spans: () => requests.flatMap((r) => r.spans) });
}

/** The one captured span with this name (fails the test otherwise). */
export function capturedSpan(spans: readonly CapturedSpan[], name: string): CapturedSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span named ${name}, got ${found.length} among [${spans.map((s) => s.name).join(", ")}]`);
  return found[0]!;
}

/** The Authorization header value for HTTP Basic auth with these keys. */
export function basicAuth(publicKey: string, secretKey: string): string {
  return `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}`;
}

/**
 * Sets environment variables for the duration of a test file (`undefined` unsets one) and returns
 * the function that restores the previous values.
 */
export function setEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const apply = (vars: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(vars)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  return () => apply(saved);
}
