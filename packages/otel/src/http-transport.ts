import http from "node:http";
import https from "node:https";

/** How a request ended: the server answered, or the request failed before an answer. */
export type TransportResult =
  | {
      readonly kind: "response";
      readonly status: number;
      /** The start of the response body (at most {@link RESPONSE_EXCERPT_BYTES}), for error messages. */
      readonly bodyExcerpt: string;
      /** The raw `Retry-After` header, if any. */
      readonly retryAfter: string | undefined;
    }
  | {
      readonly kind: "network-error";
      readonly error: Error;
      /** True when the request was aborted because it exceeded its timeout. */
      readonly timedOut: boolean;
    };

/** The longest response body kept for error messages; the rest is read and discarded. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** Settings of an {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** The full endpoint URL (http: or https:). */
  readonly url: string;
  /** Headers sent with every request (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** Each request is aborted after this long, response body included. */
  readonly timeoutMillis: number;
  /** Sockets kept per host; matches the exports allowed in flight. */
  readonly maxSockets: number;
}

/**
 * POSTs request bodies to one endpoint over a keep-alive connection pool (node:http/node:https).
 * Never rejects: every outcome is a {@link TransportResult}. Idle pooled sockets do not keep the
 * process alive (Node unrefs them); a request in progress does, until it ends or times out.
 */
export class HttpTransport {
  private readonly url: URL;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMillis: number;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(options: HttpTransportOptions) {
    this.url = new URL(options.url);
    this.headers = options.headers;
    this.timeoutMillis = options.timeoutMillis;
    const secure = this.url.protocol === "https:";
    const agentOptions: http.AgentOptions = { keepAlive: true, maxSockets: options.maxSockets, scheduling: "lifo" };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.request = secure ? https.request : http.request;
  }

  /** Sends `body` with the configured headers plus `extraHeaders`. */
  post(body: Buffer, extraHeaders?: Readonly<Record<string, string>>): Promise<TransportResult> {
    return new Promise<TransportResult>((resolve) => {
      let settled = false;
      let timedOut = false;
      let req: http.ClientRequest | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        req?.destroy(new Error(`request timed out after ${this.timeoutMillis} ms`));
      }, this.timeoutMillis);
      // The open socket keeps the process alive while the request runs; the timer need not.
      timer.unref();
      const finish = (result: TransportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const headers = { ...this.headers, ...extraHeaders, "content-length": String(body.byteLength) };
      try {
        req = this.request(this.url, { method: "POST", agent: this.agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on("data", (chunk: Buffer) => {
            if (kept < RESPONSE_EXCERPT_BYTES) {
              chunks.push(chunk);
              kept += chunk.byteLength;
            }
          });
          res.on("end", () => {
            const retryAfter = res.headers["retry-after"];
            finish({
              kind: "response",
              status: res.statusCode ?? 0,
              bodyExcerpt: Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString("utf8"),
              retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            });
          });
          res.on("error", (error) => finish({ kind: "network-error", error, timedOut }));
          // After "end" this is a no-op; before it, the answer was cut off (e.g. by the timeout).
          res.on("close", () =>
            finish({ kind: "network-error", error: new Error("the connection closed before the response ended"), timedOut }),
          );
        });
      } catch (error) {
        // Invalid header values throw synchronously.
        const cause = error instanceof Error ? error : new Error(String(error));
        queueMicrotask(() => finish({ kind: "network-error", error: cause, timedOut: false }));
        return;
      }
      req.on("error", (error) => finish({ kind: "network-error", error, timedOut }));
      req.end(body);
    });
  }

  /** Closes the pooled connections, aborting any request still in progress. */
  close(): void {
    this.agent.destroy();
  }
}
