import type { Database } from "better-sqlite3";
import { FtsIndexer } from "./fts-indexer.js";
import type { FtsIndexerOptions } from "./fts-indexer.js";
import { SearchPurge } from "./search-purge.js";

/**
 * Everything that keeps the search database in step with the main one: purging deleted rows, then
 * indexing new and replaced rows. `db` is a connection to the main database with the search
 * database attached. Runs on the store's background thread, or on a timer of the store's own
 * thread; the store's thread also uses one to flush, and to catch up before a search.
 */
export class SearchMaintenance {
  readonly fts: FtsIndexer;
  private readonly purge: SearchPurge;

  constructor(db: Database, options: FtsIndexerOptions = {}) {
    this.fts = new FtsIndexer(db, options);
    this.purge = new SearchPurge(db);
  }

  /** Purges deleted rows, then indexes until nothing is left or `sliceMillis` have passed. Returns true when work remains. */
  step(sliceMillis: number): boolean {
    const deadline = performance.now() + sliceMillis;
    const purged = this.purge.purgeOnce();
    for (;;) {
      if (this.fts.indexOnce() === 0) return purged > 0;
      if (performance.now() >= deadline) return true;
    }
  }

  /** Brings everything up to date now. */
  flush(): void {
    this.purge.flush();
    this.fts.flush();
  }
}
