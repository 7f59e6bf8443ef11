/**
 * Counters of a {@link SightlineSpanProcessor}, for dashboards and tests. Spans are counted, not
 * requests. Since the processor was created:
 */
export interface ProcessorStats {
  /** Spans waiting to be exported (including spans whose asynchronous mask has not settled). */
  readonly queued: number;
  /** Spans in batches being sent right now. */
  readonly inFlight: number;
  /** Spans the server (or custom exporter) accepted. */
  readonly exported: number;
  /** Spans dropped before export because the queue was full. */
  readonly dropped: number;
  /** Spans in batches that failed for good (after retries). */
  readonly failed: number;
  /** HTTP requests retried. */
  readonly retries: number;
  /** Attribute values passed through the mask function. */
  readonly masked: number;
  /** Attribute values shortened to maxAttributeValueLength. */
  readonly truncatedValues: number;
  /** Attributes OpenTelemetry dropped at its attribute count limit, summed over the spans accepted for export. */
  readonly droppedAttributes: number;
}

/** The mutable counters behind {@link ProcessorStats} (queue gauges are read live). */
export class StatsCounters {
  exported = 0;
  dropped = 0;
  failed = 0;
  retries = 0;
  masked = 0;
  truncatedValues = 0;
  droppedAttributes = 0;

  /** A snapshot with the live gauges. */
  snapshot(queued: number, inFlight: number): ProcessorStats {
    return {
      queued,
      inFlight,
      exported: this.exported,
      dropped: this.dropped,
      failed: this.failed,
      retries: this.retries,
      masked: this.masked,
      truncatedValues: this.truncatedValues,
      droppedAttributes: this.droppedAttributes,
    };
  }
}
