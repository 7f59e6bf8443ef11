import type { TraceRecord } from "../records.js";
import type { PreparedObservation } from "../prepared-observation.js";
import { searchVectorOfStored } from "./pg-lexemes.js";
import { replaceNul } from "../../mapping/identifier.js";
import type { DerivedTrace } from "../trace-derivation.js";
import { OBSERVATION_COLUMNS } from "../sqlite/observation-row.js";
import { traceRecordFromRow } from "../record-rows.js";
import type { Row } from "../record-rows.js";

/**
 * Row shapes of the PostgreSQL store. The observation columns and their JSON-text encoding are the
 * SQLite store's (`observation-row.ts`), so both stores read a row back into the same record; the
 * differences are the PostgreSQL types (BOOLEAN, BIGINT, TEXT[]) and the `search` tsvector.
 */

/** The observation columns written per row, in order: the shared columns plus the search words. */
export const PG_OBSERVATION_COLUMNS = [...OBSERVATION_COLUMNS, "search"] as const;

/** The PostgreSQL type of each column of `PG_OBSERVATION_COLUMNS`, for `unnest($n::type[])`. */
export const PG_OBSERVATION_TYPES: Record<(typeof PG_OBSERVATION_COLUMNS)[number], string> = {
  project_id: "text",
  trace_id: "text",
  id: "text",
  parent_id: "text",
  name: "text",
  type: "text",
  start_ns: "int8",
  end_ns: "int8",
  completion_start_ns: "int8",
  level: "text",
  status_message: "text",
  version: "text",
  environment: "text",
  input: "text",
  output: "text",
  metadata: "text",
  model: "text",
  model_parameters: "text",
  usage_details: "text",
  cost_details: "text",
  prompt_name: "text",
  prompt_version: "float8",
  is_app_root: "bool",
  trace_contribution: "text",
  trace_input: "text",
  trace_output: "text",
  tokens: "int8",
  cost_pico: "int8",
  resource_attributes: "text",
  scope: "text",
  created_at_ms: "int8",
  cost_explanation: "text",
  search: "tsvector",
};

const INT8_MAX = 9_223_372_036_854_775_807n;
const INT8_MIN = -9_223_372_036_854_775_808n;

/** A BigInt clamped into BIGINT's range: an absurd value in one span must not fail its whole batch. */
export function clampInt8(value: bigint): bigint {
  return value > INT8_MAX ? INT8_MAX : value < INT8_MIN ? INT8_MIN : value;
}

/** PostgreSQL text cannot hold NUL: it becomes U+FFFD (JSON text never holds one, JSON escapes it). */
export function pgText(value: string): string {
  return value.includes("\u0000") ? replaceNul(value) : value;
}

/** One row to write: the column values, in `PG_OBSERVATION_COLUMNS` order. */
export interface PgObservationRow {
  values: unknown[];
}

const TEXT_COLUMNS = (["input", "output", "trace_input", "trace_output"] as const).map((c) => OBSERVATION_COLUMNS.indexOf(c));

const IS_APP_ROOT = OBSERVATION_COLUMNS.indexOf("is_app_root");
const PROMPT_VERSION = OBSERVATION_COLUMNS.indexOf("prompt_version");

/** The row of one observation. `createdAtMs` is kept from an earlier copy when the span is replaced. */
export function pgObservationRow(projectId: string, observation: PreparedObservation, createdAtMs: number): PgObservationRow {
  const values = [...observation.forProject(projectId, createdAtMs)];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "string") values[i] = pgText(value);
    else if (typeof value === "bigint") values[i] = clampInt8(value);
    else if (typeof value === "number" && PG_OBSERVATION_TYPES[OBSERVATION_COLUMNS[i] ?? "id"] === "int8") values[i] = clampInt8(BigInt(Math.trunc(Number.isFinite(value) ? value : 0)));
  }
  values[IS_APP_ROOT] = values[IS_APP_ROOT] === 1;
  const promptVersion = values[PROMPT_VERSION];
  values[PROMPT_VERSION] = typeof promptVersion === "number" && Number.isFinite(promptVersion) ? promptVersion : null;
  // The words prepared at ingestion, else found here from the stored JSON (records written directly).
  values.push(observation.searchVector !== undefined ? observation.searchVector : searchVectorOfStored(TEXT_COLUMNS.map((i) => values[i] as string | null)));
  return { values };
}

/** The `traces` columns of a `TraceRecord`; input and output come from the observation that supplies them. */
export const PG_TRACE_SELECT = `t.project_id, t.id, t.name, t.user_id, t.session_id, t.release, t.version,
  t.environment, t.public, t.tags, t.metadata, t.start_ns, t.end_ns, t.observation_count, t.total_tokens,
  t.total_cost_pico, t.level, t.root_observation_id, t.created_at_ms, t.updated_at_ms,
  (SELECT CASE WHEN t.input_explicit THEN o.trace_input ELSE o.input END FROM observations o
    WHERE o.project_id = t.project_id AND o.id = t.input_observation_id AND o.trace_id = t.id
      AND o.start_ns >= t.start_ns AND o.start_ns <= t.max_start_ns LIMIT 1) AS input,
  (SELECT CASE WHEN t.output_explicit THEN o.trace_output ELSE o.output END FROM observations o
    WHERE o.project_id = t.project_id AND o.id = t.output_observation_id AND o.trace_id = t.id
      AND o.start_ns >= t.start_ns AND o.start_ns <= t.max_start_ns LIMIT 1) AS output`;



/** The values of a derived trace for the `traces` upsert, in `PG_TRACE_COLUMNS` order. */
export const PG_TRACE_COLUMNS = [
  ["id", "text"],
  ["name", "text"],
  ["user_id", "text"],
  ["session_id", "text"],
  ["release", "text"],
  ["version", "text"],
  ["environment", "text"],
  ["public", "bool"],
  ["tags", "text"],
  ["metadata", "text"],
  ["start_ns", "int8"],
  ["end_ns", "int8"],
  ["max_start_ns", "int8"],
  ["latency_ns", "int8"],
  ["observation_count", "int4"],
  ["total_tokens", "int8"],
  ["total_cost_pico", "int8"],
  ["level", "text"],
  ["root_observation_id", "text"],
  ["input_observation_id", "text"],
  ["input_explicit", "bool"],
  ["output_observation_id", "text"],
  ["output_explicit", "bool"],
  ["derivation", "text"],
] as const;

/** One trace's upsert values (tags as a JSON array text, turned into TEXT[] in SQL). */
export function pgTraceValues(traceId: string, trace: DerivedTrace, maxStartNs: bigint, derivation: string): unknown[] {
  const text = (value: string | null) => (value === null ? null : pgText(value));
  return [
    traceId,
    text(trace.name),
    text(trace.userId),
    text(trace.sessionId),
    text(trace.release),
    text(trace.version),
    pgText(trace.environment),
    trace.public,
    JSON.stringify(trace.tags.map(pgText)),
    JSON.stringify(trace.metadata),
    trace.startNs,
    trace.endNs,
    maxStartNs,
    trace.endNs === null ? null : clampInt8(trace.endNs - trace.startNs),
    Math.min(trace.observationCount, 2_147_483_647),
    clampInt8(BigInt(Math.trunc(trace.totalTokens))),
    clampInt8(trace.totalCostPico),
    trace.level,
    trace.rootObservationId,
    trace.inputSource?.observationId ?? null,
    trace.inputSource?.explicit === true,
    trace.outputSource?.observationId ?? null,
    trace.outputSource?.explicit === true,
    derivation,
  ];
}


const PG_ROWS = { tags: (value: unknown) => value as string[], isTrue: (value: unknown) => value === true };

/** A trace record from a row selected with `PG_TRACE_SELECT`. */
export function pgTraceFromRow(row: Row): TraceRecord {
  return traceRecordFromRow(row, PG_ROWS);
}
