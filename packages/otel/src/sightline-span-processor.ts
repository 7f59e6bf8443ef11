import { TraceFlags, trace } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SDK_SCOPE_NAME, SightlineAttributes, errorMessage, getLogger } from "@sightline/core";
import { getPropagatedAttributes } from "@sightline/tracing";
import { truncateLongAttributeValues } from "./attribute-truncation.js";
import { SpanExporterAdapter } from "./batch-exporter.js";
import type { BatchExporter } from "./batch-exporter.js";
import { resolveConfig } from "./config.js";
import type { ResolvedConfig } from "./config.js";
import { MAX_CONCURRENT_EXPORTS } from "./config-defaults.js";
import { registerExitFlush } from "./exit-hook.js";
import { ExportQueue } from "./export-queue.js";
import { invokeHook } from "./hooks.js";
import { applyMask } from "./masking.js";
import type { MaskFunction } from "./masking.js";
import type { SightlineSpanProcessorOptions } from "./options.js";
import { OtlpHttpExporter } from "./otlp-http-exporter.js";
import { isTraceSampled } from "./sampling.js";
import { isDefaultExportSpan } from "./span-filters.js";
import type { ShouldExportSpan } from "./span-filters.js";
import { StatsCounters } from "./stats.js";
import type { ProcessorStats } from "./stats.js";

const ENVIRONMENT = SightlineAttributes.ENVIRONMENT;
const RELEASE = SightlineAttributes.RELEASE;
const APP_ROOT = SightlineAttributes.APP_ROOT;

/** Waits for resources whose attributes are still being detected, so that they are encoded whole. */
async function settleResources(spans: readonly ReadableSpan[]): Promise<void> {
  let waits: Promise<void>[] | undefined;
  let seen: Set<unknown> | undefined;
  for (const span of spans) {
    const resource = span.resource;
    if (resource.asyncAttributesPending !== true || resource.waitForAsyncAttributes === undefined) continue;
    seen ??= new Set();
    if (seen.has(resource)) continue;
    seen.add(resource);
    (waits ??= []).push(resource.waitForAsyncAttributes().catch(() => undefined));
  }
  if (waits !== undefined) await Promise.all(waits);
}

/**
 * The OpenTelemetry span processor that sends spans to Sightline (or any Langfuse-compatible
 * server) as OTLP/HTTP JSON. A drop-in for Langfuse's `LangfuseSpanProcessor`, without its data
 * losses: retries with backoff (500 included), a bounded queue whose drops are counted and
 * reported, a flush at process exit, masking of metadata too, and export failures reported
 * through the SDK logger, `onError` and {@link SightlineSpanProcessor.getStats}.
 *
 * `onStart`/`onEnd` are cheap and synchronous; encoding and I/O run later, off the span's path.
 * `forceFlush()` and `shutdown()` resolve even when exports fail. Servers should call
 * `shutdown()` on SIGTERM/SIGINT: the processor flushes on `beforeExit` but installs no signal
 * handlers.
 *
 * @example
 * const provider = new BasicTracerProvider({ spanProcessors: [new SightlineSpanProcessor({ flushAt: 100 })] });
 */
export class SightlineSpanProcessor implements SpanProcessor {
  private readonly config: ResolvedConfig;
  private readonly exporter: BatchExporter;
  private readonly queue: ExportQueue;
  private readonly counters = new StatsCounters();
  private readonly pendingMasks = new Set<Promise<void>>();
  // Copies of hot-path settings, read on every span.
  private readonly environment: string | undefined;
  private readonly release: string | undefined;
  private readonly sampleRate: number;
  private readonly filter: ShouldExportSpan | undefined;
  private readonly mask: MaskFunction | undefined;
  private accepting: boolean;
  private removeExitHook: (() => void) | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private unreportedDrops = 0;
  private dropReportScheduled = false;
  private warnedQueueFull = false;

  constructor(options?: SightlineSpanProcessorOptions) {
    const logger = getLogger();
    const { config, warnings } = resolveConfig(options, process.env);
    for (const warning of warnings) logger.warnOnce(`otel:config:${warning}`, warning);
    this.config = config;
    this.environment = config.environment;
    this.release = config.release;
    this.sampleRate = config.sampleRate;
    this.filter = config.shouldExportSpan;
    this.mask = config.mask;
    this.accepting = config.enabled;
    this.exporter =
      config.exporter !== undefined
        ? new SpanExporterAdapter(config.exporter)
        : new OtlpHttpExporter({
            endpoint: config.endpoint,
            publicKey: config.publicKey,
            secretKey: config.secretKey,
            additionalHeaders: config.headers,
            compression: config.compression,
            timeoutMillis: config.timeoutMillis,
            maxRetries: config.maxRetries,
            backoff: { initialDelayMillis: config.retryInitialDelayMillis, maxDelayMillis: config.retryMaxDelayMillis },
            onRetry: () => this.counters.retries++,
          });
    this.queue = new ExportQueue({
      mode: config.exportMode,
      flushAt: config.flushAt,
      flushIntervalMillis: config.flushIntervalMillis,
      maxQueueSize: config.maxQueueSize,
      maxConcurrentExports: MAX_CONCURRENT_EXPORTS,
      exportBatch: (spans) => this.exportBatch(spans),
    });
    if (config.enabled && config.flushOnExit) {
      this.removeExitHook = registerExitFlush(
        () => this.forceFlush(),
        () => this.queue.queued + this.queue.inFlightSpans + this.pendingMasks.size > 0,
      );
    }
  }

  /**
   * Adds the processor's defaults to a starting span: `langfuse.environment` and
   * `langfuse.release` when the span has none (values the tracing SDK wrote win), the propagated
   * trace attributes for spans of other instrumentations, and `langfuse.internal.is_app_root`
   * when the span has no local parent.
   */
  onStart(span: Span, parentContext: Context): void {
    if (!this.accepting) return;
    try {
      const attributes = span.attributes;
      if (span.instrumentationScope.name !== SDK_SCOPE_NAME) {
        // Our own spans got these at start from the tracing SDK; foreign spans get them here.
        const propagated = getPropagatedAttributes(parentContext);
        if (propagated !== undefined) {
          for (const key in propagated) {
            const value = propagated[key];
            if (value !== undefined && attributes[key] === undefined) span.setAttribute(key, value);
          }
        }
      }
      if (this.environment !== undefined && attributes[ENVIRONMENT] === undefined) {
        span.setAttribute(ENVIRONMENT, this.environment);
      }
      if (this.release !== undefined && attributes[RELEASE] === undefined) span.setAttribute(RELEASE, this.release);
      const parent = trace.getSpanContext(parentContext);
      // An invalid parent in the context makes the tracer start a new root (no parentSpanContext).
      if (parent === undefined || parent.isRemote === true || span.parentSpanContext === undefined) {
        span.setAttribute(APP_ROOT, true);
      }
    } catch (error) {
      getLogger().errorOnce("otel:onStart", `SightlineSpanProcessor.onStart failed (span kept): ${errorMessage(error)}`);
    }
  }

  /**
   * Decides synchronously whether an ended span is exported (enabled, sampled, filter), masks it
   * when a mask is configured, and queues it. No encoding or I/O happens here.
   */
  onEnd(span: ReadableSpan): void {
    if (!this.accepting) return;
    try {
      const context = span.spanContext();
      if ((context.traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (this.sampleRate < 1 && !isTraceSampled(context.traceId, this.sampleRate)) return;
      if (!this.shouldExport(span)) return;
      if (span.droppedAttributesCount > 0) this.noteDroppedAttributes(span);
      if (this.mask !== undefined && this.applyMaskOrDefer(span, this.mask)) return;
      this.enqueue(span);
    } catch (error) {
      getLogger().errorOnce("otel:onEnd", `SightlineSpanProcessor.onEnd failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Exports every span ended so far (in `flushAt`-sized requests) and waits for exports in flight
   * and pending asynchronous masks. Resolves even when exports fail: failures are logged, passed
   * to `onError` and counted in {@link getStats}.
   */
  async forceFlush(): Promise<void> {
    try {
      if (this.pendingMasks.size > 0) await Promise.all([...this.pendingMasks]);
      await this.queue.flush();
      await this.exporter.forceFlush();
    } catch (error) {
      getLogger().error(`Flushing spans failed unexpectedly: ${errorMessage(error)}`);
    }
  }

  /**
   * Stops accepting spans, flushes, stops the timer, removes the exit hook and closes
   * connections. Idempotent: later calls return the same promise. Never rejects.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  /** Counters since creation: queued, in flight, exported, dropped, failed, retries, and more. */
  getStats(): ProcessorStats {
    return this.counters.snapshot(this.queue.queued + this.pendingMasks.size, this.queue.inFlightSpans);
  }

  private async doShutdown(): Promise<void> {
    this.accepting = false;
    await this.forceFlush();
    this.queue.stop();
    this.removeExitHook?.();
    this.removeExitHook = undefined;
    await this.exporter.shutdown();
  }

  private shouldExport(span: ReadableSpan): boolean {
    const filter = this.filter;
    if (filter === undefined) return isDefaultExportSpan(span);
    try {
      return Boolean(filter({ otelSpan: span }));
    } catch (error) {
      getLogger().warnOnce(
        "otel:filter-threw",
        `shouldExportSpan threw on span "${span.name}"; such spans are exported anyway so that no data is lost ` +
          `(further failures are not logged): ${errorMessage(error)}`,
      );
      return true;
    }
  }

  private noteDroppedAttributes(span: ReadableSpan): void {
    this.counters.droppedAttributes += span.droppedAttributesCount;
    getLogger().warnOnce(
      "otel:dropped-attributes",
      `Span "${span.name}" lost ${span.droppedAttributesCount} attributes to the OpenTelemetry attribute count limit ` +
        `(default 128; each metadata key is one attribute). Raise OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT or the tracer ` +
        `provider's spanLimits.attributeCountLimit (registerSightline uses 1024). ` +
        `Further spans are only counted in getStats().droppedAttributes.`,
    );
  }

  /** Masks in place; true when the span waits for an asynchronous mask (it is queued when it settles). */
  private applyMaskOrDefer(span: ReadableSpan, mask: MaskFunction): boolean {
    const { count, pending } = applyMask(span.attributes, mask, { timeoutMillis: this.config.timeoutMillis });
    this.counters.masked += count;
    if (pending === undefined) return false;
    if (this.queue.queued + this.pendingMasks.size >= this.config.maxQueueSize) {
      this.recordDrop();
      return true;
    }
    const settled: Promise<void> = pending.then(() => {
      this.pendingMasks.delete(settled);
      this.enqueue(span);
    });
    this.pendingMasks.add(settled);
    return true;
  }

  private enqueue(span: ReadableSpan): void {
    if (!this.queue.enqueue(span)) this.recordDrop();
  }

  private recordDrop(): void {
    this.counters.dropped++;
    this.unreportedDrops++;
    if (this.dropReportScheduled) return;
    this.dropReportScheduled = true;
    // Reported once per tick, off the span's path: a burst of drops is one log line and one onDrop call.
    setImmediate(() => this.reportDrops());
  }

  private reportDrops(): void {
    const count = this.unreportedDrops;
    this.unreportedDrops = 0;
    this.dropReportScheduled = false;
    if (!this.warnedQueueFull) {
      this.warnedQueueFull = true;
      getLogger().warn(
        `${count} spans dropped: queue full (maxQueueSize=${this.config.maxQueueSize}) — exporter too slow or server down; ` +
          `raise maxQueueSize or flush more often. Further drops are counted in getStats().dropped and reported to onDrop.`,
      );
    }
    invokeHook("onDrop", this.config.onDrop, { reason: "queue_full", count, totalDropped: this.counters.dropped });
  }

  private async exportBatch(spans: ReadableSpan[]): Promise<void> {
    await settleResources(spans);
    const maxLength = this.config.maxAttributeValueLength;
    let truncated = 0;
    for (const span of spans) truncated += truncateLongAttributeValues(span.attributes, maxLength);
    if (truncated > 0) {
      this.counters.truncatedValues += truncated;
      getLogger().warnOnce(
        "otel:truncated",
        `Attribute values longer than maxAttributeValueLength (${maxLength} characters) were truncated with a visible marker ` +
          `and listed in ${SightlineAttributes.TRUNCATED_KEYS}. Raise maxAttributeValueLength to keep them whole.`,
      );
    }
    const outcome = await this.exporter.export(spans);
    if (outcome.ok) {
      this.counters.exported += spans.length;
      return;
    }
    this.counters.failed += spans.length;
    getLogger().error(outcome.error.message);
    invokeHook("onError", this.config.onError, { error: outcome.error, spanCount: spans.length });
  }
}
