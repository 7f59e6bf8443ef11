// Turns a database written by this release back into an earlier schema version, so tests can check
// the migrations from it on data the earlier release would have written.
import type { Database } from "better-sqlite3";

/**
 * Undoes migration 9 (no type and name indexes, `name` in the metrics index, per-name counters):
 * the schema of version 8.
 */
export function downgradeToSchema8(raw: Database): void {
  raw.exec(`
    DROP INDEX observations_metrics;
    CREATE INDEX observations_metrics ON observations(
      project_id, start_ns, type, model, level, environment, tokens, cost_pico, end_ns, completion_start_ns
    );
    CREATE INDEX observations_type ON observations(project_id, type, start_ns);
    CREATE INDEX observations_name ON observations(project_id, name, start_ns);
    DELETE FROM project_counters WHERE name LIKE 'observations.name.%';
  `);
  raw.pragma("user_version = 8");
}

/**
 * Undoes migrations 9 and 8 (the search database): the full-text index and the id lookup back in the main
 * file, empty, with their marks at 0 (the release before indexes them from the start). The schema
 * of version 7.
 */
export function downgradeToSchema7(raw: Database): void {
  downgradeToSchema8(raw);
  raw.exec(`
    DROP TABLE search_purge;
    DROP TABLE rowid_floors;
    DROP TABLE store_identity;
    DROP TABLE fts_requeue;
    CREATE VIRTUAL TABLE observations_fts USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TABLE fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_rowid INTEGER NOT NULL);
    INSERT INTO fts_state (id, indexed_rowid) VALUES (1, 0);
    CREATE TABLE fts_requeue (row_id INTEGER PRIMARY KEY);
    CREATE TABLE observation_id_keys (key BLOB NOT NULL, row_id INTEGER NOT NULL, PRIMARY KEY (key, row_id)) WITHOUT ROWID;
    CREATE TABLE observation_id_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_rowid INTEGER NOT NULL);
    INSERT INTO observation_id_state (id, indexed_rowid) VALUES (1, 0);
  `);
  raw.pragma("user_version = 7");
}

/** Undoes migrations 8 and 7 (the trace-row key and the covering sort index): the schema of version 6. */
export function downgradeToSchema6(raw: Database): void {
  downgradeToSchema7(raw);
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
