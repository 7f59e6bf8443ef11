import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

/** `33554432` → `32 MiB`, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The 413 for a body over the limit. */
export function bodyTooLarge(maxBytes: number, what = "The request body"): HttpError {
  return new HttpError(
    413,
    "body_too_large",
    `${what} is larger than the limit of ${formatBytes(maxBytes)} (${maxBytes} bytes; SIGHTLINE_MAX_BODY_BYTES). ` +
      "Send smaller batches (e.g. a lower flushAt in the SDK).",
  );
}

/** The declared `Content-Length`, when it is a plain number. */
function declaredLength(value: string | null | undefined): number | null {
  return value !== null && value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : null;
}

/**
 * Collects body chunks: straight into one buffer of the declared length when there is one (so the
 * body is copied once and owns its memory whole, which lets ingestion hand it to a worker thread
 * without another copy), else in pieces joined at the end. Refuses more than `maxBytes` at once.
 */
class BodyCollector {
  private readonly whole: Uint8Array | null;
  private readonly chunks: Uint8Array[] = [];
  private total = 0;

  constructor(
    declared: number | null,
    private readonly maxBytes: number,
  ) {
    if (declared !== null && declared > maxBytes) throw bodyTooLarge(maxBytes);
    this.whole = declared === null ? null : new Uint8Array(declared);
  }

  /** Adds a chunk; false when the body is now over the limit (or longer than it declared). */
  add(chunk: Uint8Array): boolean {
    const end = this.total + chunk.byteLength;
    if (end > this.maxBytes || (this.whole !== null && end > this.whole.byteLength)) return false;
    if (this.whole !== null) this.whole.set(chunk, this.total);
    else this.chunks.push(chunk);
    this.total = end;
    return true;
  }

  /** The body; a declared length that was not reached means the client stopped sending. */
  result(): Uint8Array {
    if (this.whole !== null) {
      if (this.total !== this.whole.byteLength) {
        throw new HttpError(400, "incomplete_body", `The request body ended after ${this.total} of the ${this.whole.byteLength} bytes its Content-Length declared.`);
      }
      return this.whole;
    }
    // Always a copy: a chunk may share its memory with the connection's other data.
    return Buffer.concat(this.chunks, this.total);
  }
}

/**
 * Reads a request body into memory, refusing it with a 413 as soon as it passes `maxBytes`: at once
 * when `Content-Length` says so, and while streaming otherwise (chunked bodies have no length), so
 * an oversized body never sits in memory. Reads the Node request directly when the server gives
 * one (no web-stream layer), else the web `Request` (in-process requests, other runtimes).
 */
export async function readBodyWithLimit(request: Request, maxBytes: number, incoming?: IncomingMessage): Promise<Uint8Array> {
  if (incoming !== undefined) return readIncoming(incoming, maxBytes);
  const collector = new BodyCollector(declaredLength(request.headers.get("content-length")), maxBytes);
  const body = request.body;
  if (body === null) return collector.result();
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!collector.add(value)) {
      // Stop reading: the rest is discarded by the HTTP server, never buffered.
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge(maxBytes);
    }
  }
  return collector.result();
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    let collector: BodyCollector;
    try {
      collector = new BodyCollector(declaredLength(incoming.headers["content-length"]), maxBytes);
    } catch (error) {
      reject(error);
      return;
    }
    const onData = (chunk: Buffer) => {
      if (collector.add(chunk)) return;
      // Stop reading: the rest is discarded, never buffered.
      done();
      incoming.resume();
      reject(bodyTooLarge(maxBytes));
    };
    const onEnd = () => {
      done();
      try {
        resolve(collector.result());
      } catch (error) {
        reject(error);
      }
    };
    const onError = (error: Error) => {
      done();
      reject(new HttpError(400, "incomplete_body", `The request body could not be read: ${error.message}`));
    };
    const done = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("aborted", onAborted);
    };
    const onAborted = () => onError(new Error("the client closed the connection"));
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("aborted", onAborted);
  });
}
