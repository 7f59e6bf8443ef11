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

/**
 * Reads a request body into memory, refusing it with a 413 as soon as it passes `maxBytes`: at once
 * when `Content-Length` says so, and while streaming otherwise (chunked bodies have no length), so
 * an oversized body never sits in memory.
 */
export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    throw bodyTooLarge(maxBytes);
  }
  const body = request.body;
  if (body === null) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop reading: the rest is discarded by the HTTP server, never buffered.
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 && chunks[0] !== undefined
    ? Buffer.from(chunks[0].buffer, chunks[0].byteOffset, chunks[0].byteLength)
    : Buffer.concat(chunks, total);
}
