import { SightlineAttributes as A } from "@sightline/core";
import type { AnyValue } from "../otlp/otlp-span.js";
import { GenAI, LangfuseCompat, Vercel } from "./convention-keys.js";
import { readAttributeJson } from "./json-text.js";
import type { JsonReading } from "./json-text.js";
import { parseJsonText } from "./json-value.js";
import { toBoolean, toText } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";

/** A metadata entry key under observation and under trace metadata (Langfuse integrations set these). */
const inMetadata = (entry: string): string[] => [A.OBSERVATION_METADATA_PREFIX + entry, A.TRACE_METADATA_PREFIX + entry];

/** Where the user id is read from, in order. */
const USER_ID_KEYS: readonly string[] = [
  A.COMPAT_USER_ID,
  A.TRACE_USER_ID,
  ...inMetadata(LangfuseCompat.METADATA_USER_ID),
  `${Vercel.TELEMETRY_METADATA_PREFIX}userId`,
];

/** Where the session id is read from, in order (`gen_ai.conversation.id` is the GenAI name). */
const SESSION_ID_KEYS: readonly string[] = [
  A.COMPAT_SESSION_ID,
  A.TRACE_SESSION_ID,
  GenAI.CONVERSATION_ID,
  ...inMetadata(LangfuseCompat.METADATA_SESSION_ID),
  `${Vercel.TELEMETRY_METADATA_PREFIX}sessionId`,
];

/** Every key that carries tags; the tags of all of them are merged. */
const TAG_KEYS: readonly string[] = [
  A.TRACE_TAGS,
  LangfuseCompat.TAGS,
  ...inMetadata(LangfuseCompat.METADATA_TAGS),
  `${Vercel.TELEMETRY_METADATA_PREFIX}tags`,
  "tag.tags",
];

const PUBLIC_KEYS: readonly string[] = [A.TRACE_PUBLIC, LangfuseCompat.PUBLIC];

/**
 * Tags from any of the shapes SDKs send: a string array, a JSON array string, a comma-separated
 * string or one tag. Tags are trimmed; empty ones are dropped.
 *
 * @example
 * parseTags('["a","b"]'); // ["a", "b"]
 * parseTags("a, b");      // ["a", "b"]
 */
export function parseTags(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => toText(v)?.trim() ?? "").filter((t) => t !== "");
  if (typeof value !== "string") {
    const text = toText(value)?.trim();
    return text === undefined || text === "" ? [] : [text];
  }
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    const parsed = parseJsonText(trimmed);
    if (Array.isArray(parsed)) return parseTags(parsed);
  }
  return trimmed
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** The first present key's value as text; the key used is consumed. */
function firstText(attrs: SpanAttributes, keys: readonly string[]): string | undefined {
  const found = attrs.first(keys);
  if (found === undefined) return undefined;
  attrs.consume(found.key);
  return toText(found.value);
}

/** Trace-level fields one span carries (each absent unless the span states it). */
export interface TraceFields {
  name?: string;
  userId?: string;
  sessionId?: string;
  tags?: string[];
  public?: boolean;
  input?: unknown;
  output?: unknown;
}

/**
 * Reads the trace fields a span carries: name (`langfuse.trace.name`), user and session ids (the
 * Langfuse keys, `gen_ai.conversation.id`, the Vercel telemetry metadata), tags (merged from every
 * key that has some, first occurrence order), public, and explicit trace input/output. Consumes
 * the keys used.
 */
export function readTraceFields(attrs: SpanAttributes, jsonReading: JsonReading = "parse"): TraceFields {
  const out: TraceFields = {};
  const name = firstText(attrs, [A.TRACE_NAME]);
  if (name !== undefined) out.name = name;
  const userId = firstText(attrs, USER_ID_KEYS);
  if (userId !== undefined) out.userId = userId;
  const sessionId = firstText(attrs, SESSION_ID_KEYS);
  if (sessionId !== undefined) out.sessionId = sessionId;

  const tags = new Set<string>();
  for (const key of TAG_KEYS) {
    const value = attrs.get(key);
    if (value === undefined) continue;
    for (const tag of parseTags(value)) tags.add(tag);
    attrs.consume(key);
  }
  if (tags.size > 0) out.tags = [...tags];

  const publicFlag = attrs.first(PUBLIC_KEYS);
  const isPublic = toBoolean(publicFlag?.value);
  if (publicFlag !== undefined && isPublic !== undefined) {
    attrs.consume(publicFlag.key);
    out.public = isPublic;
  }
  for (const [field, key] of [
    ["input", A.TRACE_INPUT],
    ["output", A.TRACE_OUTPUT],
  ] as const) {
    // Like observation input/output, an empty string is a value here.
    const value: AnyValue | undefined = attrs.raw(key);
    if (value === undefined || value === null) continue;
    out[field] = readAttributeJson(value, jsonReading);
    attrs.consume(key);
  }
  return out;
}
