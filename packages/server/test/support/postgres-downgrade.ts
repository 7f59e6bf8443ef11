// Turns a PostgreSQL schema written by this release back into an earlier version, so tests can check
// the migrations from it on data the earlier release would have written. `client` must have the
// schema on its search_path.
import type pg from "pg";

/** Undoes migration 7 (fewer indexes, per-name counters): the schema of version 6. */
export async function downgradePgToSchema6(client: pg.ClientBase): Promise<void> {
  await client.query(`
    DROP INDEX observations_metrics;
    CREATE INDEX observations_metrics ON observations (project_id, start_ns)
      INCLUDE (type, model, level, environment, tokens, cost_pico, end_ns, completion_start_ns);
    CREATE INDEX observations_type ON observations (project_id, type, start_ns);
    CREATE INDEX observations_name ON observations (project_id, name, start_ns);
    DELETE FROM project_counters WHERE name LIKE 'observations.name.%';
    DROP INDEX traces_start;
    CREATE INDEX traces_start ON traces (project_id, start_ns, id);
    CREATE INDEX traces_latency ON traces (project_id, latency_ns, start_ns);
    CREATE INDEX traces_cost ON traces (project_id, total_cost_pico, start_ns);
    CREATE INDEX traces_tokens ON traces (project_id, total_tokens, start_ns);
    CREATE INDEX traces_count ON traces (project_id, observation_count, start_ns);
    UPDATE sightline_schema_version SET version = 6;
  `);
}

/**
 * Undoes migrations 7 and 6 (words in a tsvector column of observations): the schema of version 5,
 * with the words of the observations named in `indexedIds` in observation_search and those named in
 * `queuedIds` in search_queue.
 */
export async function downgradePgToSchema5(client: pg.ClientBase, indexedIds: readonly string[], queuedIds: readonly string[]): Promise<void> {
  await downgradePgToSchema6(client);
  await client.query(`
    CREATE TABLE observation_search (project_id TEXT COLLATE "C" NOT NULL, trace_id TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL,
      start_ns BIGINT NOT NULL, search TSVECTOR NOT NULL) PARTITION BY RANGE (start_ns);
    CREATE TABLE observation_search_default PARTITION OF observation_search DEFAULT;
    CREATE TABLE search_queue (seq BIGSERIAL PRIMARY KEY, project_id TEXT COLLATE "C" NOT NULL, trace_id TEXT COLLATE "C" NOT NULL,
      id TEXT COLLATE "C" NOT NULL, start_ns BIGINT NOT NULL);
  `);
  await client.query(`INSERT INTO observation_search SELECT project_id, trace_id, id, start_ns, search FROM observations WHERE id = ANY($1::text[])`, [indexedIds]);
  await client.query(`INSERT INTO search_queue (project_id, trace_id, id, start_ns) SELECT project_id, trace_id, id, start_ns FROM observations WHERE id = ANY($1::text[])`, [queuedIds]);
  await client.query(`
    DROP INDEX observations_search;
    ALTER TABLE observations DROP COLUMN search;
    UPDATE sightline_schema_version SET version = 5;
  `);
}
