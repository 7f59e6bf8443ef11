import { Worker } from "node:worker_threads";
import { OtlpDecodeError } from "../otlp/otlp-decode-error.js";
import { decodeAndMapRequest } from "./decode-request.js";
import type { IngestRequest, MappedRequest } from "./decode-request.js";
import type { IngestJob, IngestReply, PreparedRows } from "./ingest-protocol.js";
import { PriceSourceCache } from "../pricing/ingest-pricing.js";
import type { PriceCatalogue } from "../pricing/price-catalogue.js";
import { PreparedObservation } from "../storage/prepared-observation.js";

/** Turns request bodies into observations ready to store: inline, or on worker threads. */
export interface IngestDecoder {
  /**
   * Decodes, maps and prices one body (with the request's custom prices and the decoder's
   * catalogue). Rejects with an `OtlpDecodeError` when the body is refused.
   *
   * With `onChunk`, some records may be handed over early, in chunks, while the rest is still
   * being mapped (worker threads do; inline decoding has nothing to overlap and does not); the
   * result then holds only the records not handed over. A rejection can follow chunks only when
   * a worker dies mid-request (never for a refused body, which is refused before any chunk).
   */
  decode(request: IngestRequest, onChunk?: (records: PreparedObservation[]) => void): Promise<MappedRequest>;
  /** Stops the worker threads (jobs in flight finish first). Idempotent. */
  close(): Promise<void>;
}

/** Decodes on the calling thread: for tests, `SIGHTLINE_INGEST_WORKERS=0`, and single-core machines. */
export class InlineIngestDecoder implements IngestDecoder {
  private readonly prices: PriceSourceCache;

  /** Prices with `catalogue` (default: the built-in one) and each request's custom prices. */
  constructor(catalogue?: PriceCatalogue) {
    this.prices = new PriceSourceCache(catalogue);
  }

  async decode(request: IngestRequest): Promise<MappedRequest> {
    return decodeAndMapRequest(request, this.prices.sourcesFor(request.pricing));
  }

  async close(): Promise<void> {}
}

/** An inline decoder with the built-in price catalogue. */
export const inlineIngestDecoder: IngestDecoder = new InlineIngestDecoder();

interface WorkerSlot {
  worker: Worker;
  /** Jobs sent to this worker and not answered yet. */
  readonly jobs: Map<number, PendingJob>;
}

interface PendingJob {
  resolve(result: MappedRequest): void;
  reject(error: unknown): void;
  onChunk: ((records: PreparedObservation[]) => void) | undefined;
}

/**
 * Decodes, maps and prices request bodies on a pool of worker threads, so the thread that owns the
 * database only writes (on two cores the two overlap instead of adding up). Each job goes to the
 * worker with the fewest jobs in flight. The body goes over as a transferred copy; the prepared
 * rows come back as flat arrays by structured clone (BigInt times included), in chunks when the
 * caller wants to start writing the first ones while the worker maps the rest. Workers price with
 * the built-in catalogue and the request's custom prices.
 *
 * A worker that dies fails its jobs in flight with an error (a 500 for those requests) and is
 * replaced; the server keeps serving.
 */
export class WorkerIngestDecoder implements IngestDecoder {
  private readonly slots: WorkerSlot[] = [];
  private nextId = 1;
  private closing: Promise<void> | undefined;

  /** Starts `size` (≥ 1) worker threads. */
  constructor(size: number) {
    for (let i = 0; i < Math.max(1, Math.floor(size)); i++) this.slots.push(this.spawn());
  }

  decode(request: IngestRequest, onChunk?: (records: PreparedObservation[]) => void): Promise<MappedRequest> {
    if (this.closing !== undefined) return Promise.reject(new Error("The ingest decoder is closed."));
    const slot = this.slots.reduce((best, s) => (s.jobs.size < best.jobs.size ? s : best));
    const id = this.nextId++;
    const { body, transfer } = transferable(request.body, request.detachable === true);
    const job: IngestJob = { id, request: { ...request, body }, chunked: onChunk !== undefined };
    return new Promise<MappedRequest>((resolve, reject) => {
      // A worker with jobs in flight keeps the process alive (their promises are awaited); an idle one does not.
      if (slot.jobs.size === 0) slot.worker.ref();
      slot.jobs.set(id, { resolve, reject, onChunk });
      try {
        slot.worker.postMessage(job, transfer);
      } catch (error) {
        slot.jobs.delete(id);
        if (slot.jobs.size === 0) slot.worker.unref();
        reject(error);
      }
    });
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(
      this.slots.map(async (slot) => {
        slot.worker.ref();
        while (slot.jobs.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
        await slot.worker.terminate();
      }),
    ).then(() => undefined);
    return this.closing;
  }

  private spawn(): WorkerSlot {
    const slot: WorkerSlot = { worker: new Worker(new URL("./ingest-worker.js", import.meta.url)), jobs: new Map() };
    slot.worker.on("message", (reply: IngestReply) => {
      const job = slot.jobs.get(reply.id);
      if (job === undefined) return;
      if ("chunk" in reply) {
        try {
          job.onChunk?.(prepared(reply.chunk));
        } catch (error) {
          slot.jobs.delete(reply.id);
          job.reject(error);
        }
        return;
      }
      slot.jobs.delete(reply.id);
      if (slot.jobs.size === 0 && this.closing === undefined) slot.worker.unref();
      if (reply.ok) job.resolve({ records: prepared(reply.rows), reasons: reply.reasons });
      else job.reject(reply.error.code === null ? new Error(reply.error.message) : new OtlpDecodeError(reply.error.code, reply.error.message));
    });
    const fail = (reason: string): void => {
      const error = new Error(`An ingest worker stopped (${reason}); the request was not stored.`);
      for (const job of slot.jobs.values()) job.reject(error);
      slot.jobs.clear();
      if (this.closing !== undefined) return;
      const index = this.slots.indexOf(slot);
      if (index !== -1) this.slots[index] = this.spawn();
    };
    slot.worker.on("error", (error) => fail(error.message));
    slot.worker.on("exit", (code) => {
      if (this.slots.includes(slot)) fail(`exit code ${code}`);
    });
    // Idle workers never keep the process alive; the HTTP server does while it runs.
    slot.worker.unref();
    return slot;
  }
}

function prepared(rows: PreparedRows): PreparedObservation[] {
  return rows.map((values) => new PreparedObservation(values));
}

/**
 * The body as transferred to the worker: its own memory when the caller allows it (`detachable`)
 * and the body spans that memory whole; else a copy of its bytes (the caller's buffer is never
 * detached, and a view into a larger buffer sends only its own bytes, ≈0.1 ms per MB).
 */
function transferable(body: Uint8Array, detachable: boolean): { body: Uint8Array; transfer: ArrayBuffer[] } {
  const owned = body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  const sent = detachable && owned ? body : new Uint8Array(body);
  return { body: sent, transfer: [sent.buffer as ArrayBuffer] };
}

/**
 * The decoder for `workers` threads: inline for 0.
 *
 * @example const decoder = createIngestDecoder(config.ingestWorkers);
 */
export function createIngestDecoder(workers: number): IngestDecoder {
  return workers <= 0 ? inlineIngestDecoder : new WorkerIngestDecoder(workers);
}
