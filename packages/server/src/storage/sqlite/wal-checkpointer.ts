import type Database from "better-sqlite3";

/** The WAL size, in pages, past which a checkpoint also lets the writer start the WAL over: 64 MiB of 8 KiB pages. */
export const DEFAULT_WAL_RESTART_PAGES = 8_192;

/**
 * PASSIVE rounds before the locked one, at most: each copies what the writer appended during the
 * round before, so the last, locked round has little left to copy. Six instead of three: the
 * locked round (which the writer waits for) took 11-13 ms instead of 18-22 ms at the median and the
 * c=1 p99 acknowledgement latency went from 42-51 to 35-36 ms (three alternating 15 s runs each);
 * at c=4 the same throughput, p99 118-165 ms against 138-221.
 */
const CATCH_UP_ROUNDS = 6;

/** How long the checkpointer waits for the write lock before it leaves the restart to its next turn. */
export const WAL_RESTART_LOCK_WAIT_MILLIS = 50;

/** What a checkpoint did. */
export interface CheckpointResult {
  /** Pages in the WAL when the checkpoint began. */
  walPages: number;
  /** Whether it copied the whole WAL while holding the write lock, so that the next write starts the WAL over. */
  restartable: boolean;
}

/**
 * Checkpoints the main database's WAL from the background thread (PASSIVE: the writer never waits
 * for the copying) and keeps the WAL from growing without bound under sustained ingestion.
 *
 * SQLite starts the WAL over only when a write transaction begins while every page of the WAL has
 * been copied into the database. A PASSIVE checkpoint copies the pages the WAL holds when it begins,
 * and under sustained ingestion the writer appends more meanwhile, so that moment never comes: the
 * WAL grew to the writer's autocheckpoint backstop (400 MiB), whose checkpoint runs inside a commit
 * and stalled ingestion for 140–230 ms every few seconds (measured with 512-span requests at c=1).
 *
 * Past `restartPages`, the checkpointer catches up in a few PASSIVE rounds (each copies only what
 * was appended during the round before), then holds the write lock on a connection of its own
 * (`BEGIN IMMEDIATE`, waiting at most `WAL_RESTART_LOCK_WAIT_MILLIS`, else it tries again next time;
 * the wait holds up no one)
 * for one last round: with nothing appended meanwhile the whole WAL is copied, and the next write
 * transaction starts the WAL over. The writer waits only for that last round (with 512-span
 * requests at c=1: 11-13 ms at the median, 26-45 ms at most, every 1-1.5 s).
 */
export class WalCheckpointer {
  /**
   * @param db the background thread's connection to the main database
   * @param lock another connection to it, used only to hold the write lock; its busy timeout is set here
   * @param restartPages the WAL size past which a checkpoint makes the WAL restartable
   */
  constructor(
    private readonly db: Database.Database,
    private readonly lock: Database.Database,
    private readonly restartPages: number = DEFAULT_WAL_RESTART_PAGES,
  ) {
    lock.pragma(`busy_timeout = ${WAL_RESTART_LOCK_WAIT_MILLIS}`);
  }

  /**
   * The WAL size when the last checkpoint made it restartable. Until the next write starts the WAL
   * over, it keeps that size: an idle server then skips the rounds and the lock (nothing to copy).
   */
  private restartableAt = -1;

  /** One checkpoint (see the class). */
  checkpoint(): CheckpointResult {
    const walPages = this.passive();
    if (walPages <= this.restartPages) return { walPages, restartable: false };
    if (walPages === this.restartableAt) return { walPages, restartable: true };
    // Rounds stop early once one finds nothing appended since the round before (ingestion paused).
    let seen = walPages;
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const pages = this.passive();
      if (pages === seen) break;
      seen = pages;
    }
    if (!this.tryLock()) return { walPages, restartable: false };
    try {
      this.restartableAt = this.passive();
    } finally {
      this.lock.exec("ROLLBACK");
    }
    return { walPages, restartable: true };
  }

  /** A PASSIVE checkpoint of the main database; the WAL's size in pages when it began. */
  private passive(): number {
    const [result] = this.db.pragma("main.wal_checkpoint(PASSIVE)") as Array<{ log: number | bigint }>;
    return Number(result?.log ?? 0);
  }

  private tryLock(): boolean {
    try {
      this.lock.exec("BEGIN IMMEDIATE");
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === "SQLITE_BUSY") return false;
      throw error;
    }
  }
}
