import { SpanProblem } from "./span-problem.js";

/**
 * Fills in a missing (0) start or end time from the other one, as OTLP senders sometimes leave one
 * out. Both missing rejects the span.
 */
export function resolveSpanTimes(
  startTimeUnixNano: bigint,
  endTimeUnixNano: bigint,
): { startTimeUnixNano: bigint; endTimeUnixNano: bigint } {
  if (startTimeUnixNano === 0n) {
    if (endTimeUnixNano === 0n) {
      throw new SpanProblem("", "startTimeUnixNano and endTimeUnixNano are both missing or 0");
    }
    return { startTimeUnixNano: endTimeUnixNano, endTimeUnixNano };
  }
  return { startTimeUnixNano, endTimeUnixNano: endTimeUnixNano === 0n ? startTimeUnixNano : endTimeUnixNano };
}
