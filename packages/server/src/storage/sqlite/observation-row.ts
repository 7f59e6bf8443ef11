import type { AttributeMap } from "../../otlp/otlp-span.js";
import type { CostExplanation } from "../../pricing/price-types.js";
import type { LevelName, ObservationRecord, ObservationTypeName, StoredObservation, TraceContribution } from "../records.js";
import { contributionFrom, costPicoOf, tokensOf, traceFactsOf } from "../trace-derivation.js";
import type { ObservationContribution, TraceFacts } from "../trace-derivation.js";
import { fromJson } from "../record-rows.js";
import { observationJson, toJson } from "../observation-json.js";

/** The observation columns, in the order of `observationValues`. */
export const OBSERVATION_COLUMNS = [
  "project_id",
  "trace_id",
  "id",
  "parent_id",
  "name",
  "type",
  "start_ns",
  "end_ns",
  "completion_start_ns",
  "level",
  "status_message",
  "version",
  "environment",
  "input",
  "output",
  "metadata",
  "model",
  "model_parameters",
  "usage_details",
  "cost_details",
  "prompt_name",
  "prompt_version",
  "is_app_root",
  "trace_contribution",
  "trace_input",
  "trace_output",
  "tokens",
  "cost_pico",
  "resource_attributes",
  "scope",
  "created_at_ms",
  "cost_explanation",
] as const;

/** The columns read back to build a `StoredObservation` (all but the derivation helpers). */
export const OBSERVATION_SELECT = OBSERVATION_COLUMNS.filter((c) => c !== "tokens" && c !== "cost_pico" && c !== "created_at_ms")
  .map((c) => `o.${c}`)
  .join(", ");

/** The columns that `contributionOfRow` reads: everything a trace needs from an observation. */
export const CONTRIBUTION_SELECT =
  "o.id, o.start_ns, o.end_ns, o.parent_id, o.is_app_root, o.name, o.environment, o.level, o.tokens, o.cost_pico, " +
  "o.trace_contribution, o.trace_input IS NOT NULL AS has_trace_input, o.trace_output IS NOT NULL AS has_trace_output";

/** A row as returned with safe integers on (INTEGER columns are BigInt). */
type Row = Record<string, unknown>;

export { fromJson, toJson };

/** The insert parameters of one record, in `OBSERVATION_COLUMNS` order. */
export function observationValues(projectId: string, o: ObservationRecord, nowMs: number): unknown[] {
  const { input: _traceInput, output: _traceOutput, ...contribution } = o.trace;
  const json = observationJson(o);
  return [
    projectId,
    o.traceId,
    o.id,
    o.parentObservationId,
    o.name,
    o.type,
    o.startTimeNs,
    o.endTimeNs,
    o.completionStartTimeNs,
    o.level,
    o.statusMessage,
    o.version,
    o.environment,
    json.input,
    json.output,
    json.metadata,
    o.model,
    json.modelParameters,
    toJson(o.usageDetails) ?? "{}",
    toJson(o.costDetails) ?? "{}",
    o.promptName,
    o.promptVersion,
    o.isAppRoot ? 1 : 0,
    toJson(contribution) ?? "{}",
    json.traceInput,
    json.traceOutput,
    tokensOf(o.usageDetails),
    costPicoOf(o.costDetails),
    json.resourceAttributes,
    json.scope,
    nowMs,
    toJson(o.costExplanation),
  ];
}

/** The normalised trace facts of a stored `trace_contribution` text. */
function traceFactsOfJson(text: unknown): TraceFacts {
  return traceFactsOf(asObject(fromJson(text)) as TraceContribution);
}

/**
 * The trace facts of the last `trace_contribution` text it was asked for, kept for the next
 * request: the observations of one trace usually come one after the other with the same text (the
 * user, session, tags and release their SDK propagated), which is then parsed once. Comparing two
 * texts costs ~15 ns, parsing one ~1 us; a map keyed by the text would first hash each new string,
 * which costs about as much as the parse.
 */
export class TraceFactsMemo {
  private text: unknown = undefined;
  private facts: TraceFacts | undefined;

  of(text: unknown): TraceFacts {
    if (this.facts === undefined || text !== this.text) {
      this.facts = traceFactsOfJson(text);
      this.text = text;
    }
    return this.facts;
  }
}

/** The derivation contribution of a stored row selected with `CONTRIBUTION_SELECT` (its trace facts from `memo` when given). */
export function contributionOfRow(row: Row, memo?: TraceFactsMemo): ObservationContribution {
  return contributionFrom({
    id: row["id"] as string,
    startNs: row["start_ns"] as bigint,
    endNs: (row["end_ns"] as bigint | null) ?? null,
    parentObservationId: (row["parent_id"] as string | null) ?? null,
    isAppRoot: Number(row["is_app_root"]) === 1,
    name: row["name"] as string,
    environment: row["environment"] as string,
    level: row["level"] as LevelName,
    tokens: Number(row["tokens"]),
    costPico: BigInt(row["cost_pico"] as bigint),
    hasInput: Number(row["has_trace_input"]) === 1,
    hasOutput: Number(row["has_trace_output"]) === 1,
  }, memo === undefined ? traceFactsOfJson(row["trace_contribution"]) : memo.of(row["trace_contribution"]));
}

/** A stored observation from a row selected with `OBSERVATION_SELECT`. */
export function observationFromRow(row: Row): StoredObservation {
  const trace = asObject(fromJson(row["trace_contribution"])) as TraceContribution;
  if (row["trace_input"] !== null) trace.input = fromJson(row["trace_input"]);
  if (row["trace_output"] !== null) trace.output = fromJson(row["trace_output"]);
  const promptVersion = row["prompt_version"];
  return {
    projectId: row["project_id"] as string,
    id: row["id"] as string,
    traceId: row["trace_id"] as string,
    parentObservationId: (row["parent_id"] as string | null) ?? null,
    name: row["name"] as string,
    type: row["type"] as ObservationTypeName,
    startTimeNs: row["start_ns"] as bigint,
    endTimeNs: (row["end_ns"] as bigint | null) ?? null,
    completionStartTimeNs: (row["completion_start_ns"] as bigint | null) ?? null,
    level: row["level"] as LevelName,
    statusMessage: (row["status_message"] as string | null) ?? null,
    version: (row["version"] as string | null) ?? null,
    environment: row["environment"] as string,
    input: fromJson(row["input"]),
    output: fromJson(row["output"]),
    metadata: asObject(fromJson(row["metadata"])),
    model: (row["model"] as string | null) ?? null,
    modelParameters: row["model_parameters"] === null ? null : asObject(fromJson(row["model_parameters"])),
    usageDetails: asObject(fromJson(row["usage_details"])) as Record<string, number>,
    costDetails: asObject(fromJson(row["cost_details"])) as Record<string, number>,
    promptName: (row["prompt_name"] as string | null) ?? null,
    promptVersion: promptVersion === null || promptVersion === undefined ? null : Number(promptVersion),
    isAppRoot: Number(row["is_app_root"]) === 1,
    trace,
    resourceAttributes: asObject(fromJson(row["resource_attributes"])) as AttributeMap,
    scope: asObject(fromJson(row["scope"])) as StoredObservation["scope"],
    // Left out when none was stored, so a record without one reads back exactly as it was written.
    ...(row["cost_explanation"] === null || row["cost_explanation"] === undefined ? {} : { costExplanation: fromJson(row["cost_explanation"]) as CostExplanation }),
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
