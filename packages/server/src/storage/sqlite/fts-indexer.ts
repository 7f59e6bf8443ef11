import type { Database, Statement } from "better-sqlite3";
import { SEARCH_SCHEMA } from "./search-schema.js";

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

/** Longest text indexed per field: search finds words in the first megabyte of a huge input. */
const MAX_INDEXED_CHARS = 1_000_000;

const TEXT_COLUMNS = "rowid AS row_id, id, input, output, trace_input, trace_output";

/**
 * Keeps `search.observations_fts` (see `search-schema.ts`) in step with `observations`, off the
 * acknowledgement path: an FTS insert trigger cuts ingest to a fifth (performance anchors §B3). It
 * indexes the rows past its mark (`search.index_state.indexed_rowid`) in large transactions on the
 * search database, and re-indexes rows replaced after they were indexed (`fts_requeue`, written by
 * the ingest transaction, with a version so a row replaced again meanwhile stays queued). Every row
 * gets its span id (`span_id`, the lookup by id) and the text inside its input/output JSON (`body`:
 * string values, numbers; not the JSON syntax, so a word after a `\n` escape is still a word).
 *
 * `source` is a connection to the main database (observations are read there), `target` one with
 * the search database attached; they are the same connection when one thread does everything.
 */
export class FtsIndexer {
  private readonly batchRows: number;
  private readonly readMark: Statement;
  private readonly writeMark: Statement;
  private readonly nextRows: Statement;
  private readonly requeued: Statement;
  private readonly unqueue: Statement;
  private readonly rowById: Statement;
  private readonly insertText: Statement;
  private readonly deleteText: Statement;
  private readonly lastRowId: Statement;
  private readonly indexNew: () => number;
  private readonly reindex: (rows: readonly RequeuedRow[]) => void;
  private readonly unqueueAll: (rows: readonly RequeuedRow[]) => void;

  constructor(
    source: Database,
    target: Database,
    options: FtsIndexerOptions = {},
  ) {
    this.batchRows = options.batchRows ?? DEFAULT_FTS_BATCH_ROWS;
    this.readMark = target.prepare(`SELECT indexed_rowid FROM ${SEARCH_SCHEMA}.index_state WHERE id = 1`).pluck();
    this.writeMark = target.prepare(`UPDATE ${SEARCH_SCHEMA}.index_state SET indexed_rowid = ? WHERE id = 1`);
    this.nextRows = source.prepare(`SELECT ${TEXT_COLUMNS} FROM observations WHERE rowid > ? ORDER BY rowid LIMIT ?`);
    this.requeued = source.prepare(`SELECT row_id, version FROM fts_requeue ORDER BY row_id LIMIT ?`);
    this.unqueue = source.prepare(`DELETE FROM fts_requeue WHERE row_id = ? AND version = ?`);
    this.rowById = source.prepare(`SELECT ${TEXT_COLUMNS} FROM observations WHERE rowid = ?`);
    this.insertText = target.prepare(`INSERT INTO ${SEARCH_SCHEMA}.observations_fts (rowid, body, span_id) VALUES (?, ?, ?)`);
    this.deleteText = target.prepare(`DELETE FROM ${SEARCH_SCHEMA}.observations_fts WHERE rowid = ?`);
    this.lastRowId = source.prepare(`SELECT coalesce(max(rowid), 0) FROM observations`).pluck();
    this.indexNew = target.transaction(() => this.indexNewRows()).immediate;
    this.reindex = target.transaction((rows: readonly RequeuedRow[]) => this.reindexRows(rows)).immediate;
    this.unqueueAll = source.transaction((rows: readonly RequeuedRow[]) => {
      for (const row of rows) this.unqueue.run(row.row_id, row.version);
    }).immediate;
  }

  /** Rows written but not yet searchable (by text or by id). */
  backlog(): number {
    return Math.max(0, Number((this.lastRowId.get() as bigint) - (this.readMark.get() as bigint)));
  }

  /** Indexes everything pending now, or at least `maxRows` rows. Returns the rows handled. */
  flush(maxRows = Number.POSITIVE_INFINITY): number {
    let total = 0;
    for (;;) {
      const done = this.indexOnce();
      total += done;
      if (done === 0 || total >= maxRows) return total;
    }
  }

  /** Re-indexes queued replaced rows, then indexes one batch of new rows; returns the rows handled. */
  indexOnce(): number {
    const requeued = this.requeued.all(this.batchRows) as RequeuedRow[];
    if (requeued.length > 0) {
      this.reindex(requeued);
      this.unqueueAll(requeued);
    }
    return requeued.length + this.indexNew();
  }

  /** The rows of a transaction on the search database: replaced rows that were indexed get their new text. */
  private reindexRows(rows: readonly RequeuedRow[]): void {
    const mark = this.readMark.get() as bigint;
    for (const { row_id: rowId } of rows) {
      // A row past the mark is not in the index yet: it is indexed with the new rows.
      if (rowId > mark) continue;
      this.deleteText.run(rowId);
      const row = this.rowById.get(rowId) as IndexRow | undefined;
      if (row !== undefined) this.index(row);
    }
  }

  /** One batch of new rows, in a transaction on the search database; returns how many. */
  private indexNewRows(): number {
    const mark = this.readMark.get() as bigint;
    const rows = this.nextRows.all(mark, this.batchRows) as IndexRow[];
    for (const row of rows) this.index(row);
    const last = rows.at(-1);
    if (last !== undefined) this.writeMark.run(last.row_id);
    return rows.length;
  }

  private index(row: IndexRow): void {
    const parts: string[] = [];
    for (const text of [row.input, row.output, row.trace_input, row.trace_output]) {
      if (text !== null) collectText(text, parts);
    }
    this.insertText.run(row.row_id, parts.join("\n"), row.id);
  }
}

interface IndexRow {
  row_id: bigint;
  id: string;
  input: string | null;
  output: string | null;
  trace_input: string | null;
  trace_output: string | null;
}

interface RequeuedRow {
  row_id: bigint;
  version: bigint;
}

/** Appends the words of stored JSON text: its strings, numbers and booleans; keys are syntax. */
function collectText(json: string, into: string[]): void {
  let value: unknown;
  try {
    value = JSON.parse(json.length > MAX_INDEXED_CHARS * 2 ? json.slice(0, MAX_INDEXED_CHARS) : json);
  } catch {
    into.push(json.slice(0, MAX_INDEXED_CHARS));
    return;
  }
  let budget = MAX_INDEXED_CHARS;
  const stack: unknown[] = [value];
  while (stack.length > 0 && budget > 0) {
    const item = stack.pop();
    if (typeof item === "string") {
      const piece = item.length > budget ? item.slice(0, budget) : item;
      into.push(piece);
      budget -= piece.length;
    } else if (typeof item === "number" || typeof item === "boolean") {
      into.push(String(item));
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else if (typeof item === "object" && item !== null) {
      const values = Object.values(item);
      for (let i = values.length - 1; i >= 0; i--) stack.push(values[i]);
    }
  }
}
