import { searchVectorOf } from "./postgres/pg-lexemes.js";
import type { LevelName, ObservationRecord, ObservationTypeName } from "./records.js";
import { OBSERVATION_COLUMNS, contributionOfRow, observationValues } from "./sqlite/observation-row.js";
import type { TraceFactsMemo } from "./sqlite/observation-row.js";
import type { ObservationContribution } from "./trace-derivation.js";

const column = (name: (typeof OBSERVATION_COLUMNS)[number]): number => OBSERVATION_COLUMNS.indexOf(name);
const PROJECT = column("project_id");
const CREATED = column("created_at_ms");
const ID = column("id");
const TRACE_ID = column("trace_id");
const TYPE = column("type");
const LEVEL = column("level");
const NAME = column("name");
const START = column("start_ns");

/** The columns `contributionOfRow` reads, by their index in the stored row. */
const CONTRIBUTION_COLUMNS = [
  ["id", ID],
  ["start_ns", START],
  ["end_ns", column("end_ns")],
  ["parent_id", column("parent_id")],
  ["is_app_root", column("is_app_root")],
  ["name", NAME],
  ["environment", column("environment")],
  ["level", LEVEL],
  ["tokens", column("tokens")],
  ["cost_pico", column("cost_pico")],
  ["trace_contribution", column("trace_contribution")],
] as const;
const TRACE_INPUT = column("trace_input");
const TRACE_OUTPUT = column("trace_output");

/**
 * An observation as the stores write it: the values of its stored columns (`OBSERVATION_COLUMNS`
 * order; JSON fields as text, cost and tokens computed). Ingestion prepares observations where it
 * maps them (an ingest worker), so the thread that owns the database receives flat arrays, which
 * cross threads several times cheaper than record objects, and binds them as they are. The project
 * id and the write time are the store's to set (`forProject`).
 *
 * @example
 * const prepared = PreparedObservation.of(record);
 * prepared.traceId === record.traceId; // true
 */
export class PreparedObservation {
  /** Wraps the values of a prepared row (from `values` of another instance, e.g. across threads). */
  constructor(readonly values: unknown[]) {}

  /**
   * The record prepared for storage (its JSON serialised, its tokens and cost totalled), with the
   * words of its input and output as a tsvector literal when `searchVector` (for a store that
   * indexes those, see `TraceStore.searchVectorsAtIngest`).
   */
  static of(record: ObservationRecord | PreparedObservation, options: { searchVector?: boolean } = {}): PreparedObservation {
    if (record instanceof PreparedObservation) return record;
    const values = observationValues("", record, 0);
    if (options.searchVector === true) values.push(searchVectorOf([record.input, record.output, record.trace.input, record.trace.output]));
    return new PreparedObservation(values);
  }

  /** The search words prepared with the row (`of` with `searchVector`): a tsvector literal or null; undefined when not prepared. */
  get searchVector(): string | null | undefined {
    return this.values.length > OBSERVATION_COLUMNS.length ? (this.values[OBSERVATION_COLUMNS.length] as string | null) : undefined;
  }

  get id(): string {
    return this.values[ID] as string;
  }

  get traceId(): string {
    return this.values[TRACE_ID] as string;
  }

  get type(): ObservationTypeName {
    return this.values[TYPE] as ObservationTypeName;
  }

  get name(): string {
    return this.values[NAME] as string;
  }

  get level(): LevelName {
    return this.values[LEVEL] as LevelName;
  }

  get startTimeNs(): bigint {
    return this.values[START] as bigint;
  }

  /** The stored columns' values (`OBSERVATION_COLUMNS`) with the project id and the write time set (in place: the store owns them now). */
  forProject(projectId: string, createdAtMs: number): unknown[] {
    this.values[PROJECT] = projectId;
    this.values[CREATED] = createdAtMs;
    return this.values.length > OBSERVATION_COLUMNS.length ? this.values.slice(0, OBSERVATION_COLUMNS.length) : this.values;
  }

  /** What this observation contributes to its trace (as `contributionOfRow` reads it from a stored row, with `memo`). */
  contribution(memo?: TraceFactsMemo): ObservationContribution {
    const row: Record<string, unknown> = {};
    for (const [name, index] of CONTRIBUTION_COLUMNS) row[name] = this.values[index];
    row["has_trace_input"] = this.values[TRACE_INPUT] === null ? 0 : 1;
    row["has_trace_output"] = this.values[TRACE_OUTPUT] === null ? 0 : 1;
    return contributionOfRow(row, memo);
  }
}

/** What a `TraceStore` accepts to write: mapped records, or observations already prepared. */
export type ObservationInput = ObservationRecord | PreparedObservation;
