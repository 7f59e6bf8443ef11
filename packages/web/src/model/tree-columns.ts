/**
 * The structure of one trace as `GET /api/ui/traces/{id}/tree` sends it: one array per field
 * ("column arrays"), index i describing observation i. No inputs, outputs or metadata: a
 * 100,000-observation trace stays a few megabytes and parses in tens of milliseconds; the
 * selected observation's IO is fetched on demand.
 */
export interface TraceTreeColumns {
  readonly traceId: string;
  /** The earliest observation start, nanoseconds since the epoch as a decimal string. */
  readonly baseUnixNano: string;
  readonly ids: readonly string[];
  /** The parent id as sent by the span, even when that parent was never exported. */
  readonly parentIds: readonly (string | null)[];
  readonly names: readonly string[];
  /** Uppercase observation types (`SPAN`, `GENERATION`, ...). */
  readonly types: readonly string[];
  /** `DEBUG`, `DEFAULT`, `WARNING` or `ERROR`. */
  readonly levels: readonly string[];
  /** Start, nanoseconds after `baseUnixNano` (exact up to ~104 days). */
  readonly startOffsetNs: readonly number[];
  /** End, nanoseconds after `baseUnixNano`; null while the observation has not ended. */
  readonly endOffsetNs: readonly (number | null)[];
  readonly totalTokens: readonly number[];
  /** USD. */
  readonly totalCost: readonly number[];
  readonly models: readonly (string | null)[];
}

/** An empty structure (a trace with no observation yet). */
export function emptyColumns(traceId: string): TraceTreeColumns {
  return {
    traceId,
    baseUnixNano: "0",
    ids: [],
    parentIds: [],
    names: [],
    types: [],
    levels: [],
    startOffsetNs: [],
    endOffsetNs: [],
    totalTokens: [],
    totalCost: [],
    models: [],
  };
}
