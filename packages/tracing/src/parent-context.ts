import { TraceFlags, context, trace } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import { getLogger, normalizeSpanId, normalizeTraceId } from "@sightline/core";
import type { ParentSpanContext } from "./types.js";

/**
 * The context to start an observation in when it joins an existing trace through
 * `parentSpanContext`. Uppercase ids and UUIDs with dashes are normalised (with a one-time
 * notice); an id that cannot be used is a loud warning, never a silent new trace.
 */
export function contextWithParent(parent: ParentSpanContext, base: Context = context.active()): Context {
  const traceId = normalizeTraceId(parent?.traceId);
  const spanId = normalizeSpanId(parent?.spanId);
  if (!traceId.ok || !spanId.ok) {
    const reasons = [traceId, spanId].flatMap((r) => (r.ok ? [] : [r.reason]));
    getLogger().warn(
      `parentSpanContext is invalid (${reasons.join("; ")}): the observation starts a NEW trace instead of joining ` +
        `the one you named. Trace ids are 32 and span ids 16 lowercase hex characters (createTraceId() makes one).`,
    );
    return base;
  }
  if (traceId.changed || spanId.changed) {
    getLogger().warnOnce(
      "parent-id-normalized",
      `parentSpanContext ids were normalised to lowercase hex (${parent.traceId} -> ${traceId.id}).`,
    );
  }
  const traceFlags = parent.traceFlags ?? TraceFlags.SAMPLED;
  if ((traceFlags & TraceFlags.SAMPLED) === 0) {
    getLogger().warnOnce(
      "parent-not-sampled",
      "parentSpanContext has traceFlags without the sampled bit (0): observations in it are not recorded. Use traceFlags: 1.",
    );
  }
  return trace.setSpanContext(base, {
    traceId: traceId.id,
    spanId: spanId.id,
    traceFlags,
    isRemote: parent.isRemote ?? true,
    ...(parent.traceState !== undefined ? { traceState: parent.traceState } : {}),
  });
}
