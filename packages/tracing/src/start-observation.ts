import { INVALID_SPAN_CONTEXT, SpanStatusCode, context, trace } from "@opentelemetry/api";
import type { Attributes, Context, Span } from "@opentelemetry/api";
import { getLogger, isObservationType } from "@sightline/core";
import type { ObservationType } from "@sightline/core";
import { observationAttributesToOtel } from "./attribute-mapping.js";
import { checkContextPropagation } from "./context-check.js";
import { Observation } from "./observation.js";
import { contextWithParent } from "./parent-context.js";
import { getPropagatedAttributes } from "./propagation.js";
import { getSightlineTracer } from "./tracer.js";
import type {
  GenerationAttributes,
  ObservationAttributesByType,
  StartActiveObservationOptions,
  StartObservationOptions,
} from "./types.js";

function resolveType(asType: unknown): ObservationType {
  if (asType === undefined) return "span";
  if (isObservationType(asType)) return asType;
  getLogger().warnOnce(`bad-type-${String(asType)}`, `Unknown observation type ${JSON.stringify(asType)}; using "span".`);
  return "span";
}

/** Creates the span and its Observation in `parentContext`. Never throws. */
function createObservation<T extends ObservationType>(
  name: string,
  attributes: ObservationAttributesByType[T] | undefined,
  options: StartObservationOptions<T> | undefined,
  parentContext: Context,
): Observation<T> {
  const type = resolveType(options?.asType) as T;
  try {
    const attrs: Attributes = {};
    const propagated = getPropagatedAttributes(parentContext);
    if (propagated !== undefined) Object.assign(attrs, propagated);
    observationAttributesToOtel(attributes as GenerationAttributes | undefined, type, attrs);
    const startTime = options?.startTime;
    const span = getSightlineTracer().startSpan(
      String(name),
      startTime === undefined ? { attributes: attrs } : { attributes: attrs, startTime },
      parentContext,
    );
    if (attributes?.level === "ERROR") {
      span.setStatus({ code: SpanStatusCode.ERROR, message: attributes.statusMessage ?? "error" });
    }
    const observation = new Observation(span, type);
    // An event is a point in time: it ends where it starts.
    if (type === "event") observation.end(startTime);
    return observation;
  } catch (error) {
    getLogger().error(`Could not start observation "${String(name)}"; it is not recorded.`, error);
    return new Observation(trace.wrapSpanContext(INVALID_SPAN_CONTEXT), type);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Runs `fn(observation)` with the observation active in `activeContext`; records errors (sync
 * throws and rejections) and ends the observation when `endOnExit` is true. Returns fn's value.
 */
function runActive<T extends ObservationType, R>(
  observation: Observation<T>,
  activeContext: Context,
  fn: (observation: Observation<T>) => R,
  endOnExit: boolean,
): R {
  // Arguments are passed through context.with rather than captured in a closure: this runs once
  // per active observation, on the caller's path.
  return context.with(activeContext, runBody<T, R>, undefined, observation, activeContext, fn, endOnExit);
}

function runBody<T extends ObservationType, R>(
  observation: Observation<T>,
  activeContext: Context,
  fn: (observation: Observation<T>) => R,
  endOnExit: boolean,
): R {
  checkContextPropagation(activeContext);
  let result: R;
  try {
    result = fn(observation);
  } catch (error) {
    observation.recordError(error);
    if (endOnExit) observation.end();
    throw error;
  }
  if (isThenable(result)) {
    return result.then(
      (value) => {
        if (endOnExit) observation.end();
        return value;
      },
      (error: unknown) => {
        observation.recordError(error);
        if (endOnExit) observation.end();
        throw error;
      },
    ) as R;
  }
  if (endOnExit) observation.end();
  return result;
}

function parentContextFor(options: { parentSpanContext?: StartObservationOptions["parentSpanContext"] } | undefined): Context {
  const active = context.active();
  return options?.parentSpanContext === undefined ? active : contextWithParent(options.parentSpanContext, active);
}

/**
 * Starts an observation without making it active: it is a child of the active observation (or
 * of `parentSpanContext`), and later observations are not its children. You must call `end()`.
 *
 * Called with a function instead of attributes, it runs the function with the observation active
 * and ends it afterwards, like `startActiveObservation`.
 *
 * @example
 * const span = startObservation("user-request", { input: { query: "Capital of France?" } });
 * const tool = span.startObservation("fetch-weather", { input: { city: "Paris" } }, { asType: "tool" });
 * tool.update({ output: { temperature: "15°C" } }).end();
 * span.end();
 */
export function startObservation<R>(
  name: string,
  fn: (observation: Observation<"span">) => R,
  options?: StartActiveObservationOptions<"span">,
): R;
export function startObservation<T extends ObservationType = "span">(
  name: string,
  attributes?: ObservationAttributesByType[T],
  options?: StartObservationOptions<T>,
): Observation<T>;
export function startObservation<T extends ObservationType, R>(
  name: string,
  attributesOrFn?: ObservationAttributesByType[T] | ((observation: Observation<T>) => R),
  options?: StartActiveObservationOptions<T>,
): Observation<T> | R {
  if (typeof attributesOrFn === "function") return startActiveObservation(name, attributesOrFn, options);
  return createObservation(name, attributesOrFn, options, parentContextFor(options));
}

/**
 * Starts an observation, makes it active for `fn` (across awaits) and ends it when `fn` returns
 * or its promise settles. A throw or rejection is recorded (level ERROR, status message,
 * OpenTelemetry status ERROR) and rethrown. Returns what `fn` returns.
 *
 * @example
 * await startActiveObservation("user-request", async (span) => {
 *   span.update({ input: { query: "Capital of France?" } });
 *   // observations started here are children of "user-request"
 * });
 */
export function startActiveObservation<R, T extends ObservationType = "span">(
  name: string,
  fn: (observation: Observation<T>) => R,
  options?: StartActiveObservationOptions<T>,
): R {
  const parent = parentContextFor(options);
  const observation = createObservation(name, options?.attributes, options, parent);
  return runActive(observation, trace.setSpan(parent, observation.otelSpan), fn, options?.endOnExit !== false);
}

/** `observation.startObservation`: a child of `parent`, not made active. */
export function startChildObservation<T extends ObservationType>(
  parent: Span,
  name: string,
  attributes: ObservationAttributesByType[T] | undefined,
  options: StartObservationOptions<T> | undefined,
): Observation<T> {
  return createObservation(name, attributes, options, trace.setSpan(context.active(), parent));
}

/** `observation.startActiveObservation`: a child of `parent`, active for `fn`. */
export function startChildActiveObservation<R, T extends ObservationType>(
  parent: Span,
  name: string,
  fn: (observation: Observation<T>) => R,
  options: StartActiveObservationOptions<T> | undefined,
): R {
  const parentContext = trace.setSpan(context.active(), parent);
  const observation = createObservation(name, options?.attributes, options, parentContext);
  return runActive(observation, trace.setSpan(parentContext, observation.otelSpan), fn, options?.endOnExit !== false);
}

/** Internal: used by `observe` to share the run-and-end logic. */
export const internals = { createObservation, runActive, parentContextFor, isThenable };
