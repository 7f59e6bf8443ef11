import type { Database } from "better-sqlite3";
import { SEARCH_SCHEMA } from "./search-schema.js";

/**
 * A transaction that writes the attached search database only. `BEGIN IMMEDIATE` would take the
 * write lock of every attached database, the main one included, and so wait for (and hold up)
 * ingestion; here the transaction is deferred and its first statement is a write to the search
 * database, which takes that database's lock up front (waiting per `busy_timeout` like an
 * immediate transaction). Reads of the main database inside it share one snapshot and lock nothing.
 */
export function searchWrite<A extends unknown[], R>(db: Database, body: (...args: A) => R): (...args: A) => R {
  const lock = db.prepare(`UPDATE ${SEARCH_SCHEMA}.index_state SET indexed_rowid = indexed_rowid WHERE id = 1`);
  return db.transaction((...args: A) => {
    lock.run();
    return body(...args);
  });
}
