import { JsonText } from "../mapping/json-text.js";
import type { ObservationRecord } from "./records.js";

/**
 * JSON text for a value, or NULL for undefined/null. Never throws: a value JSON cannot represent
 * (a BigInt, a cycle) is stored as its string form rather than failing the whole batch.
 */
export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof JsonText) return value.text;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return JSON.stringify(String(value));
  }
}

/**
 * JSON of the objects many records share by identity (every span of one resource shares its
 * attribute map, every span of one scope its scope record: see `DecodedSpan`), serialised once.
 * Only for objects that are never mutated once shared.
 */
const sharedJson = new WeakMap<object, string>();

function toSharedJson(value: object, fallback: string): string {
  let json = sharedJson.get(value);
  if (json === undefined) {
    json = toJson(value) ?? fallback;
    sharedJson.set(value, json);
  }
  return json;
}

/** The JSON texts of an observation's large structured fields (null: absent). */
export interface ObservationJson {
  readonly input: string | null;
  readonly output: string | null;
  readonly metadata: string;
  readonly modelParameters: string | null;
  /** The explicit trace input / output (`trace.input`, `trace.output`). */
  readonly traceInput: string | null;
  readonly traceOutput: string | null;
  readonly resourceAttributes: string;
  readonly scope: string;
}

/** The JSON texts of a record's large fields. */
export function observationJson(record: ObservationRecord): ObservationJson {
  return {
    input: toJson(record.input),
    output: toJson(record.output),
    metadata: toJson(record.metadata) ?? "{}",
    modelParameters: toJson(record.modelParameters),
    traceInput: toJson(record.trace.input),
    traceOutput: toJson(record.trace.output),
    resourceAttributes: toSharedJson(record.resourceAttributes, "{}"),
    scope: toSharedJson(record.scope, "{}"),
  };
}
