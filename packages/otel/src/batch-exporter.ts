import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ExportResultCode } from "@opentelemetry/core";
import { ExportError, errorMessage } from "@sightline/core";

/** The outcome of exporting one batch. Failures are values, never thrown. */
export type ExportOutcome = { readonly ok: true } | { readonly ok: false; readonly error: ExportError };

/**
 * The seam between the queue and the wire: sends one batch and reports how it went. Implemented
 * by the OTLP/HTTP exporter and by an adapter over any OpenTelemetry `SpanExporter`.
 */
export interface BatchExporter {
  /** Sends `spans` (with any retries). Resolves, never rejects. */
  export(spans: ReadableSpan[]): Promise<ExportOutcome>;
  /** Pushes out anything the exporter buffers itself. Resolves, never rejects. */
  forceFlush(): Promise<void>;
  /** Releases connections and timers. Resolves, never rejects. */
  shutdown(): Promise<void>;
}

/**
 * How long a custom exporter may take to call back before the batch counts as failed
 * (OpenTelemetry's BatchSpanProcessor default).
 */
export const CUSTOM_EXPORT_TIMEOUT_MILLIS = 30_000;

/**
 * Adapts a user-supplied OpenTelemetry `SpanExporter` (the `exporter` option). It does not retry:
 * OpenTelemetry exporters retry themselves. A callback that never comes fails the batch after
 * {@link CUSTOM_EXPORT_TIMEOUT_MILLIS}.
 */
export class SpanExporterAdapter implements BatchExporter {
  constructor(private readonly exporter: SpanExporter) {}

  export(spans: ReadableSpan[]): Promise<ExportOutcome> {
    return new Promise<ExportOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: ExportOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const fail = (message: string, cause?: unknown): void =>
        finish({
          ok: false,
          error: new ExportError(`Export of ${spans.length} spans through the custom exporter failed: ${message}`, {
            retryable: false,
            cause,
          }),
        });
      const timer = setTimeout(
        () => fail(`no result within ${CUSTOM_EXPORT_TIMEOUT_MILLIS} ms`),
        CUSTOM_EXPORT_TIMEOUT_MILLIS,
      );
      timer.unref();
      try {
        this.exporter.export(spans, (result) => {
          if (result.code === ExportResultCode.SUCCESS) finish({ ok: true });
          else fail(result.error === undefined ? "the exporter reported FAILED" : errorMessage(result.error), result.error);
        });
      } catch (error) {
        fail(errorMessage(error), error);
      }
    });
  }

  async forceFlush(): Promise<void> {
    try {
      await this.exporter.forceFlush?.();
    } catch {
      // Reported by the exporter itself; flushing must not throw into the app.
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.exporter.shutdown();
    } catch {
      // As above.
    }
  }
}
