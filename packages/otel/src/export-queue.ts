import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { ExportMode } from "./options.js";

/** Settings of an {@link ExportQueue}. */
export interface ExportQueueOptions {
  readonly mode: ExportMode;
  /** Spans per batch; in `batched` mode also the queue length that triggers an export. */
  readonly flushAt: number;
  /** In `batched` mode, the longest a span waits before its batch is sent. */
  readonly flushIntervalMillis: number;
  /** The most spans buffered; `enqueue` refuses more. */
  readonly maxQueueSize: number;
  /** Batches exported at the same time. */
  readonly maxConcurrentExports: number;
  /** Exports one batch. Must not reject (a rejection is ignored). */
  readonly exportBatch: (spans: ReadableSpan[]) => Promise<void>;
}

function ignore(): void {}

/**
 * A bounded FIFO of ended spans that hands them to `exportBatch` in batches of at most `flushAt`,
 * at most `maxConcurrentExports` at a time. `enqueue` is O(1) and never exports synchronously:
 * exports start from `setImmediate` (when a batch is full, or in `immediate` mode, where all spans
 * ended in one tick travel together) or from the unref'd interval timer started by the first
 * buffered span.
 */
export class ExportQueue {
  private buffer: ReadableSpan[] = [];
  /** The first `flushDebt` buffered spans are due now, full batch or not (timer or flush). */
  private flushDebt = 0;
  private enqueuedTotal = 0;
  private dequeuedTotal = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private inFlightSpanCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private drainScheduled = false;
  private stopped = false;

  constructor(private readonly options: ExportQueueOptions) {}

  /** Spans waiting to be exported. */
  get queued(): number {
    return this.buffer.length;
  }

  /** Spans in batches being exported. */
  get inFlightSpans(): number {
    return this.inFlightSpanCount;
  }

  /** Adds a span; false (and nothing else) when the queue is full. */
  enqueue(span: ReadableSpan): boolean {
    if (this.buffer.length >= this.options.maxQueueSize) return false;
    this.buffer.push(span);
    this.enqueuedTotal++;
    if (this.options.mode === "immediate" || this.buffer.length >= this.options.flushAt) this.scheduleDrain();
    else if (this.timer === undefined && !this.stopped) this.startTimer();
    return true;
  }

  /**
   * Exports every span buffered now (in `flushAt`-sized batches) and resolves when they and every
   * export in flight have finished. Spans enqueued meanwhile are not waited for.
   */
  async flush(): Promise<void> {
    const target = this.enqueuedTotal;
    this.flushDebt = this.buffer.length;
    this.drain();
    while (this.dequeuedTotal < target && this.inFlight.size > 0) {
      await Promise.race(this.inFlight);
    }
    await Promise.all(this.inFlight);
  }

  /** Stops the interval timer for good; spans still buffered leave only through `flush`. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private startTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushDebt = this.buffer.length;
      this.drain();
    }, this.options.flushIntervalMillis);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private drain(): void {
    const { flushAt, maxConcurrentExports, mode } = this.options;
    while (
      this.inFlight.size < maxConcurrentExports &&
      this.buffer.length > 0 &&
      (mode === "immediate" || this.flushDebt > 0 || this.buffer.length >= flushAt)
    ) {
      const batch = this.take(flushAt);
      this.flushDebt = Math.max(0, this.flushDebt - batch.length);
      this.start(batch);
    }
    if (this.buffer.length === 0) this.clearTimer();
    else if (mode === "batched" && this.timer === undefined && !this.stopped && this.buffer.length > this.flushDebt) {
      this.startTimer();
    }
  }

  private take(max: number): ReadableSpan[] {
    if (this.buffer.length <= max) {
      const all = this.buffer;
      this.buffer = [];
      return all;
    }
    return this.buffer.splice(0, max);
  }

  private start(batch: ReadableSpan[]): void {
    this.dequeuedTotal += batch.length;
    this.inFlightSpanCount += batch.length;
    let run: Promise<void>;
    try {
      run = this.options.exportBatch(batch);
    } catch {
      run = Promise.resolve();
    }
    const done: Promise<void> = run.then(ignore, ignore).then(() => {
      this.inFlight.delete(done);
      this.inFlightSpanCount -= batch.length;
      this.drain();
    });
    this.inFlight.add(done);
  }
}
