import type { Database } from "better-sqlite3";
import { HOUR_NS, rollupTableDdl } from "../metrics-rollup.js";

/** Marks the hour of a row (`old` or `new` in a trigger) dirty for the rollup job. */
const markDirty = (row: string) => `INSERT INTO rollup_dirty_hours (project_id, hour, version) VALUES (${row}.project_id, ${row}.start_ns / ${HOUR_NS}, 1)
      ON CONFLICT (project_id, hour) DO UPDATE SET version = version + 1;`;

/**
 * The SQLite schema, as numbered migrations tracked in `PRAGMA user_version`.
 *
 * Access paths (see the performance reference): times are INTEGER nanoseconds; every key starts
 * with `project_id` so a project never scans another's rows; the `traces` table holds the
 * per-trace aggregates so no list query aggregates over observations; tags live in an indexed
 * `trace_tags` table (a `json_each` scan grows linearly); sessions and users are small aggregate
 * tables maintained in the ingest transaction; full text is a contentless FTS5 table filled off
 * the acknowledgement path by the background indexer (`fts_state` holds its high-water mark).
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
  );

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    public_key TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    display_secret_key TEXT NOT NULL,
    note TEXT,
    created_at_ms INTEGER NOT NULL,
    last_used_at_ms INTEGER,
    revoked_at_ms INTEGER
  );
  CREATE INDEX api_keys_project ON api_keys(project_id, created_at_ms);

  CREATE TABLE observations (
    rowid INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    parent_id TEXT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER,
    completion_start_ns INTEGER,
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
    prompt_version INTEGER,
    is_app_root INTEGER NOT NULL,
    -- What this observation says about its trace (explicit trace input/output kept apart, they can be large),
    -- and its token and cost contribution, so a trace can always be recomputed from its rows.
    trace_contribution TEXT NOT NULL,
    trace_input TEXT,
    trace_output TEXT,
    tokens INTEGER NOT NULL,
    cost_pico INTEGER NOT NULL,
    resource_attributes TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
  );
  -- One row per (project, span id, trace id): the dedup key, and the lookup by observation id.
  CREATE UNIQUE INDEX observations_id ON observations(project_id, id, trace_id);
  CREATE INDEX observations_trace ON observations(project_id, trace_id, start_ns);
  CREATE INDEX observations_start ON observations(project_id, start_ns);
  CREATE INDEX observations_type ON observations(project_id, type, start_ns);
  CREATE INDEX observations_name ON observations(project_id, name, start_ns);
  -- Most observations are DEFAULT; the interesting levels get a small partial index.
  CREATE INDEX observations_level ON observations(project_id, level, start_ns) WHERE level <> 'DEFAULT';

  CREATE TABLE traces (
    rowid INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    user_id TEXT,
    session_id TEXT,
    release TEXT,
    version TEXT,
    environment TEXT NOT NULL,
    public INTEGER NOT NULL,
    tags TEXT NOT NULL,
    metadata TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER,
    latency_ns INTEGER,
    observation_count INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL,
    total_cost_pico INTEGER NOT NULL,
    level TEXT NOT NULL,
    root_observation_id TEXT,
    -- The trace input/output are read from the observation that supplies them, never copied.
    input_observation_id TEXT,
    input_explicit INTEGER NOT NULL DEFAULT 0,
    output_observation_id TEXT,
    output_explicit INTEGER NOT NULL DEFAULT 0,
    derivation TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX traces_id ON traces(project_id, id);
  CREATE INDEX traces_start ON traces(project_id, start_ns);
  CREATE INDEX traces_user ON traces(project_id, user_id, start_ns);
  CREATE INDEX traces_session ON traces(project_id, session_id, start_ns);
  CREATE INDEX traces_name ON traces(project_id, name, start_ns);
  CREATE INDEX traces_environment ON traces(project_id, environment, start_ns);
  CREATE INDEX traces_latency ON traces(project_id, latency_ns, start_ns);
  CREATE INDEX traces_cost ON traces(project_id, total_cost_pico, start_ns);
  CREATE INDEX traces_tokens ON traces(project_id, total_tokens, start_ns);
  CREATE INDEX traces_count ON traces(project_id, observation_count, start_ns);

  -- Every row of one trace carries the trace's start, so "has tag B too" is a primary-key probe.
  CREATE TABLE trace_tags (
    project_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    trace_id TEXT NOT NULL,
    PRIMARY KEY (project_id, tag, start_ns, trace_id)
  ) WITHOUT ROWID;

  CREATE TABLE sessions (
    project_id TEXT NOT NULL,
    id TEXT NOT NULL,
    trace_count INTEGER NOT NULL,
    first_start_ns INTEGER NOT NULL,
    first_trace_id TEXT NOT NULL,
    last_ns INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL,
    total_cost_pico INTEGER NOT NULL,
    environment TEXT NOT NULL,
    PRIMARY KEY (project_id, id)
  ) WITHOUT ROWID;
  CREATE INDEX sessions_start ON sessions(project_id, first_start_ns);

  CREATE TABLE users (
    project_id TEXT NOT NULL,
    id TEXT NOT NULL,
    trace_count INTEGER NOT NULL,
    session_count INTEGER NOT NULL DEFAULT 0,
    first_start_ns INTEGER NOT NULL,
    first_trace_id TEXT NOT NULL,
    last_ns INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL,
    total_cost_pico INTEGER NOT NULL,
    environment TEXT NOT NULL,
    PRIMARY KEY (project_id, id)
  ) WITHOUT ROWID;
  CREATE INDEX users_last ON users(project_id, last_ns);

  -- Traces per (user, session): gives each user's session count and each session's user ids.
  CREATE TABLE user_sessions (
    project_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    trace_count INTEGER NOT NULL,
    PRIMARY KEY (project_id, user_id, session_id)
  ) WITHOUT ROWID;
  CREATE INDEX user_sessions_session ON user_sessions(project_id, session_id, user_id);

  -- Exact counts for unfiltered and per-type/per-level listings (see project-counters.ts).
  CREATE TABLE project_counters (
    project_id TEXT NOT NULL,
    name TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (project_id, name)
  ) WITHOUT ROWID;

  CREATE VIRTUAL TABLE observations_fts USING fts5(
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TABLE fts_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_rowid INTEGER NOT NULL
  );
  INSERT INTO fts_state (id, indexed_rowid) VALUES (1, 0);
  -- Rows changed after they were indexed (a replaced span), to index again.
  CREATE TABLE fts_requeue (row_id INTEGER PRIMARY KEY);
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
    start_ms INTEGER,
    unit TEXT NOT NULL,
    prices TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (project_id, id)
  ) WITHOUT ROWID;
  `,
  // Ingestion throughput: no index keyed by the span id alone on the acknowledgement path. A random
  // 64-bit id puts every new row on a different page of such an index, so one 512-span commit
  // rewrote ~512 index pages (about a third of the insert cost). The dedup key is now trace-local
  // (spans of one trace arrive together), and the lookup by observation id uses
  // `observation_id_keys` (a 6-byte key from the id -> rowid: ~550 entries a page), kept by the
  // background thread in large sorted batches (`ObservationIdIndexer`); rows above its high-water
  // mark are found by a rowid-range scan of the newest rows.
  `
  DROP INDEX observations_id;
  DROP INDEX observations_trace;
  CREATE UNIQUE INDEX observations_trace_span ON observations(project_id, trace_id, id);
  CREATE TABLE observation_id_keys (
    key BLOB NOT NULL,
    row_id INTEGER NOT NULL,
    PRIMARY KEY (key, row_id)
  ) WITHOUT ROWID;
  INSERT INTO observation_id_keys (key, row_id)
    SELECT coalesce(unhex(substr(id, 1, 12)), CAST(substr(id, 1, 12) AS BLOB)), rowid FROM observations ORDER BY 1, 2;
  CREATE TABLE observation_id_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_rowid INTEGER NOT NULL
  );
  INSERT INTO observation_id_state (id, indexed_rowid) VALUES (1, coalesce((SELECT max(rowid) FROM observations), 0));
  `,
  // 5: metrics (dashboards): a covering index of what the observations view aggregates, so a month of
  // 1M observations is read from the index (~70 bytes a row) instead of the ~2 KB rows. It REPLACES
  // observations_start, its prefix, so ingestion maintains no extra index (measured in ADR 0010).
  `
  CREATE INDEX observations_metrics ON observations(
    project_id, start_ns, type, model, level, environment, tokens, cost_pico, end_ns, completion_start_ns
  );
  DROP INDEX observations_start;
  `,
  // 6: hourly rollups of the observations view (metrics-rollup.ts): the rollup table and the dirty
  // hours the background thread recomputes. The ingest writer marks the hours it writes (one row a
  // batch, not a trigger per row); these triggers mark the hours of replaced, re-priced and deleted
  // rows. `version` grows with every mark, so the job can tell whether an hour changed while it
  // read it. Every hour already stored starts dirty.
  `
  ${rollupTableDdl("TEXT", "INTEGER", "BLOB")}
  CREATE TABLE rollup_dirty_hours (
    project_id TEXT NOT NULL,
    hour INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (project_id, hour)
  ) WITHOUT ROWID;
  INSERT INTO rollup_dirty_hours (project_id, hour, version)
    SELECT project_id, start_ns / ${HOUR_NS}, 1 FROM observations GROUP BY 1, 2;
  CREATE TRIGGER observations_rollup_update
    AFTER UPDATE OF start_ns, end_ns, completion_start_ns, type, model, level, environment, tokens, cost_pico ON observations
    BEGIN
      ${markDirty("old")}
      ${markDirty("new")}
    END;
  CREATE TRIGGER observations_rollup_delete AFTER DELETE ON observations
    BEGIN
      ${markDirty("old")}
    END;
  `,
  // 7: fewer random pages per commit (measured: 627 WAL pages per 512-span batch at 300k spans, 200
  // of them from two indexes). A trace's observations are keyed by the trace's rowid (`trace_row`),
  // which grows as new traces arrive, so the per-trace index is appended at its right edge instead
  // of taking one random page per trace (136 pages a batch). The four indexes that sorted traces by
  // latency, cost, tokens and observation count put every trace at a random place (latency alone:
  // 69 pages a batch); one covering index in time order replaces them and the start index, and a
  // sort by those fields reads its entries in the time range (see TraceQueries).
  `
  ALTER TABLE observations ADD COLUMN trace_row INTEGER;
  UPDATE observations SET trace_row = (SELECT t.rowid FROM traces t WHERE t.project_id = observations.project_id AND t.id = observations.trace_id);
  CREATE UNIQUE INDEX observations_trace_row ON observations(trace_row, id);
  DROP INDEX observations_trace_span;
  DROP INDEX traces_latency;
  DROP INDEX traces_cost;
  DROP INDEX traces_tokens;
  DROP INDEX traces_count;
  DROP INDEX traces_start;
  CREATE INDEX traces_start_sort ON traces(project_id, start_ns, latency_ns, total_cost_pico, total_tokens, observation_count, id);
  `,
  // 8: the full-text index and the id lookup move to the search database, a file of its own
  // (search-schema.ts), so their large indexing transactions never hold the lock that ingestion
  // commits under; it is rebuilt from the observations. What stays here is what the ingest and
  // deletion transactions must record atomically: replaced rows to index again (with a version, so
  // a row replaced again while it is re-indexed stays queued), deleted rows to purge from the
  // search database, and the highest observation and trace rowids ever used, below which no new row
  // is written (a rowid the search database knows always names the row it indexed, or none).
  // `store_identity` ties a search database to this main database.
  `
  DROP TABLE observations_fts;
  DROP TABLE fts_state;
  DROP TABLE fts_requeue;
  DROP TABLE observation_id_keys;
  DROP TABLE observation_id_state;
  CREATE TABLE fts_requeue (row_id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
  CREATE TABLE search_purge (row_id INTEGER PRIMARY KEY, id TEXT NOT NULL);
  CREATE TABLE rowid_floors (table_name TEXT PRIMARY KEY, floor INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO rowid_floors (table_name, floor) VALUES
    ('observations', coalesce((SELECT max(rowid) FROM observations), 0)),
    ('traces', coalesce((SELECT max(rowid) FROM traces), 0));
  CREATE TABLE store_identity (id INTEGER PRIMARY KEY CHECK (id = 1), uuid TEXT NOT NULL);
  INSERT INTO store_identity (id, uuid) VALUES (1, lower(hex(randomblob(16))));
  `,
  // 9: two fewer indexes on the acknowledgement path. `observations_type` and `observations_name`
  // each took a page write per type or name a batch, plus the splits of pages in the middle of the
  // tree (56 of ~330 WAL pages a 512-span batch; the writer alone: 31.0 -> 25.0 us a span without
  // them). The covering metrics index, appended at its right edge, gains `name`: a listing filtered
  // by type or name walks it newest first and checks both in the index; per-name counters (like the
  // per-type ones) answer a name filter's total.
  `
  DROP INDEX observations_type;
  DROP INDEX observations_name;
  DROP INDEX observations_metrics;
  CREATE INDEX observations_metrics ON observations(
    project_id, start_ns, type, name, model, level, environment, tokens, cost_pico, end_ns, completion_start_ns
  );
  INSERT INTO project_counters (project_id, name, count)
    SELECT project_id, 'observations.name.' || name, count(*) FROM observations GROUP BY project_id, name
    ON CONFLICT (project_id, name) DO UPDATE SET count = excluded.count;
  `,
];

/**
 * The index of one trace's observations, `(trace_row, id)` (migration 7; `trace_row` is the rowid of
 * the trace's `traces` row). Per-trace reads name it (`INDEXED BY`): sorting a trace's rows is cheap,
 * while the planner would rather walk a whole project's time-ordered index to skip that sort.
 */
export const TRACE_INDEX = "observations_trace_row";

/** The `traces` rowid of the trace with these `(project_id, id)` parameters: what `trace_row` holds. */
export const TRACE_ROW_OF = "(SELECT rowid FROM traces WHERE project_id = ? AND id = ?)";

/**
 * The covering index that sorts traces by latency, cost, tokens and observation count within a time
 * range (migration 7): `(project_id, start_ns, latency_ns, total_cost_pico, total_tokens, observation_count, id)`,
 * so the whole sort, ties broken by start and id, reads the index alone.
 */
export const TRACE_SORT_INDEX = "traces_start_sort";

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies the migrations a database (`schema`: `main` or an attached one) has not seen, each in its
 * own transaction, recording the version in its `user_version`. Idempotent. Refuses a database
 * written by a newer version rather than guessing at its schema (`what` names it in the message).
 */
export function applyMigrations(db: Database, migrations: readonly string[], schema: string, what: string): void {
  const current = Number(db.pragma(`${schema}.user_version`, { simple: true }));
  if (current > migrations.length) {
    throw new Error(`${what} is version ${current}, newer than this Sightline (${migrations.length}); upgrade Sightline.`);
  }
  for (let version = current; version < migrations.length; version++) {
    const sql = migrations[version] ?? "";
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`${schema}.user_version = ${version + 1}`);
    }).immediate();
  }
}

/** Applies the main database's migrations (see `applyMigrations`). */
export function migrateSchema(db: Database): void {
  applyMigrations(db, MIGRATIONS, "main", "The database schema");
}
