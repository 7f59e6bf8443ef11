import type { Database } from "better-sqlite3";
import { applyMigrations } from "./schema.js";

/**
 * The schema name the search database is attached under, on every connection that uses it: its
 * tables are always written `search.<table>`.
 */
export const SEARCH_SCHEMA = "search";

/** Page size of the search database: SQLite's default (its content is FTS5 segment blobs). */
export const SEARCH_PAGE_SIZE_BYTES = 4_096;

/**
 * The search database: what makes observations findable by text and by span id alone, derived
 * from the main database and kept in a file of its own (`<name>-search.db` beside it) so that
 * indexing never holds the main database's write lock, which ingestion needs for every commit.
 * Everything here can be rebuilt from the main database: `index_state` records how far the index
 * has read the observations (by rowid, which the main database never reuses), and a search
 * database that is missing or new is filled from the start.
 *
 * - `observations_fts`: contentless FTS5 with two indexed columns: `body`, the text inside the
 *   input/output JSON, and `span_id`, the observation's id (the lookup of an observation by its id
 *   alone). FTS5 keeps its index as segments that it merges in the background, so adding random
 *   ids costs about one more token per row, where a B-tree keyed by id would take a page write per
 *   row once it outgrows the cache. `project_key` holds one token per row naming its project
 *   (`projectKeyOf`): a search ANDs it with the text, so FTS5 intersects the two lists and a small
 *   project's matches are found without walking a big project's. The stored, unindexed
 *   `trace_row` (the trace's rowid) names each match's trace without reading an observation row.
 * - `index_state`: the highest observation rowid indexed, and the main database it belongs to.
 */
const SEARCH_MIGRATIONS: readonly string[] = [
  `
  CREATE VIRTUAL TABLE ${SEARCH_SCHEMA}.observations_fts USING fts5(
    body,
    span_id,
    project_key,
    trace_row UNINDEXED,
    content = '',
    contentless_delete = 1,
    contentless_unindexed = 1,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  -- Merge segments 8 at a time instead of 4: measured with the server's rows in batches of 2,048,
  -- 11.8 us a row against 12.9 (no merging at all: 10.8, but queries then read up to 16 segments a level).
  INSERT INTO ${SEARCH_SCHEMA}.observations_fts (observations_fts, rank) VALUES ('automerge', 8);
  CREATE TABLE ${SEARCH_SCHEMA}.index_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    store_uuid TEXT,
    indexed_rowid INTEGER NOT NULL
  );
  INSERT INTO ${SEARCH_SCHEMA}.index_state (id, store_uuid, indexed_rowid) VALUES (1, NULL, 0);
  `,
];

/**
 * The one-token name of a project in `observations_fts.project_key`: `p` and the hex of its id's
 * UTF-8 bytes (any project id is then a single alphanumeric token). SQLite's `'p' || hex(id)` gives
 * the same token in upper case, which the tokenizer folds.
 */
export function projectKeyOf(projectId: string): string {
  return `p${Buffer.from(projectId, "utf8").toString("hex")}`;
}

/** The search schema version this code writes. */
export const SEARCH_SCHEMA_VERSION = SEARCH_MIGRATIONS.length;

/**
 * The search database file of a main database file (`/data/sightline.db` ->
 * `/data/sightline-search.db`), or `:memory:` for an in-memory main database.
 */
export function searchFileOf(mainFile: string): string {
  if (mainFile === ":memory:" || mainFile === "") return ":memory:";
  return mainFile.endsWith(".db") ? `${mainFile.slice(0, -3)}-search.db` : `${mainFile}-search`;
}

/**
 * Ties the attached search database to the main database with this identity (`store_identity`):
 * a search database that belongs to another main database (one deleted and created again beside
 * an old search file), or to none yet, is emptied and starts from the first row.
 */
export function bindSearch(db: Database, storeUuid: string): void {
  const bound = db.prepare(`SELECT store_uuid FROM ${SEARCH_SCHEMA}.index_state WHERE id = 1`).pluck().get();
  if (bound === storeUuid) return;
  db.transaction(() => {
    db.exec(`INSERT INTO ${SEARCH_SCHEMA}.observations_fts (observations_fts) VALUES ('delete-all')`);
    db.prepare(`UPDATE ${SEARCH_SCHEMA}.index_state SET store_uuid = ?, indexed_rowid = 0 WHERE id = 1`).run(storeUuid);
  }).immediate();
}

/**
 * Attaches the search database to `db` as `search`, in WAL mode with `synchronous = NORMAL`, and
 * migrates it. Idempotent per connection. A search database written by a newer version is refused.
 */
export function attachSearch(db: Database, file: string): void {
  const attached = (db.pragma("database_list") as Array<{ name: string }>).some((entry) => entry.name === SEARCH_SCHEMA);
  if (!attached) db.prepare(`ATTACH DATABASE ? AS ${SEARCH_SCHEMA}`).run(file);
  if (file !== ":memory:") {
    // Only a new, empty file takes the page size (before WAL mode).
    db.pragma(`${SEARCH_SCHEMA}.page_size = ${SEARCH_PAGE_SIZE_BYTES}`);
    db.pragma(`${SEARCH_SCHEMA}.journal_mode = WAL`);
    db.pragma(`${SEARCH_SCHEMA}.synchronous = NORMAL`);
  }
  applyMigrations(db, SEARCH_MIGRATIONS, SEARCH_SCHEMA, "The search database");
}
