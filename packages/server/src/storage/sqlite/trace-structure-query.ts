import type { Database, Statement } from "better-sqlite3";
import type { LevelName, ObservationTypeName } from "../records.js";
import { PICO_USD_PER_USD } from "../trace-derivation.js";
import type { ObservationStructure } from "../trace-store.js";
import { TRACE_INDEX, TRACE_ROW_OF } from "./schema.js";

/**
 * Reads a trace's tree structure from the index columns only (no input/output/metadata JSON is
 * read or parsed), in raw array mode: a 100,000-observation trace takes tens of milliseconds.
 */
export class TraceStructureQuery {
  private statement: Statement | undefined;

  constructor(private readonly db: Database) {}

  /** Prepared on first use: the store may be constructed before its schema is migrated. */
  private prepared(): Statement {
    this.statement ??= this.db
      .prepare(
        `SELECT id, parent_id, name, type, start_ns, end_ns, level, model, tokens, cost_pico FROM observations INDEXED BY ${TRACE_INDEX} ` +
          `WHERE trace_row = ${TRACE_ROW_OF} ORDER BY start_ns, id`,
      )
      .raw(true);
    return this.statement;
  }

  /** The structure of every observation of the trace, by start time. */
  run(projectId: string, traceId: string): ObservationStructure[] {
    const rows = this.prepared().all(projectId, traceId) as unknown[][];
    const result: ObservationStructure[] = new Array<ObservationStructure>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as [string, string | null, string, string, bigint, bigint | null, string, string | null, bigint | number, bigint | number];
      result[i] = {
        id: r[0],
        parentObservationId: r[1],
        name: r[2],
        type: r[3] as ObservationTypeName,
        startTimeNs: BigInt(r[4]),
        endTimeNs: r[5] === null ? null : BigInt(r[5]),
        level: r[6] as LevelName,
        model: r[7],
        totalTokens: Number(r[8]),
        totalCost: Number(r[9]) / PICO_USD_PER_USD,
      };
    }
    return result;
  }
}
