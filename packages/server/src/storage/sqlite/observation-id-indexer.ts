import type { Database, Statement } from "better-sqlite3";

/**
 * Rows per id-indexing transaction: large, so that each touched index page takes many keys
 * (at 1M observations the key index has ~1,800 leaf pages: 8,192 sorted keys touch ~1,700 of them,
 * 0.2 page writes a row instead of 1), yet ~20 ms of write lock.
 */
export const DEFAULT_ID_INDEX_BATCH_ROWS = 8_192;

/**
 * The key of a span id in `observation_id_keys`: its first 12 hex digits as 6 bytes (the raw
 * characters for an id that is not hex). Two ids may share a key; readers compare the ids. An SQL
 * expression over `value`, so that the indexer and the lookup compute it the same way.
 */
function idKeySql(value: string): string {
  return `coalesce(unhex(substr(${value}, 1, 12)), CAST(substr(${value}, 1, 12) AS BLOB))`;
}

/**
 * Keeps `observation_id_keys(key, row_id)`, the lookup of an observation by its id alone, in step
 * with `observations`, OFF the acknowledgement path (see migration 4 in `schema.ts`). Span ids are
 * random: indexed one request at a time, every new row lands on a different page of such an
 * index. Here the rows past a high-water mark (`observation_id_state.indexed_rowid`) are indexed
 * in large batches sorted by key, with short keys, so one page write covers many rows. A span's id
 * never changes when it is replaced, so only new rows need indexing; deletion removes its keys
 * itself (`TraceDeletion`). Readers see every row at once: `OBSERVATION_ROWIDS_BY_ID` scans the
 * rows above the mark.
 */
export class ObservationIdIndexer {
  private readonly pending: Statement;
  private readonly indexRange: Statement;
  private readonly writeMark: Statement;
  private readonly indexBatch: (batchRows: number) => number;

  constructor(db: Database) {
    this.pending = db.prepare(
      `SELECT (SELECT indexed_rowid FROM observation_id_state WHERE id = 1) AS mark, coalesce((SELECT max(rowid) FROM observations), 0) AS last`,
    );
    this.indexRange = db.prepare(
      `INSERT OR IGNORE INTO observation_id_keys (key, row_id)
       SELECT ${idKeySql("id")}, rowid FROM observations WHERE rowid > ? AND rowid <= ? ORDER BY 1, 2`,
    );
    this.writeMark = db.prepare(`UPDATE observation_id_state SET indexed_rowid = ? WHERE id = 1`);
    this.indexBatch = db.transaction((batchRows: number) => this.indexRows(batchRows)).immediate;
  }

  /** Rows written but not yet in the id lookup. */
  backlog(): number {
    const { mark, last } = this.pending.get() as { mark: bigint; last: bigint };
    return Math.max(0, Number(BigInt(last) - BigInt(mark)));
  }

  /** Indexes at most `batchRows` pending rows in one transaction; returns how many. */
  indexOnce(batchRows: number = DEFAULT_ID_INDEX_BATCH_ROWS): number {
    return this.indexBatch(batchRows);
  }

  /** Indexes everything pending now; returns the rows indexed. */
  flush(): number {
    let total = 0;
    for (;;) {
      const done = this.indexBatch(DEFAULT_ID_INDEX_BATCH_ROWS);
      total += done;
      if (done === 0) return total;
    }
  }

  private indexRows(batchRows: number): number {
    const { mark, last } = this.pending.get() as { mark: bigint; last: bigint };
    const from = BigInt(mark);
    const end = BigInt(last);
    if (end <= from) return 0;
    const upTo = end - from > BigInt(batchRows) ? from + BigInt(batchRows) : end;
    this.indexRange.run(from, upTo);
    this.writeMark.run(upTo);
    // Rowids are dense in practice (gaps only where rows were deleted), so the range size is the row count.
    return Number(upTo - from);
  }
}

/**
 * The rowids of a project's observations with this span id: those found through
 * `observation_id_keys` and those written since the indexer last ran (a rowid-range scan of the
 * newest rows, `NOT INDEXED` so the planner never walks a whole-project index instead). One
 * statement, so one snapshot: a row is counted once whether or not the indexer moved its mark
 * meanwhile. Binds `(id, projectId, id)` then `(projectId, id)`.
 */
export const OBSERVATION_ROWIDS_BY_ID = `
  SELECT o.rowid FROM observation_id_keys k
    CROSS JOIN observations o ON o.rowid = k.row_id
    WHERE k.key = (SELECT ${idKeySql("v.id")} FROM (SELECT ? AS id) v) AND o.project_id = ? AND o.id = ?
  UNION
  SELECT t.rowid FROM observations t NOT INDEXED
    WHERE t.rowid > (SELECT indexed_rowid FROM observation_id_state WHERE id = 1) AND t.project_id = ? AND t.id = ?`;

/** Deletes the lookup key of one deleted row. Binds `(id, rowId)`. */
export const DELETE_ID_KEY = `DELETE FROM observation_id_keys WHERE key = (SELECT ${idKeySql("v.id")} FROM (SELECT ? AS id) v) AND row_id = ?`;

/** Lowers the mark to the highest remaining rowid after a deletion (rowids may then be reused). */
export const LOWER_ID_INDEX_MARK = `UPDATE observation_id_state
  SET indexed_rowid = min(indexed_rowid, coalesce((SELECT max(rowid) FROM observations), 0)) WHERE id = 1`;
