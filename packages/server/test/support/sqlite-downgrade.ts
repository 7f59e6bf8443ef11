// Turns a database written by this release back into an earlier schema version, so tests can check
// the migrations from it on data the earlier release would have written.
import type { Database } from "better-sqlite3";

/** Undoes migration 7 (the trace-row key and the covering sort index): the schema of version 6. */
export function downgradeToSchema6(raw: Database): void {
  raw.exec(`
    DROP INDEX observations_trace_row;
    DROP INDEX traces_start_sort;
    ALTER TABLE observations DROP COLUMN trace_row;
    CREATE UNIQUE INDEX observations_trace_span ON observations(project_id, trace_id, id);
    CREATE INDEX traces_start ON traces(project_id, start_ns);
    CREATE INDEX traces_latency ON traces(project_id, latency_ns, start_ns);
    CREATE INDEX traces_cost ON traces(project_id, total_cost_pico, start_ns);
    CREATE INDEX traces_tokens ON traces(project_id, total_tokens, start_ns);
    CREATE INDEX traces_count ON traces(project_id, observation_count, start_ns);
  `);
  raw.pragma("user_version = 6");
}

/** Undoes migrations 7 and 6 (the rollup tables and triggers): the schema of version 5. */
export function downgradeToSchema5(raw: Database): void {
  downgradeToSchema6(raw);
  raw.exec("DROP TRIGGER observations_rollup_update; DROP TRIGGER observations_rollup_delete; DROP TABLE observation_rollups; DROP TABLE rollup_dirty_hours;");
  raw.pragma("user_version = 5");
}
