import type { Database, Statement } from "better-sqlite3";

/** Options of the background full-text indexer. */
export interface FtsIndexerOptions {
  /** How often the indexer looks for new rows. Default `DEFAULT_FTS_INTERVAL_MILLIS`. */
  intervalMillis?: number;
  /** Rows per indexing transaction. Default `DEFAULT_FTS_BATCH_ROWS`. */
  batchRows?: number;
  /** The longest one run may hold the (single) thread before yielding. Default `DEFAULT_FTS_SLICE_MILLIS`. */
  sliceMillis?: number;
}

/** The indexer's polling period. */
export const DEFAULT_FTS_INTERVAL_MILLIS = 200;
/** Rows per indexing transaction. */
export const DEFAULT_FTS_BATCH_ROWS = 256;
/** Time slice per run before yielding to requests. */
export const DEFAULT_FTS_SLICE_MILLIS = 25;

/** Longest text indexed per field: search finds words in the first megabyte of a huge input. */
const MAX_INDEXED_CHARS = 1_000_000;

/**
 * Keeps the contentless FTS5 table `observations_fts` in step with `observations`, OFF the
 * acknowledgement path: an FTS insert trigger cuts ingest to a fifth (performance anchors §B3),
 * while batched indexing runs near the bulk-rebuild rate. It indexes rows past a high-water mark
 * (`fts_state.indexed_rowid`) in small transactions, in time slices so that requests interleave,
 * and re-indexes rows replaced after they were indexed (`fts_requeue`). What it indexes is the
 * text inside the JSON (string values, numbers), not the JSON syntax, so a word after a `\n`
 * escape is still a word.
 */
export class FtsIndexer {
  private readonly intervalMillis: number;
  private readonly batchRows: number;
  private readonly sliceMillis: number;
  private readonly readMark: Statement;
  private readonly writeMark: Statement;
  private readonly nextRows: Statement;
  private readonly requeued: Statement;
  private readonly unqueue: Statement;
  private readonly rowById: Statement;
  private readonly insertText: Statement;
  private readonly deleteText: Statement;
  private readonly requeue: Statement;
  private readonly lastRowId: Statement;
  private readonly indexBatch: () => number;
  private timer: NodeJS.Timeout | null = null;
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly db: Database,
    options: FtsIndexerOptions = {},
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.intervalMillis = options.intervalMillis ?? DEFAULT_FTS_INTERVAL_MILLIS;
    this.batchRows = options.batchRows ?? DEFAULT_FTS_BATCH_ROWS;
    this.sliceMillis = options.sliceMillis ?? DEFAULT_FTS_SLICE_MILLIS;
    this.readMark = db.prepare(`SELECT indexed_rowid FROM fts_state WHERE id = 1`).pluck();
    this.writeMark = db.prepare(`UPDATE fts_state SET indexed_rowid = ? WHERE id = 1`);
    this.nextRows = db.prepare(
      `SELECT rowid AS row_id, input, output, trace_input, trace_output FROM observations WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    this.requeued = db.prepare(`SELECT row_id FROM fts_requeue ORDER BY row_id LIMIT ?`).pluck();
    this.unqueue = db.prepare(`DELETE FROM fts_requeue WHERE row_id = ?`);
    this.rowById = db.prepare(`SELECT rowid AS row_id, input, output, trace_input, trace_output FROM observations WHERE rowid = ?`);
    this.insertText = db.prepare(`INSERT INTO observations_fts (rowid, body) VALUES (?, ?)`);
    this.deleteText = db.prepare(`DELETE FROM observations_fts WHERE rowid = ?`);
    this.requeue = db.prepare(
      `INSERT OR IGNORE INTO fts_requeue (row_id) SELECT ? WHERE ? <= (SELECT indexed_rowid FROM fts_state WHERE id = 1)`,
    );
    this.lastRowId = db.prepare(`SELECT max(rowid) FROM observations`).pluck();
    this.indexBatch = db.transaction(() => this.indexRows()).immediate;
  }

  /** Starts polling (the timer does not keep the process alive). */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.runSlice(), this.intervalMillis);
    this.timer.unref();
  }

  /** Stops polling; pending rows stay pending (the mark is durable) until `flush` or the next start. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.timer = null;
    this.scheduled = null;
  }

  /** Marks a replaced row for re-indexing when it was already indexed. Call inside the write. */
  rowReplaced(rowId: bigint): void {
    this.requeue.run(rowId, rowId);
  }

  /** Rows written but not yet searchable. */
  backlog(): number {
    const last = (this.lastRowId.get() as bigint | null) ?? 0n;
    return Math.max(0, Number(last - (this.readMark.get() as bigint)));
  }

  /** Indexes everything pending now (tests, `close`, and searches catching up). Returns rows indexed. */
  flush(maxRows = Number.POSITIVE_INFINITY): number {
    let total = 0;
    for (;;) {
      const done = this.indexBatch();
      total += done;
      if (done === 0 || total >= maxRows) return total;
    }
  }

  /** Indexes one batch (at most `batchRows` rows) in its own transaction; returns the rows handled. */
  indexOnce(): number {
    return this.indexBatch();
  }

  /** One time-boxed run; if work remains it continues after pending I/O, not on the next tick. */
  private runSlice(): void {
    this.scheduled = null;
    try {
      const deadline = performance.now() + this.sliceMillis;
      let done = 1;
      while (done > 0 && performance.now() < deadline) done = this.indexBatch();
      if (done > 0 && this.timer !== null) this.scheduled = setImmediate(() => this.runSlice());
    } catch (error) {
      this.onError(error);
    }
  }

  /** Indexes one batch (run inside one transaction by `indexBatch`); returns the rows handled. */
  private indexRows(): number {
    let handled = 0;
    for (const rowId of this.requeued.all(this.batchRows) as bigint[]) {
      this.deleteText.run(rowId);
      const row = this.rowById.get(rowId) as IndexRow | undefined;
      if (row !== undefined) this.index(row);
      this.unqueue.run(rowId);
      handled++;
    }
    const mark = this.readMark.get() as bigint;
    const rows = this.nextRows.all(mark, this.batchRows) as IndexRow[];
    for (const row of rows) this.index(row);
    const last = rows.at(-1);
    if (last !== undefined) this.writeMark.run(last.row_id);
    return handled + rows.length;
  }

  private index(row: IndexRow): void {
    const parts: string[] = [];
    for (const text of [row.input, row.output, row.trace_input, row.trace_output]) {
      if (text !== null) collectText(text, parts);
    }
    if (parts.length > 0) this.insertText.run(row.row_id, parts.join("\n"));
  }
}

interface IndexRow {
  row_id: bigint;
  input: string | null;
  output: string | null;
  trace_input: string | null;
  trace_output: string | null;
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
