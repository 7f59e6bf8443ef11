import type { Database, Statement } from "better-sqlite3";
import { SEARCH_SCHEMA } from "./search-schema.js";

/**
 * Finds observations by span id alone: the `span_id` column of the full-text index in the search
 * database, plus the rows written since the indexer last ran (a rowid-range scan of the newest rows
 * on the main database). The mark and the matches are read in one statement (one snapshot), so a
 * row indexed meanwhile is found by the scan.
 */
export class ObservationIdLookup {
  private readonly matches: Statement;

  constructor(search: Database) {
    this.matches = search.prepare(
      `SELECT (SELECT indexed_rowid FROM ${SEARCH_SCHEMA}.index_state WHERE id = 1) AS mark,
         (SELECT json_group_array(rowid) FROM ${SEARCH_SCHEMA}.observations_fts WHERE observations_fts MATCH ?) AS row_ids`,
    );
  }

  /** The candidate rowids (compare their ids) as a JSON array, and the mark above which rows must be scanned. */
  candidates(id: string): { rowIds: string; mark: bigint } {
    // A span id as one quoted FTS5 string restricted to the id column (quotes doubled: never syntax).
    const found = this.matches.get(`span_id : "${id.replace(/"/g, '""')}"`) as { mark: bigint; row_ids: string };
    return { rowIds: found.row_ids, mark: found.mark };
  }
}

/**
 * The rowids of a project's observations with a span id, from `ObservationIdLookup.candidates`:
 * binds `(rowIds JSON, projectId, id, mark, projectId, id)`. The scan of the rows above the mark is
 * `NOT INDEXED` so that the planner never walks a whole-project index instead.
 */
export const OBSERVATION_ROWIDS_BY_ID = `
  SELECT o.rowid FROM json_each(?) k CROSS JOIN observations o ON o.rowid = k.value WHERE o.project_id = ? AND o.id = ?
  UNION
  SELECT t.rowid FROM observations t NOT INDEXED WHERE t.rowid > ? AND t.project_id = ? AND t.id = ?`;
