import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { SpanLimits, TracerConfig } from "@opentelemetry/sdk-trace-base";
import { getLogger } from "@sightline/core";
import { setSightlineTracerProvider } from "@sightline/tracing";
import type { SightlineSpanProcessorOptions } from "./options.js";
import { SightlineSpanProcessor } from "./sightline-span-processor.js";

/**
 * Attributes a span may hold before OpenTelemetry drops more. Its default, 128, is easily reached
 * by flattened metadata (one attribute per key).
 */
export const DEFAULT_ATTRIBUTE_COUNT_LIMIT = 1024;

/** Options of {@link registerSightline}: the processor's, plus the tracer provider's resource and limits. */
export interface RegisterSightlineOptions extends SightlineSpanProcessorOptions {
  /** The resource of every span (e.g. `resourceFromAttributes({ "service.name": "my-app" })`). */
  resource?: TracerConfig["resource"];
  /** Merged over `{ attributeCountLimit: 1024 }`. */
  spanLimits?: SpanLimits;
}

/** What {@link registerSightline} set up. */
export interface SightlineRegistration {
  /** The span processor (for `getStats()`). */
  readonly processor: SightlineSpanProcessor;
  /** The tracer provider that feeds it. */
  readonly tracerProvider: BasicTracerProvider;
  /** Exports everything ended so far; resolves even when exports fail. */
  forceFlush(): Promise<void>;
  /** Flushes and shuts the provider and processor down. Idempotent; never rejects. */
  shutdown(): Promise<void>;
}

/**
 * Sets up tracing in one call, with no OpenTelemetry wiring: a {@link SightlineSpanProcessor}
 * behind a `BasicTracerProvider` (attribute limit 1024) registered as the global tracer provider,
 * the AsyncLocalStorage context manager (so nested observations find their parent) and the W3C
 * trace-context + baggage propagator. Anything already registered is left alone: when another
 * global tracer provider exists (e.g. NodeSDK), Sightline's provider goes into the tracing SDK's
 * isolated slot instead, so Sightline observations are exported and the app's own tracing is
 * untouched.
 *
 * @example
 * const sightline = registerSightline({ publicKey: "pk-...", secretKey: "sk-..." });
 * process.on("SIGTERM", () => void sightline.shutdown().then(() => process.exit(0)));
 */
export function registerSightline(options: RegisterSightlineOptions = {}): SightlineRegistration {
  const { resource, spanLimits, ...processorOptions } = options;
  const logger = getLogger();
  const processor = new SightlineSpanProcessor(processorOptions);
  const tracerProvider = new BasicTracerProvider({
    ...(resource === undefined ? {} : { resource }),
    spanLimits: { attributeCountLimit: DEFAULT_ATTRIBUTE_COUNT_LIMIT, ...spanLimits },
    spanProcessors: [processor],
  });

  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  if (!context.setGlobalContextManager(contextManager)) contextManager.disable();

  // Propagators are read when a request is made, so registering ours only fills an empty slot.
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );

  let isolated = false;
  if (!trace.setGlobalTracerProvider(tracerProvider)) {
    isolated = true;
    setSightlineTracerProvider(tracerProvider);
    logger.info(
      "A global OpenTelemetry tracer provider is already registered; Sightline observations use their own provider " +
        "(the app's other spans are not sent to Sightline; add a SightlineSpanProcessor to that provider for that).",
    );
  }

  let shutdownPromise: Promise<void> | undefined;
  return {
    processor,
    tracerProvider,
    forceFlush: () => processor.forceFlush(),
    shutdown: () => {
      shutdownPromise ??= tracerProvider
        .shutdown()
        .catch((error: unknown) => logger.error(`Shutting down the tracer provider failed: ${String(error)}`))
        .then(() => processor.shutdown())
        .finally(() => {
          if (isolated) setSightlineTracerProvider(null);
        });
      return shutdownPromise;
    },
  };
}
