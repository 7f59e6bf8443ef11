import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";

/** One request the capture server received. */
export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as sent (gzip when compressed). */
  readonly rawBody: Buffer;
  /** The parsed JSON body, gunzipped first when `content-encoding: gzip`. */
  readonly body: OtlpRequest;
  readonly receivedAtMillis: number;
}

/** The parts of an OTLP/JSON ExportTraceServiceRequest the tests read. */
export interface OtlpRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}
export interface OtlpKeyValue {
  key: string;
  value: Record<string, unknown>;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: OtlpKeyValue[];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

/** How the server answers one request. */
export type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  /** Read the request and never answer. */
  | "hang"
  /** Destroy the connection without an answer. */
  | "reset";

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers from a script of
 * replies (then the default reply, 200 `{}`).
 */
export class CaptureServer {
  readonly requests: CapturedRequest[] = [];
  private readonly script: Reply[] = [];
  private defaultReply: Reply = { status: 200, body: "{}" };
  private readonly sockets = new Set<Socket>();
  private readonly waiters: (() => void)[] = [];

  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => this.handle(req.method ?? "", req.url ?? "", req.headers, Buffer.concat(chunks), res));
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** Starts a server on `port` (0: any free port). */
  static async start(port = 0): Promise<CaptureServer> {
    const capture = new CaptureServer();
    await new Promise<void>((resolve, reject) => {
      capture.server.once("error", reject);
      capture.server.listen(port, "127.0.0.1", () => resolve());
    });
    return capture;
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The base URL to give the processor. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** The reply once the script is used up. */
  replyByDefault(reply: Reply): this {
    this.defaultReply = reply;
    return this;
  }

  /** Every span received, in arrival order, with its scope name. */
  spans(): (OtlpSpan & { scope: string })[] {
    return this.requests.flatMap((r) =>
      r.body.resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, scope: ss.scope.name }))),
      ),
    );
  }

  /** Names of every span received, in arrival order. */
  spanNames(): string[] {
    return this.spans().map((s) => s.name);
  }

  /** Resolves once `count` requests have arrived; rejects after `timeoutMillis`. */
  async waitForRequests(count: number, timeoutMillis = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    while (this.requests.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} requests, got ${this.requests.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Stops the server and drops every connection (hanging ones included). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(method: string, path: string, headers: IncomingHttpHeaders, rawBody: Buffer, res: ServerResponse): void {
    const json = headers["content-encoding"] === "gzip" ? gunzipSync(rawBody) : rawBody;
    this.requests.push({
      method,
      path,
      headers,
      rawBody,
      body: JSON.parse(json.toString("utf8")) as OtlpRequest,
      receivedAtMillis: Date.now(),
    });
    for (const wake of this.waiters.splice(0)) wake();
    const reply = this.script.shift() ?? this.defaultReply;
    if (reply === "hang") return;
    if (reply === "reset") {
      res.socket?.destroy();
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(reply.body ?? "");
  }
}

/** A URL on 127.0.0.1 where nothing listens (connections are refused), and its port. */
export async function refusingUrl(): Promise<{ url: string; port: number }> {
  const server = await CaptureServer.start();
  const port = server.port;
  await server.close();
  return { url: `http://127.0.0.1:${port}`, port };
}
