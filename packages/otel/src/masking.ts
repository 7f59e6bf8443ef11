import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { SightlineAttributes, errorMessage, getLogger } from "@sightline/core";

/**
 * Redacts a payload before it leaves the process. It receives the attribute's value as a string
 * (what the Langfuse SDK's mask receives, so existing masks work) and the attribute key; it
 * returns the replacement. A non-string return is sent as JSON; `null`/`undefined` removes the
 * attribute. It may return a promise (then the span is exported once it settles).
 *
 * @example
 * const mask: MaskFunction = ({ data }) => data.replace(/sk-[a-zA-Z0-9]+/g, "sk-***");
 */
export type MaskFunction = (params: { data: string; key: string }) => unknown;

/** The value that replaces a payload when the mask function throws or rejects. */
export const MASK_FAILED_VALUE = "<fully masked due to failed mask function>";

const WHOLE_PAYLOAD_KEYS: ReadonlySet<string> = new Set([
  SightlineAttributes.OBSERVATION_INPUT,
  SightlineAttributes.OBSERVATION_OUTPUT,
  SightlineAttributes.OBSERVATION_METADATA,
  SightlineAttributes.TRACE_INPUT,
  SightlineAttributes.TRACE_OUTPUT,
  SightlineAttributes.TRACE_METADATA,
]);
const OBSERVATION_METADATA_PREFIX = SightlineAttributes.OBSERVATION_METADATA_PREFIX;
const TRACE_METADATA_PREFIX = SightlineAttributes.TRACE_METADATA_PREFIX;

/**
 * True for the attribute keys a mask applies to: input, output and metadata of observations and
 * traces, including every flattened metadata key (`langfuse.observation.metadata.<k>`), which the
 * Langfuse SDK leaves unmasked.
 */
export function isMaskedAttributeKey(key: string): boolean {
  return (
    WHOLE_PAYLOAD_KEYS.has(key) || key.startsWith(OBSERVATION_METADATA_PREFIX) || key.startsWith(TRACE_METADATA_PREFIX)
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function asMaskInput(value: AttributeValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function maskFailed(key: string, error: unknown): string {
  getLogger().warnOnce(
    "otel:mask-failed",
    `The mask function failed on "${key}"; the value was replaced by "${MASK_FAILED_VALUE}". ` +
      `Fix the mask so it does not throw (further failures are not logged): ${errorMessage(error)}`,
  );
  return MASK_FAILED_VALUE;
}

/** Writes a mask result into the attributes: strings as they are, others as JSON, nullish removes. */
function store(attributes: Attributes, key: string, result: unknown): void {
  if (result === undefined || result === null) {
    delete attributes[key];
    return;
  }
  if (typeof result === "string") {
    attributes[key] = result;
    return;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(result);
  } catch (error) {
    json = maskFailed(key, error);
  }
  if (json === undefined) delete attributes[key];
  else attributes[key] = json;
}

/** Bounds on an asynchronous mask, so that a promise that never settles cannot hold a span forever. */
export interface AsyncMaskOptions {
  /** A mask promise still pending after this long counts as failed (the value is fully masked). */
  readonly timeoutMillis: number;
}

/**
 * Applies `mask` in place to every maskable attribute of `attributes` (see
 * {@link isMaskedAttributeKey}). Synchronous results are written at once. Returns the number of
 * values masked and, when the mask returned promises, a promise that settles (never rejects) once
 * their results are written.
 */
export function applyMask(
  attributes: Attributes,
  mask: MaskFunction,
  options: AsyncMaskOptions,
): { readonly count: number; readonly pending: Promise<void> | undefined } {
  let count = 0;
  let asyncResults: Promise<void>[] | undefined;
  for (const key in attributes) {
    if (!isMaskedAttributeKey(key)) continue;
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    count++;
    let result: unknown;
    try {
      result = mask({ data: asMaskInput(value), key });
    } catch (error) {
      attributes[key] = maskFailed(key, error);
      continue;
    }
    if (!isThenable(result)) {
      store(attributes, key, result);
      continue;
    }
    // Until the promise settles the raw value must not be exported: hold it back.
    attributes[key] = MASK_FAILED_VALUE;
    (asyncResults ??= []).push(settleAsyncMask(attributes, key, result, options));
  }
  const pending = asyncResults === undefined ? undefined : Promise.all(asyncResults).then(() => undefined);
  return { count, pending };
}

function settleAsyncMask(
  attributes: Attributes,
  key: string,
  result: PromiseLike<unknown>,
  options: AsyncMaskOptions,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let settled = false;
    const finish = (write: () => void): void => {
      if (settled) return; // a late result after the timeout must not overwrite the masked value
      settled = true;
      clearTimeout(timer);
      write();
      resolve();
    };
    const timer = setTimeout(() => {
      const error = new Error(`the mask promise did not settle within ${options.timeoutMillis} ms`);
      finish(() => (attributes[key] = maskFailed(key, error)));
    }, options.timeoutMillis);
    timer.unref();
    try {
      result.then(
        (value) => finish(() => store(attributes, key, value)),
        (error: unknown) => finish(() => (attributes[key] = maskFailed(key, error))),
      );
    } catch (error) {
      finish(() => (attributes[key] = maskFailed(key, error)));
    }
  });
}
