import { context, trace } from "@opentelemetry/api";
import { getLogger, parseBooleanEnv, readEnv } from "@sightline/core";
import type { ObservationType } from "@sightline/core";
import { checkContextPropagation } from "./context-check.js";
import type { Observation } from "./observation.js";
import { internals } from "./start-observation.js";
import { isAsyncIterable, isSyncGenerator, wrapAsyncIterable, wrapSyncGenerator } from "./stream.js";
import type { ObserveOptions } from "./types.js";

const { createObservation, parentContextFor, isThenable } = internals;

function isNodeStream(value: unknown): boolean {
  return typeof (value as { pipe?: unknown }).pipe === "function";
}

/**
 * Wraps a function so each call is an observation: arguments as input (one argument as it is,
 * several as an array), the return value as output, errors recorded and rethrown. Works for sync
 * and async functions and methods (`this` is kept). A returned async iterable or generator (an
 * LLM stream) keeps the observation open until it is consumed, with `completionStartTime` at the
 * first chunk and the chunks as output.
 *
 * IO capture defaults to `SIGHTLINE_OBSERVE_DECORATOR_IO_CAPTURE_ENABLED` (or the `LANGFUSE_`
 * name), read when `observe` is called, and else to true.
 *
 * @example
 * const tracedFetchData = observe(fetchData, { name: "fetch-data", asType: "span" });
 * const result = await tracedFetchData("API");
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function signature is accepted and kept
export function observe<F extends (...args: any[]) => any, T extends ObservationType = "span">(
  fn: F,
  options: ObserveOptions<T> = {},
): F {
  if (typeof fn !== "function") {
    getLogger().warn(`observe() needs a function, got ${typeof fn}; returned it unwrapped.`);
    return fn;
  }
  const name = options.name ?? (fn.name || "anonymous-function");
  const asType = options.asType;
  const envCapture = parseBooleanEnv(readEnv("OBSERVE_DECORATOR_IO_CAPTURE_ENABLED"));
  const captureInput = options.captureInput ?? envCapture ?? true;
  const captureOutput = options.captureOutput ?? envCapture ?? true;
  const endOnExit = options.endOnExit !== false;

  const settle = (observation: Observation<ObservationType>, activeContext: ReturnType<typeof context.active>, value: unknown): unknown => {
    // Plain values (the common case) skip the stream checks: only objects can be streams.
    if (value !== null && typeof value === "object") {
      if (isSyncGenerator(value)) {
        return wrapSyncGenerator(value, { observation, activeContext, captureOutput, endOnExit });
      }
      if (isAsyncIterable(value) && !isNodeStream(value)) {
        return wrapAsyncIterable(value, { observation, activeContext, captureOutput, endOnExit });
      }
    }
    if (captureOutput && value !== undefined) observation.update({ output: value });
    if (endOnExit) observation.end();
    return value;
  };

  const fail = (observation: Observation<ObservationType>, error: unknown): never => {
    observation.recordError(error);
    // As the Langfuse SDK does, so the error also shows where the output would be.
    if (captureOutput) observation.update({ output: { error: String(error) } });
    if (endOnExit) observation.end();
    throw error;
  };

  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const parent = parentContextFor(options);
    const input = !captureInput || args.length === 0 ? undefined : args.length === 1 ? args[0] : args;
    const observation = createObservation(
      name,
      input === undefined ? undefined : { input },
      asType === undefined ? undefined : { asType },
      parent,
    ) as Observation<ObservationType>;
    const activeContext = trace.setSpan(parent, observation.otelSpan);
    return context.with(activeContext, () => {
      checkContextPropagation(activeContext);
      let result: unknown;
      try {
        result = fn.apply(this, args);
      } catch (error) {
        return fail(observation, error);
      }
      if (isThenable(result)) {
        return result.then(
          (value) => settle(observation, activeContext, value),
          (error: unknown) => fail(observation, error),
        );
      }
      return settle(observation, activeContext, result);
    });
  };
  // Keep the wrapped function's name and arity (the Langfuse wrapper loses both).
  Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, "length", { value: fn.length, configurable: true });
  return wrapped as F;
}
