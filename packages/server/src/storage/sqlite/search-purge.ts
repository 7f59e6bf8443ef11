import type { Database, Statement } from "better-sqlite3";
import { SEARCH_SCHEMA } from "./search-schema.js";
import { searchWrite } from "./search-write.js";

/** Deleted rows purged from the search database per transaction. */
export const PURGE_BATCH_ROWS = 4_096;

/**
 * Removes deleted observations from the search database. A deletion (`TraceDeletion`) records each
 * deleted row in `search_purge` in its own transaction on the main database; this removes the
 * row from the full-text index, then the purge rows. Until then a search or an id lookup may find
 * a deleted rowid, which reads no row (rowids are never reused), so nothing deleted is ever shown;
 * a purge interrupted by a crash is simply done again. `db` is a connection to the main database
 * with the search database attached.
 */
export class SearchPurge {
  private readonly pending: Statement;
  private readonly deleteText: Statement;
  private readonly done: Statement;
  private readonly purge: (rowIds: readonly bigint[]) => void;
  private readonly forget: (rowIds: readonly bigint[]) => void;

  constructor(db: Database) {
    this.pending = db.prepare(`SELECT row_id FROM main.search_purge ORDER BY row_id LIMIT ?`).pluck();
    this.deleteText = db.prepare(`DELETE FROM ${SEARCH_SCHEMA}.observations_fts WHERE rowid = ?`);
    this.done = db.prepare(`DELETE FROM main.search_purge WHERE row_id = ?`);
    this.purge = searchWrite(db, (rowIds: readonly bigint[]) => {
      for (const rowId of rowIds) this.deleteText.run(rowId);
    });
    this.forget = db.transaction((rowIds: readonly bigint[]) => {
      for (const rowId of rowIds) this.done.run(rowId);
    }).immediate;
  }

  /** Purges one batch; returns how many rows it purged. */
  purgeOnce(): number {
    const rowIds = this.pending.all(PURGE_BATCH_ROWS) as bigint[];
    if (rowIds.length === 0) return 0;
    this.purge(rowIds);
    this.forget(rowIds);
    return rowIds.length;
  }

  /** Purges everything recorded now. */
  flush(): number {
    let total = 0;
    for (let done = this.purgeOnce(); done > 0; done = this.purgeOnce()) total += done;
    return total;
  }
}
