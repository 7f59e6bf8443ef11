import type { Database } from "better-sqlite3";
import { StatementCache, placeholders } from "./statement-cache.js";
import { TRACE_INDEX } from "./schema.js";

/** Trace ids per statement: one statement shape per chunk size, well under SQLite's parameter limit. */
const CHUNK = 100;

/**
 * The observation ids of several traces, by start time, through the trace index
 * `observations(project_id, trace_id, id)`: no input, output or metadata is parsed. This is what a trace list
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
          `SELECT trace_id, id FROM observations INDEXED BY ${TRACE_INDEX} WHERE project_id = ? AND trace_id IN (${placeholders(chunk.length)}) ORDER BY trace_id, start_ns, id`,
        )
        .raw(true)
        .all(projectId, ...chunk) as [string, string][];
      for (const [traceId, id] of rows) ids.get(traceId)?.push(id);
    }
    return ids;
  }
}
