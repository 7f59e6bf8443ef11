import { context, createContextKey, propagation, trace } from "@opentelemetry/api";
import type { Attributes, Baggage, Context } from "@opentelemetry/api";
import { SightlineAttributes as A, SightlineBaggageKeys as B, getLogger } from "@sightline/core";

/** Longest accepted propagated string value (the spec's limit). */
export const MAX_PROPAGATED_VALUE_LENGTH = 200;
const METADATA_KEY_RE = /^[A-Za-z0-9_]+$/;
const ENVIRONMENT_RE = /^(?!langfuse)[a-z0-9_-]{1,40}$/;

/** What `propagateAttributes` takes. */
export interface PropagateAttributesParams {
  /** The user the trace belongs to (≤ 200 characters). */
  userId?: string;
  /** The session (conversation, thread) the trace belongs to (≤ 200 characters). */
  sessionId?: string;
  /** Trace metadata: alphanumeric (or `_`) keys, string values ≤ 200 characters. */
  metadata?: Record<string, string>;
  /** Version of the application (≤ 200 characters). */
  version?: string;
  /** The trace's name (≤ 200 characters). */
  traceName?: string;
  /** Tags, each ≤ 200 characters; unioned with the tags of enclosing scopes. */
  tags?: string[];
  /** Deployment environment: lowercase `[a-z0-9_-]`, ≤ 40 characters, not starting with `langfuse`. */
  environment?: string;
  /**
   * Also carry the attributes to other services as W3C baggage (sent on every outbound request
   * by OpenTelemetry HTTP instrumentations). Only for non-sensitive values.
   */
  asBaggage?: boolean;
}

/** The validated, merged attributes of a propagation scope. */
interface PropagatedState {
  readonly userId?: string;
  readonly sessionId?: string;
  readonly version?: string;
  readonly traceName?: string;
  readonly environment?: string;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
  /** The span attributes, computed once per scope and shared by every span started in it. */
  readonly attributes: Attributes;
}

const PROPAGATED_KEY = createContextKey("sightline.propagatedAttributes");

type Source = "propagateAttributes" | "inbound baggage";

function validString(field: string, value: unknown, source: Source): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    getLogger().warn(`${source}: ${field} must be a string, got ${typeof value}; dropped.`);
    return undefined;
  }
  if (value.length > MAX_PROPAGATED_VALUE_LENGTH) {
    getLogger().warn(
      `${source}: ${field} is ${value.length} characters, over the limit of ${MAX_PROPAGATED_VALUE_LENGTH}; dropped.`,
    );
    return undefined;
  }
  return value;
}

function validEnvironment(value: unknown, source: Source): string | undefined {
  const v = validString("environment", value, source);
  if (v === undefined) return undefined;
  if (!ENVIRONMENT_RE.test(v)) {
    getLogger().warn(
      `${source}: environment ${JSON.stringify(v)} must be 1-40 of [a-z0-9_-] and not start with "langfuse"; dropped.`,
    );
    return undefined;
  }
  return v;
}

function validTags(value: unknown, source: Source): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    getLogger().warn(`${source}: tags must be an array of strings; dropped.`);
    return undefined;
  }
  const tags: string[] = [];
  for (const tag of value) {
    const t = validString("tag", tag, source);
    if (t !== undefined) tags.push(t);
  }
  return tags;
}

function validMetadata(value: unknown, source: Source): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    getLogger().warn(`${source}: metadata must be an object of string values; dropped.`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!METADATA_KEY_RE.test(key)) {
      getLogger().warn(
        `${source}: metadata key ${JSON.stringify(key)} must be alphanumeric (letters, digits, _); dropped.`,
      );
      continue;
    }
    const s = validString(`metadata.${key}`, v, source);
    if (s !== undefined) out[key] = s;
  }
  return out;
}

type ValidatedParams = Omit<PropagatedState, "attributes">;

function validate(params: PropagateAttributesParams, source: Source): ValidatedParams {
  const out: { -readonly [K in keyof ValidatedParams]: ValidatedParams[K] } = {};
  const userId = validString("userId", params.userId, source);
  if (userId !== undefined) out.userId = userId;
  const sessionId = validString("sessionId", params.sessionId, source);
  if (sessionId !== undefined) out.sessionId = sessionId;
  const version = validString("version", params.version, source);
  if (version !== undefined) out.version = version;
  const traceName = validString("traceName", params.traceName, source);
  if (traceName !== undefined) out.traceName = traceName;
  const environment = validEnvironment(params.environment, source);
  if (environment !== undefined) out.environment = environment;
  const tags = validTags(params.tags, source);
  if (tags !== undefined && tags.length > 0) out.tags = tags;
  const metadata = validMetadata(params.metadata, source);
  if (metadata !== undefined && Object.keys(metadata).length > 0) out.metadata = metadata;
  return out;
}

function merge(outer: ValidatedParams | undefined, inner: ValidatedParams): PropagatedState {
  const merged: { -readonly [K in keyof ValidatedParams]: ValidatedParams[K] } = { ...outer, ...inner };
  if (outer?.tags && inner.tags) merged.tags = [...new Set([...outer.tags, ...inner.tags])];
  if (outer?.metadata && inner.metadata) merged.metadata = { ...outer.metadata, ...inner.metadata };
  return { ...merged, attributes: toAttributes(merged) };
}

function toAttributes(state: ValidatedParams): Attributes {
  const attributes: Attributes = {};
  if (state.userId !== undefined) attributes[A.TRACE_USER_ID] = state.userId;
  if (state.sessionId !== undefined) attributes[A.TRACE_SESSION_ID] = state.sessionId;
  if (state.version !== undefined) attributes[A.VERSION] = state.version;
  if (state.traceName !== undefined) attributes[A.TRACE_NAME] = state.traceName;
  if (state.environment !== undefined) attributes[A.ENVIRONMENT] = state.environment;
  if (state.tags !== undefined) attributes[A.TRACE_TAGS] = [...state.tags];
  if (state.metadata !== undefined) {
    for (const [k, v] of Object.entries(state.metadata)) attributes[A.TRACE_METADATA_PREFIX + k] = v;
  }
  return attributes;
}

function withBaggage(ctx: Context, state: ValidatedParams): Context {
  let baggage: Baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  const set = (key: string, value: string | undefined): void => {
    if (value !== undefined) baggage = baggage.setEntry(key, { value });
  };
  set(B.USER_ID, state.userId);
  set(B.SESSION_ID, state.sessionId);
  set(B.VERSION, state.version);
  set(B.TRACE_NAME, state.traceName);
  set(B.ENVIRONMENT, state.environment);
  if (state.tags !== undefined) set(B.TAGS, state.tags.join(","));
  if (state.metadata !== undefined) {
    for (const [k, v] of Object.entries(state.metadata)) set(B.METADATA_PREFIX + k, v);
  }
  return propagation.setBaggage(ctx, baggage);
}

/** Reads `langfuse_*` baggage entries (from another service) and validates them like local input. */
function fromInboundBaggage(baggage: Baggage): ValidatedParams | undefined {
  const entries = baggage.getAllEntries();
  if (entries.length === 0) return undefined;
  const params: PropagateAttributesParams = {};
  let metadata: Record<string, string> | undefined;
  let found = false;
  for (const [key, entry] of entries) {
    if (!key.startsWith("langfuse_")) continue;
    found = true;
    const value = entry.value;
    if (key === B.USER_ID) params.userId = value;
    else if (key === B.SESSION_ID) params.sessionId = value;
    else if (key === B.VERSION) params.version = value;
    else if (key === B.TRACE_NAME) params.traceName = value;
    else if (key === B.ENVIRONMENT) params.environment = value;
    else if (key === B.TAGS) params.tags = value.split(",").filter((t) => t !== "");
    else if (key.startsWith(B.METADATA_PREFIX)) (metadata ??= {})[key.slice(B.METADATA_PREFIX.length)] = value;
  }
  if (!found) return undefined;
  if (metadata !== undefined) params.metadata = metadata;
  return validate(params, "inbound baggage");
}

// Inbound baggage is parsed once per Baggage object, not once per span.
const inboundCache = new WeakMap<Baggage, Attributes | null>();

/**
 * The propagated trace attributes for a span started in `ctx`: those of the enclosing
 * `propagateAttributes` scopes, on top of validated `langfuse_*` baggage from another service.
 * Span processors use it to give spans of other instrumentations the same attributes.
 */
export function getPropagatedAttributes(ctx: Context): Attributes | undefined {
  const state = ctx.getValue(PROPAGATED_KEY) as PropagatedState | undefined;
  if (state !== undefined) return state.attributes; // the scope already merged the baggage it saw
  const baggage = propagation.getBaggage(ctx);
  if (baggage === undefined) return undefined;
  let cached = inboundCache.get(baggage);
  if (cached === undefined) {
    const inbound = fromInboundBaggage(baggage);
    cached = inbound === undefined ? null : toAttributes(inbound);
    inboundCache.set(baggage, cached);
  }
  return cached ?? undefined;
}

/**
 * Runs `fn` with trace attributes that every observation started inside it carries: user,
 * session, metadata, version, trace name, tags and environment. Nested scopes merge (inner values
 * win, tags are unioned, metadata is merged). Invalid values are dropped with a warning. The
 * observation active at the call gets the attributes too. Returns what `fn` returns.
 *
 * @example
 * await propagateAttributes({ userId: "user_123", sessionId: "session_abc" }, async () => {
 *   await startActiveObservation("llm-call", async () => { ... });
 * });
 */
export function propagateAttributes<R>(params: PropagateAttributesParams, fn: () => R): R {
  let ctx: Context;
  try {
    const active = context.active();
    const outerState = active.getValue(PROPAGATED_KEY) as PropagatedState | undefined;
    let outer: ValidatedParams | undefined = outerState;
    if (outer === undefined) {
      const baggage = propagation.getBaggage(active);
      if (baggage !== undefined) outer = fromInboundBaggage(baggage);
    }
    const inner = validate(params ?? {}, "propagateAttributes");
    const state = merge(outer, inner);
    ctx = active.setValue(PROPAGATED_KEY, state);
    if (params?.asBaggage === true) ctx = withBaggage(ctx, state);
    const span = trace.getSpan(active);
    if (span !== undefined && span.isRecording()) span.setAttributes(state.attributes);
  } catch (error) {
    getLogger().error("propagateAttributes failed; running the callback without propagation.", error);
    return fn();
  }
  return context.with(ctx, fn);
}
