import type { Database, Statement } from "better-sqlite3";
import { SEARCH_SCHEMA, projectKeyOf } from "./search-schema.js";
import { searchWrite } from "./search-write.js";
import { parsedTexts, valueTexts } from "../value-text.js";

/** Options of the full-text indexer. */
export interface FtsIndexerOptions {
  /** How often the store's own thread looks for new rows when there is no background thread. Default `DEFAULT_FTS_INTERVAL_MILLIS`. */
  intervalMillis?: number;
  /** Rows per indexing transaction. Default `DEFAULT_FTS_BATCH_ROWS`. */
  batchRows?: number;
}

/** The indexer's polling period. */
export const DEFAULT_FTS_INTERVAL_MILLIS = 200;
/**
 * Rows per indexing transaction. Large: FTS5 writes one segment per transaction and merges
 * segments as they pile up, so big batches cost less per row (measured with the server's rows:
 * 15.3 us a row in batches of 64, 11.4 in batches of 1,024, 10.3 in batches of 8,192), and the
 * search database's write lock is no one else's.
 */
export const DEFAULT_FTS_BATCH_ROWS = 2_048;

/** Longest text indexed per field, in bytes (characters in the fallback): search finds words in the first megabyte of a huge input. */
const MAX_INDEXED_BYTES = 1_000_000;

const TEXT_FIELDS = ["input", "output", "trace_input", "trace_output"] as const;

/**
 * The words of one stored JSON column as SQL: its strings, numbers and booleans (not its keys, which
 * are syntax), one per line, by `json_tree` in SQLite itself (no row text crosses into JavaScript).
 */
function columnTextSql(column: string): string {
  // Cut as bytes: substr() of TEXT stops at a NUL character (a JSON "\u0000"), which lost the words after it.
  return `(SELECT CAST(substr(CAST(group_concat(CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE j.atom END, char(10)) AS BLOB), 1, ${MAX_INDEXED_BYTES}) AS TEXT)
    FROM json_tree(o.${column}) j WHERE j.atom IS NOT NULL)`;
}

/** The FTS columns of the observations `o` to index, as a SELECT list (`INDEX_COLUMNS` order). */
const INDEX_SELECT = `o.rowid, concat_ws(char(10), ${TEXT_FIELDS.map(columnTextSql).join(", ")}), o.id, 'p' || hex(o.project_id), o.trace_row`;
const INDEX_COLUMNS = "rowid, body, span_id, project_key, trace_row";

/**
 * Keeps `search.observations_fts` (see `search-schema.ts`) in step with `observations`, off the
 * acknowledgement path: an FTS insert trigger cuts ingest to a fifth (performance anchors §B3). It
 * indexes the rows past its mark (`search.index_state.indexed_rowid`) in large transactions on the
 * search database, and re-indexes rows replaced after they were indexed (`fts_requeue`, written by
 * the ingest transaction, with a version so a row replaced again meanwhile stays queued). Every row
 * gets its span id (`span_id`, the lookup by id) and the text inside its input/output JSON (`body`:
 * string values, numbers; not the JSON syntax, so a word after a `\n` escape is still a word).
 *
 * `db` is a connection to the main database with the search database attached. Its indexing
 * transactions write only the search database (see `searchWrite`) and read the observations in
 * one snapshot, so they never wait for, or hold up, ingestion's commits. A row whose stored JSON
 * SQLite cannot read is indexed on its own, from the text as it is.
 */
export class FtsIndexer {
  private readonly batchRows: number;
  private readonly readMark: Statement;
  private readonly writeMark: Statement;
  private readonly batchEnd: Statement;
  private readonly indexRange: Statement;
  private readonly rowText: Statement;
  private readonly insertText: Statement;
  private readonly requeued: Statement;
  private readonly unqueue: Statement;
  private readonly deleteText: Statement;
  private readonly lastRowId: Statement;
  private readonly indexNew: (batchRows: number) => number;
  private readonly reindex: (rows: readonly RequeuedRow[]) => void;
  private readonly unqueueAll: (rows: readonly RequeuedRow[]) => void;

  constructor(
    db: Database,
    options: FtsIndexerOptions = {},
  ) {
    this.batchRows = options.batchRows ?? DEFAULT_FTS_BATCH_ROWS;
    this.readMark = db.prepare(`SELECT indexed_rowid FROM ${SEARCH_SCHEMA}.index_state WHERE id = 1`).pluck();
    this.writeMark = db.prepare(`UPDATE ${SEARCH_SCHEMA}.index_state SET indexed_rowid = ? WHERE id = 1`);
    this.batchEnd = db.prepare(`SELECT max(r) FROM (SELECT rowid AS r FROM main.observations WHERE rowid > ? ORDER BY rowid LIMIT ?)`).pluck();
    this.indexRange = db.prepare(
      `INSERT INTO ${SEARCH_SCHEMA}.observations_fts (${INDEX_COLUMNS})
       SELECT ${INDEX_SELECT} FROM main.observations o WHERE o.rowid > ? AND o.rowid <= ? ORDER BY o.rowid`,
    );
    this.rowText = db.prepare(
      `SELECT o.rowid AS row_id, o.id, o.project_id, o.trace_row, ${TEXT_FIELDS.map((c) => `o.${c}`).join(", ")} FROM main.observations o WHERE o.rowid > ? AND o.rowid <= ?`,
    );
    this.insertText = db.prepare(`INSERT INTO ${SEARCH_SCHEMA}.observations_fts (${INDEX_COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
    this.requeued = db.prepare(`SELECT row_id, version FROM main.fts_requeue ORDER BY row_id LIMIT ?`);
    this.unqueue = db.prepare(`DELETE FROM main.fts_requeue WHERE row_id = ? AND version = ?`);
    this.deleteText = db.prepare(`DELETE FROM ${SEARCH_SCHEMA}.observations_fts WHERE rowid = ?`);
    this.lastRowId = db.prepare(`SELECT coalesce(max(rowid), 0) FROM main.observations`).pluck();
    this.indexNew = searchWrite(db, (batchRows: number) => this.indexNewRows(batchRows));
    this.reindex = searchWrite(db, (rows: readonly RequeuedRow[]) => this.reindexRows(rows));
    this.unqueueAll = db.transaction((rows: readonly RequeuedRow[]) => {
      for (const row of rows) this.unqueue.run(row.row_id, row.version);
    }).immediate;
  }

  /** Rows written but not yet searchable (by text or by id). */
  backlog(): number {
    return Math.max(0, Number((this.lastRowId.get() as bigint) - (this.readMark.get() as bigint)));
  }

  /**
   * Indexes everything pending now, or at least `maxRows` rows, in batches of at least
   * `DEFAULT_FTS_BATCH_ROWS` (a flush is not a turn among requests). Returns the rows handled.
   */
  flush(maxRows = Number.POSITIVE_INFINITY): number {
    const batchRows = Math.max(this.batchRows, DEFAULT_FTS_BATCH_ROWS);
    let total = 0;
    for (;;) {
      const done = this.indexOnce(batchRows);
      total += done;
      if (done === 0 || total >= maxRows) return total;
    }
  }

  /** Re-indexes queued replaced rows, then indexes one batch of new rows; returns the rows handled. */
  indexOnce(batchRows: number = this.batchRows): number {
    const requeued = this.requeued.all(batchRows) as RequeuedRow[];
    if (requeued.length > 0) {
      this.reindex(requeued);
      this.unqueueAll(requeued);
    }
    return requeued.length + this.indexNew(batchRows);
  }

  /** Replaced rows that were indexed get their new text (in a transaction on the search database). */
  private reindexRows(rows: readonly RequeuedRow[]): void {
    const mark = this.readMark.get() as bigint;
    for (const { row_id: rowId } of rows) {
      // A row past the mark is not in the index yet: it is indexed with the new rows.
      if (rowId > mark) continue;
      this.deleteText.run(rowId);
      this.indexRows(rowId - 1n, rowId);
    }
  }

  /** One batch of new rows (in a transaction on the search database); returns how many. */
  private indexNewRows(batchRows: number): number {
    const mark = this.readMark.get() as bigint;
    const upTo = this.batchEnd.get(mark, batchRows) as bigint | null;
    if (upTo === null) return 0;
    const indexed = this.indexRows(mark, upTo);
    this.writeMark.run(upTo);
    return indexed;
  }

  /** Indexes the rows in `(after, upTo]`; returns how many. */
  private indexRows(after: bigint, upTo: bigint): number {
    try {
      return this.indexRange.run(after, upTo).changes;
    } catch {
      // SQLite refused one row's JSON (no stored row should hold anything but JSON): index them one by one from their text.
      const rows = this.rowText.all(after, upTo) as IndexRow[];
      for (const row of rows) {
        const texts = valueTexts(parsedTexts(TEXT_FIELDS.map((field) => row[field]), MAX_INDEXED_BYTES), MAX_INDEXED_BYTES);
        this.insertText.run(row.row_id, texts.join("\n"), row.id, projectKeyOf(row.project_id), row.trace_row);
      }
      return rows.length;
    }
  }
}

interface IndexRow {
  row_id: bigint;
  id: string;
  project_id: string;
  trace_row: bigint;
  input: string | null;
  output: string | null;
  trace_input: string | null;
  trace_output: string | null;
}

interface RequeuedRow {
  row_id: bigint;
  version: bigint;
}
