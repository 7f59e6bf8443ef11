const TWO_POW_32 = 2 ** 32;

/**
 * Decides whether a trace is kept at `sampleRate` (0..1), from its trace id alone: the last 8 hex
 * characters read as an unsigned 32-bit number, divided by 2^32, must be below the rate. Every
 * span of a trace gets the same answer, in every process and service that uses this rule, so
 * traces are kept or dropped whole. Random trace ids make the kept share match the rate.
 *
 * @example
 * isTraceSampled("4bf92f3577b34da6a3ce929d0e0e4736", 0.5); // true: 0x0e0e4736 / 2^32 ≈ 0.055
 */
export function isTraceSampled(traceId: string, sampleRate: number): boolean {
  if (sampleRate >= 1) return true;
  if (sampleRate <= 0) return false;
  const tail = Number.parseInt(traceId.slice(-8), 16);
  // An id that is not hex cannot be placed: keep it rather than lose data silently.
  if (Number.isNaN(tail)) return true;
  return tail / TWO_POW_32 < sampleRate;
}
