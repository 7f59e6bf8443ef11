import {
  DEFAULT_RETRY_INITIAL_DELAY_MILLIS,
  DEFAULT_RETRY_MAX_DELAY_MILLIS,
  MAX_RETRY_AFTER_MILLIS,
} from "./config-defaults.js";

/** How long to wait between attempts: exponential backoff with full jitter. */
export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  readonly initialDelayMillis: number;
  /** The ceiling never grows past this. */
  readonly maxDelayMillis: number;
}

/** The default policy: 500 ms, doubling, capped at 15 s. */
export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = {
  initialDelayMillis: DEFAULT_RETRY_INITIAL_DELAY_MILLIS,
  maxDelayMillis: DEFAULT_RETRY_MAX_DELAY_MILLIS,
};

/**
 * The delay before retry number `retryIndex` (0 for the first retry): a uniformly random time
 * between 0 and `min(maxDelayMillis, initialDelayMillis * 2^retryIndex)` ("full jitter", which
 * spreads out clients that failed together). `random` returns a number in [0, 1).
 *
 * @example
 * computeBackoffMillis(3, DEFAULT_BACKOFF_POLICY, () => 0.5); // 2000 (half of 4000)
 */
export function computeBackoffMillis(
  retryIndex: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF_POLICY,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(retryIndex, 52)); // 2^52 is already beyond any cap
  const ceiling = Math.min(policy.maxDelayMillis, policy.initialDelayMillis * 2 ** exponent);
  return Math.floor(Math.max(0, ceiling) * Math.min(Math.max(random(), 0), 1));
}

/**
 * Parses an HTTP `Retry-After` header: delay-seconds (`"120"`) or an HTTP date. Returns the delay
 * in milliseconds, capped at {@link MAX_RETRY_AFTER_MILLIS} (a server may not stall the exporter
 * for hours), or undefined when the header is absent or unreadable.
 *
 * @example
 * parseRetryAfterMillis("2", Date.now()); // 2000
 */
export function parseRetryAfterMillis(header: string | undefined, nowMillis: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === "") return undefined;
  let millis: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    millis = Number(text) * 1000;
  } else {
    // An HTTP date names its month; anything else (e.g. "-5", which Date.parse reads as a year) is unreadable.
    if (!/[a-z]/i.test(text)) return undefined;
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    millis = Math.max(0, date - nowMillis);
  }
  return Math.min(Math.ceil(millis), MAX_RETRY_AFTER_MILLIS);
}

/**
 * True for HTTP statuses worth retrying: 408 (request timeout), 429 (rate limited) and every 5xx,
 * 500 included (it is often a transient database or deploy error, and the server de-duplicates
 * spans by id). Other 4xx (bad keys, bad payload, too large) fail at once.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}
