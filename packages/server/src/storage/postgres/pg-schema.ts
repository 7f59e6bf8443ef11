import type pg from "pg";
import { quoteIdent } from "./pg-connection.js";
import { HOUR_NS, rollupTableDdl } from "../metrics-rollup.js";

/**
 * The PostgreSQL schema, as numbered migrations recorded in `sightline_schema_version`.
 *
 * Access paths: times are BIGINT nanoseconds; every key starts with `project_id`; text keys use
 * the "C" collation so ordering matches the SQLite store (code-point order) whatever the database
 * locale. `observations` is range-partitioned by start time into daily partitions created on
 * demand (`PartitionManager`), with a DEFAULT partition for times outside the window, so retention
 * drops whole days. Full text lives in `observation_search` (partitioned the same way), filled off
 * the acknowledgement path by the background indexer from `search_queue`. `traces` holds the per-trace
 * aggregates, its tags as a GIN-indexed array; `sessions`, `users` and `user_sessions` are
 * incrementally maintained aggregates as in the SQLite store.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE projects (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
  );

  CREATE TABLE api_keys (
    id TEXT COLLATE "C" PRIMARY KEY,
    project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    public_key TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    display_secret_key TEXT NOT NULL,
    note TEXT,
    created_at_ms BIGINT NOT NULL,
    last_used_at_ms BIGINT,
    revoked_at_ms BIGINT
  );
  CREATE INDEX api_keys_project ON api_keys (project_id, created_at_ms);

  CREATE TABLE observations (
    project_id TEXT COLLATE "C" NOT NULL,
    trace_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    parent_id TEXT COLLATE "C",
    name TEXT COLLATE "C" NOT NULL,
    type TEXT NOT NULL,
    start_ns BIGINT NOT NULL,
    end_ns BIGINT,
    completion_start_ns BIGINT,
    level TEXT NOT NULL,
    status_message TEXT,
    version TEXT,
    environment TEXT NOT NULL,
    input TEXT,
    output TEXT,
    metadata TEXT NOT NULL,
    model TEXT,
    model_parameters TEXT,
    usage_details TEXT NOT NULL,
    cost_details TEXT NOT NULL,
    prompt_name TEXT,
    prompt_version DOUBLE PRECISION,
    is_app_root BOOLEAN NOT NULL,
    trace_contribution TEXT NOT NULL,
    trace_input TEXT,
    trace_output TEXT,
    tokens BIGINT NOT NULL,
    cost_pico BIGINT NOT NULL,
    resource_attributes TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
  ) PARTITION BY RANGE (start_ns);
  -- The identity of a stored span (the partition key must be part of a unique key), and the lookup by id.
  CREATE UNIQUE INDEX observations_id ON observations (project_id, id, trace_id, start_ns);
  CREATE INDEX observations_trace ON observations (project_id, trace_id, start_ns);
  CREATE INDEX observations_start ON observations (project_id, start_ns);
  CREATE INDEX observations_type ON observations (project_id, type, start_ns);
  CREATE INDEX observations_name ON observations (project_id, name, start_ns);
  CREATE INDEX observations_level ON observations (project_id, level, start_ns) WHERE level <> 'DEFAULT';
  CREATE TABLE observations_default PARTITION OF observations DEFAULT;

  -- Full text, kept apart from the wide observation rows and filled by a background indexer from
  -- search_queue, which the ingest transaction appended to. (Migration 6 replaced both with a
  -- tsvector column on observations.)
  CREATE TABLE observation_search (
    project_id TEXT COLLATE "C" NOT NULL,
    trace_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    start_ns BIGINT NOT NULL,
    search TSVECTOR NOT NULL
  ) PARTITION BY RANGE (start_ns);
  CREATE UNIQUE INDEX observation_search_id ON observation_search (project_id, id, trace_id, start_ns);
  CREATE INDEX observation_search_trace ON observation_search (project_id, trace_id, start_ns);
  -- Newest matches of a very common word are found by walking time backwards; rare words by GIN.
  CREATE INDEX observation_search_start ON observation_search (project_id, start_ns);
  -- No fast-update pending list: the indexer pays for index maintenance, off the acknowledgement
  -- path, and searches never scan a pending list.
  CREATE INDEX observation_search_text ON observation_search USING gin (search) WITH (fastupdate = off);
  CREATE TABLE observation_search_default PARTITION OF observation_search DEFAULT;

  -- Observations written or replaced and not yet (re)indexed; consumed with SKIP LOCKED by any instance.
  CREATE TABLE search_queue (
    seq BIGSERIAL PRIMARY KEY,
    project_id TEXT COLLATE "C" NOT NULL,
    trace_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    start_ns BIGINT NOT NULL
  );
  CREATE INDEX search_queue_project ON search_queue (project_id, seq);

  CREATE TABLE traces (
    project_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C",
    user_id TEXT COLLATE "C",
    session_id TEXT COLLATE "C",
    release TEXT,
    version TEXT,
    environment TEXT COLLATE "C" NOT NULL,
    public BOOLEAN NOT NULL,
    tags TEXT[] COLLATE "C" NOT NULL,
    metadata TEXT NOT NULL,
    start_ns BIGINT NOT NULL,
    end_ns BIGINT,
    -- The latest start of any observation ever stored for the trace: with start_ns it bounds the
    -- observations' partition range, so reads of one trace touch only its partitions.
    max_start_ns BIGINT NOT NULL,
    latency_ns BIGINT,
    observation_count INTEGER NOT NULL,
    total_tokens BIGINT NOT NULL,
    total_cost_pico BIGINT NOT NULL,
    level TEXT NOT NULL,
    root_observation_id TEXT,
    input_observation_id TEXT,
    input_explicit BOOLEAN NOT NULL DEFAULT false,
    output_observation_id TEXT,
    output_explicit BOOLEAN NOT NULL DEFAULT false,
    derivation TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (project_id, id)
  );
  CREATE INDEX traces_start ON traces (project_id, start_ns, id);
  CREATE INDEX traces_user ON traces (project_id, user_id, start_ns);
  CREATE INDEX traces_session ON traces (project_id, session_id, start_ns);
  CREATE INDEX traces_name ON traces (project_id, name, start_ns);
  CREATE INDEX traces_environment ON traces (project_id, environment, start_ns);
  CREATE INDEX traces_latency ON traces (project_id, latency_ns, start_ns);
  CREATE INDEX traces_cost ON traces (project_id, total_cost_pico, start_ns);
  CREATE INDEX traces_tokens ON traces (project_id, total_tokens, start_ns);
  CREATE INDEX traces_count ON traces (project_id, observation_count, start_ns);
  CREATE INDEX traces_tags ON traces USING gin (tags);

  CREATE TABLE sessions (
    project_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    trace_count INTEGER NOT NULL,
    first_start_ns BIGINT NOT NULL,
    first_trace_id TEXT COLLATE "C" NOT NULL,
    last_ns BIGINT NOT NULL,
    total_tokens BIGINT NOT NULL,
    total_cost_pico BIGINT NOT NULL,
    environment TEXT NOT NULL,
    PRIMARY KEY (project_id, id)
  );
  CREATE INDEX sessions_start ON sessions (project_id, first_start_ns);

  CREATE TABLE users (
    project_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    trace_count INTEGER NOT NULL,
    session_count INTEGER NOT NULL DEFAULT 0,
    first_start_ns BIGINT NOT NULL,
    first_trace_id TEXT COLLATE "C" NOT NULL,
    last_ns BIGINT NOT NULL,
    total_tokens BIGINT NOT NULL,
    total_cost_pico BIGINT NOT NULL,
    environment TEXT NOT NULL,
    PRIMARY KEY (project_id, id)
  );
  CREATE INDEX users_last ON users (project_id, last_ns);

  CREATE TABLE user_sessions (
    project_id TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    session_id TEXT COLLATE "C" NOT NULL,
    trace_count INTEGER NOT NULL,
    PRIMARY KEY (project_id, user_id, session_id)
  );
  CREATE INDEX user_sessions_session ON user_sessions (project_id, session_id, user_id);

  -- Exact counts for unfiltered and single-filter listings (see PgProjectCounters). Each counter is
  -- split over shards so that concurrent ingest transactions rarely wait on the same row.
  CREATE TABLE project_counters (
    project_id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    shard SMALLINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (project_id, name, shard)
  );
  `,
  // 2: per-project retention override in days (NULL: the server-wide default).
  `
  ALTER TABLE projects ADD COLUMN retention_days INTEGER;
  `,
  // 3: cost explanations (provided / computed with the price used / none) and per-project custom model prices.
  `
  ALTER TABLE observations ADD COLUMN cost_explanation TEXT;
  CREATE TABLE model_prices (
    project_id TEXT NOT NULL,
    id TEXT NOT NULL,
    model_name TEXT NOT NULL,
    match_pattern TEXT NOT NULL,
    start_ms BIGINT,
    unit TEXT NOT NULL,
    prices TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (project_id, id)
  );
  `,
  // 4: metrics (dashboards): index-only scans of what the observations view aggregates, instead of
  // reading the wide rows. It REPLACES observations_start, its key, so ingestion maintains no extra
  // index (ADR 0010).
  `
  CREATE INDEX observations_metrics ON observations (project_id, start_ns)
    INCLUDE (type, model, level, environment, tokens, cost_pico, end_ns, completion_start_ns);
  DROP INDEX observations_start;
  `,
  // 5: hourly rollups of the observations view (metrics-rollup.ts). rollup_dirty_hours is an
  // append-only log without a unique key, so concurrent ingest transactions marking the same hour
  // never wait on each other; the rollup job (PgHourlyRollups) consumes it. The ingest writer marks
  // the hours it writes; statement triggers mark the hours of updated (re-priced) and deleted
  // (replaced, deleted) rows. Dropped partitions are handled by retention. Every stored hour starts dirty.
  `
  ${rollupTableDdl('TEXT COLLATE "C"', "BIGINT", "BIGINT[]")}
  CREATE TABLE rollup_dirty_hours (
    project_id TEXT COLLATE "C" NOT NULL,
    hour BIGINT NOT NULL
  );
  CREATE INDEX rollup_dirty_hours_hour ON rollup_dirty_hours (project_id, hour);
  INSERT INTO rollup_dirty_hours (project_id, hour) SELECT DISTINCT project_id, start_ns / ${HOUR_NS} FROM observations;
  CREATE FUNCTION observations_rollup_mark_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_dirty_hours (project_id, hour) SELECT DISTINCT project_id, start_ns / ${HOUR_NS} FROM old_rows;
    RETURN NULL;
  END $$;
  CREATE FUNCTION observations_rollup_mark_updated() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_dirty_hours (project_id, hour)
      SELECT DISTINCT project_id, start_ns / ${HOUR_NS} FROM (SELECT project_id, start_ns FROM old_rows UNION ALL SELECT project_id, start_ns FROM new_rows) r;
    RETURN NULL;
  END $$;
  CREATE TRIGGER observations_rollup_delete AFTER DELETE ON observations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observations_rollup_mark_deleted();
  CREATE TRIGGER observations_rollup_update AFTER UPDATE ON observations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observations_rollup_mark_updated();
  `,
  // 6: full text without a background indexer. Measured: PostgreSQL's text parser (to_tsvector)
  // costs ~60 us of its CPU per kilobyte of text, more than the rest of an ingest; the indexer fell
  // behind under load. The words are now found where spans are mapped (pg-lexemes.ts) and each row
  // carries them as a tsvector (parsing that literal costs ~2 us), indexed by a GIN index on
  // observations itself with its default fast-update pending list (inserts append to it and it is
  // merged in bulk; measured 5-18 us a row against 35-95 us for inserts into the tree itself).
  // A search then sees every acknowledged row at once; observation_search, its own indexes and
  // the queue go. Existing rows keep their indexed words (queued ones get them from their text).
  `
  ALTER TABLE observations ADD COLUMN search TSVECTOR;
  UPDATE observations o SET search = s.search FROM observation_search s
    WHERE s.project_id = o.project_id AND s.id = o.id AND s.trace_id = o.trace_id AND s.start_ns = o.start_ns;
  UPDATE observations o SET search = to_tsvector('simple', concat_ws(' ', o.input, o.output, o.trace_input, o.trace_output))
    FROM search_queue q WHERE q.project_id = o.project_id AND q.id = o.id AND q.trace_id = o.trace_id AND q.start_ns = o.start_ns;
  DROP TABLE search_queue;
  DROP TABLE observation_search;
  CREATE INDEX observations_search ON observations USING gin (search);
  -- The rollup triggers' functions name their table without a schema: they fire in every session
  -- (an operator's too), whatever its search_path, so they keep the schema they were created in.
  ALTER FUNCTION observations_rollup_mark_deleted() SET search_path FROM CURRENT;
  ALTER FUNCTION observations_rollup_mark_updated() SET search_path FROM CURRENT;
  `,
  // 7: fewer indexes on the acknowledgement path, as in the SQLite store (its migrations 7 and 9).
  // Observations lose the type and name indexes: the covering metrics index also includes name,
  // and a type or name filter walks it newest first (per-name counters give a name filter's total).
  // Traces lose the four indexes that sorted by latency, cost, tokens and count, each a random
  // place per trace: traces_start includes those columns, so such a sort reads that index alone.
  `
  DROP INDEX observations_type;
  DROP INDEX observations_name;
  DROP INDEX observations_metrics;
  CREATE INDEX observations_metrics ON observations (project_id, start_ns)
    INCLUDE (type, name, model, level, environment, tokens, cost_pico, end_ns, completion_start_ns);
  INSERT INTO project_counters (project_id, name, shard, count)
    SELECT project_id, 'observations.name.' || name, 0, count(*) FROM observations GROUP BY project_id, name
    ON CONFLICT (project_id, name, shard) DO UPDATE SET count = excluded.count;
  DROP INDEX traces_latency;
  DROP INDEX traces_cost;
  DROP INDEX traces_tokens;
  DROP INDEX traces_count;
  DROP INDEX traces_start;
  CREATE INDEX traces_start ON traces (project_id, start_ns, id) INCLUDE (latency_ns, total_cost_pico, total_tokens, observation_count);
  `,
];

/** The schema version this code writes. */
export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** The advisory lock key that serialises migrations of one schema across processes. */
function migrationLockKey(schema: string): string {
  return `sightline-migrate:${schema}`;
}

/**
 * Applies the migrations the schema has not seen, in ONE transaction under an advisory lock, so
 * two processes starting at once apply them once (the second waits, then finds nothing to do).
 * Refuses a schema written by a newer Sightline rather than guessing at it.
 */
export async function migratePostgres(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [migrationLockKey(schema)]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.sightline_schema_version (version INTEGER NOT NULL)`);
    const result = await client.query<{ version: number }>(`SELECT version FROM ${quoteIdent(schema)}.sightline_schema_version`);
    const current = result.rows[0]?.version ?? 0;
    if (current > PG_SCHEMA_VERSION) {
      throw new Error(`The database schema ${schema} is version ${current}, newer than this Sightline (${PG_SCHEMA_VERSION}); upgrade Sightline.`);
    }
    for (let version = current; version < PG_SCHEMA_VERSION; version++) await client.query(MIGRATIONS[version] ?? "");
    if (current === 0) await client.query(`INSERT INTO ${quoteIdent(schema)}.sightline_schema_version (version) VALUES ($1)`, [PG_SCHEMA_VERSION]);
    else if (current < PG_SCHEMA_VERSION) await client.query(`UPDATE ${quoteIdent(schema)}.sightline_schema_version SET version = $1`, [PG_SCHEMA_VERSION]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
