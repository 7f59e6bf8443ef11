import type { Database } from "better-sqlite3";
import { StatementCache, placeholders } from "./statement-cache.js";
import { TRACE_INDEX } from "./schema.js";

/** Trace ids per statement: one statement shape per chunk size, well under SQLite's parameter limit. */
const CHUNK = 100;

/**
 * The observation ids of several traces, by start time, through the trace index
 * `observations(trace_row, id)`: no input, output or metadata is parsed. This is what a trace list
 * page shows per trace (Langfuse's `observations: [ids]`).
 */
export class ObservationIdsQuery {
  private readonly statements: StatementCache;

  constructor(db: Database) {
    this.statements = new StatementCache(db);
  }

  /** Every requested trace gets an entry (empty for a trace without observations or of another project). */
  run(projectId: string, traceIds: readonly string[]): Map<string, string[]> {
    const unique = [...new Set(traceIds)];
    const ids = new Map<string, string[]>(unique.map((id) => [id, []]));
    for (let start = 0; start < unique.length; start += CHUNK) {
      const chunk = unique.slice(start, start + CHUNK);
      const rows = this.statements
        .get(
          `SELECT t.id, o.id FROM traces t CROSS JOIN observations o INDEXED BY ${TRACE_INDEX} ON o.trace_row = t.rowid
           WHERE t.project_id = ? AND t.id IN (${placeholders(chunk.length)}) ORDER BY t.id, o.start_ns, o.id`,
        )
        .raw(true)
        .all(projectId, ...chunk) as [string, string][];
      for (const [traceId, id] of rows) ids.get(traceId)?.push(id);
    }
    return ids;
  }
}
