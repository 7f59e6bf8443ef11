import { SightlineAttributes as A } from "@sightline/core";
import type { DecodedSpan } from "../otlp/otlp-span.js";
import type { LevelName } from "../storage/records.js";
import { OtelKeys } from "./convention-keys.js";
import { toText } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";

/** Level names other loggers and SDKs use, mapped onto our four levels (keys uppercase). */
const LEVEL_ALIASES: Readonly<Record<string, LevelName>> = {
  DEBUG: "DEBUG",
  TRACE: "DEBUG",
  VERBOSE: "DEBUG",
  DEFAULT: "DEFAULT",
  INFO: "DEFAULT",
  LOG: "DEFAULT",
  NOTICE: "DEFAULT",
  OK: "DEFAULT",
  SUCCESS: "DEFAULT",
  WARN: "WARNING",
  WARNING: "WARNING",
  ERROR: "ERROR",
  FATAL: "ERROR",
  CRITICAL: "ERROR",
};

/** The OTLP status code of a failed span. */
const STATUS_ERROR = 2;

/** A level name (any case, or an alias such as `warn` or `fatal`) as one of ours, else undefined. */
export function normalizeLevel(value: unknown): LevelName | undefined {
  return typeof value === "string" ? LEVEL_ALIASES[value.trim().toUpperCase()] : undefined;
}

/** Level and status message of a span. */
export interface LevelAndStatus {
  level: LevelName;
  statusMessage: string | null;
}

/**
 * The level is `langfuse.observation.level` (aliases accepted); without one, a span whose
 * OpenTelemetry status is ERROR is level ERROR, any other DEFAULT. The status message is
 * `langfuse.observation.status_message`, else the OpenTelemetry status message, else, for a failed
 * span that gave no message, the message of its `exception` event (so an error never shows blank).
 */
export function readLevel(attrs: SpanAttributes, span: Pick<DecodedSpan, "status" | "events">): LevelAndStatus {
  const explicit = normalizeLevel(attrs.get(A.OBSERVATION_LEVEL));
  if (explicit !== undefined) attrs.consume(A.OBSERVATION_LEVEL);
  const failed = span.status.code === STATUS_ERROR;
  const level = explicit ?? (failed ? "ERROR" : "DEFAULT");

  let statusMessage = toText(attrs.get(A.OBSERVATION_STATUS_MESSAGE));
  if (statusMessage !== undefined) attrs.consume(A.OBSERVATION_STATUS_MESSAGE);
  else if (span.status.message !== undefined && span.status.message !== "") statusMessage = span.status.message;
  else if (failed) statusMessage = exceptionMessage(span.events);
  return { level, statusMessage: statusMessage ?? null };
}

function exceptionMessage(events: DecodedSpan["events"]): string | undefined {
  const event = events.find((e) => e.name === OtelKeys.EXCEPTION_EVENT);
  if (event === undefined) return undefined;
  return toText(event.attributes[OtelKeys.EXCEPTION_MESSAGE]) ?? toText(event.attributes[OtelKeys.EXCEPTION_TYPE]);
}
