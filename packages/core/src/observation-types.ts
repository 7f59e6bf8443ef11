/**
 * The ten observation types. `generation` and `embedding` are model calls and take model, usage and
 * cost fields; the others take the common fields.
 */
export const OBSERVATION_TYPES = [
  "span",
  "generation",
  "event",
  "agent",
  "tool",
  "chain",
  "retriever",
  "evaluator",
  "embedding",
  "guardrail",
] as const;

/** One of {@link OBSERVATION_TYPES}. */
export type ObservationType = (typeof OBSERVATION_TYPES)[number];

/** Observation levels, from least to most severe. Absent means `DEFAULT`. */
export const OBSERVATION_LEVELS = ["DEBUG", "DEFAULT", "WARNING", "ERROR"] as const;

/** One of {@link OBSERVATION_LEVELS}. */
export type ObservationLevel = (typeof OBSERVATION_LEVELS)[number];

const TYPE_SET: ReadonlySet<string> = new Set(OBSERVATION_TYPES);
const LEVEL_SET: ReadonlySet<string> = new Set(OBSERVATION_LEVELS);

/** True when `value` names one of the ten observation types. */
export function isObservationType(value: unknown): value is ObservationType {
  return typeof value === "string" && TYPE_SET.has(value);
}

/** True when `value` is one of the four levels. */
export function isObservationLevel(value: unknown): value is ObservationLevel {
  return typeof value === "string" && LEVEL_SET.has(value);
}

/** True for the types that describe a model call (they carry model, usage and cost). */
export function isModelCallType(type: ObservationType): boolean {
  return type === "generation" || type === "embedding";
}
