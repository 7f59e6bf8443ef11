// The SQLite WAL under sustained ingestion. SQLite starts the WAL over only when a write begins with
// every page of it copied into the database; the background thread's WalCheckpointer makes that
// happen (its last round under the write lock), so the WAL file stays near the restart size instead
// of growing to the autocheckpoint backstop (400 MiB), whose checkpoint inside a commit stalled
// ingestion for 140–230 ms. The WAL file is reused from its start, not truncated: its size is the
// largest the WAL has been.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { WAL_RESTART_LOCK_WAIT_MILLIS, WalCheckpointer, openSqliteStore } from "@sightline/server";
import { hexId, observation } from "./support/store-fixtures.js";

const MIB = 1024 * 1024;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(os.tmpdir(), "sightline-wal-"));
  dirs.push(dir);
  return join(dir, "test.db");
}

/** A WAL-mode database with a table, and its writer connection (autocheckpoint off, as the store's backstop is far away). */
function walDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
  return db;
}

const writePages = (db: Database.Database, rows: number) => {
  const insert = db.prepare("INSERT INTO t (body) VALUES (?)");
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run("x".repeat(3_000));
  })();
};
const walPages = (db: Database.Database) => Number((db.pragma("wal_checkpoint(PASSIVE)") as Array<{ log: number }>)[0]?.log);

describe("WalCheckpointer", () => {
  it("below the restart size only copies; past it, it copies all under the write lock, and the next write starts the WAL over", () => {
    const file = tempFile();
    const writer = walDatabase(file);
    const checkpointer = new WalCheckpointer(new Database(file), new Database(file), 100);
    writePages(writer, 20);
    const small = checkpointer.checkpoint();
    assert.equal(small.restartable, false);
    assert.ok(small.walPages > 0 && small.walPages <= 100, String(small.walPages));

    writePages(writer, 400);
    const large = checkpointer.checkpoint();
    assert.ok(large.walPages > 100, String(large.walPages));
    assert.equal(large.restartable, true);
    writePages(writer, 1);
    assert.ok(walPages(writer) < 10, "the WAL started over");
    assert.equal(writer.prepare("SELECT count(*) FROM t").pluck().get(), 421);
  });

  it("leaves the restart to its next turn when another connection holds the write lock, without failing or blocking it", () => {
    const file = tempFile();
    const writer = walDatabase(file);
    const checkpointer = new WalCheckpointer(new Database(file), new Database(file), 10);
    writePages(writer, 100);
    writer.exec("BEGIN IMMEDIATE");
    const started = performance.now();
    const result = checkpointer.checkpoint();
    assert.equal(result.restartable, false);
    assert.ok(performance.now() - started >= WAL_RESTART_LOCK_WAIT_MILLIS * 0.8, "it waited for the lock");
    writer.prepare("INSERT INTO t (body) VALUES ('during')").run();
    writer.exec("COMMIT");
    assert.equal(checkpointer.checkpoint().restartable, true, "free again: the next turn restarts");
    assert.equal(writer.prepare("SELECT count(*) FROM t").pluck().get(), 101);
  });
});

describe("SQLite store WAL under sustained ingestion", () => {
  const BATCHES = 100;
  const ROWS_PER_BATCH = 512;
  const TEXT = "lorem ipsum dolor sit amet ".repeat(20);

  /** Writes the batches back to back, as saturated ingestion does; the WAL file's final size and the rows stored. */
  async function sustainedWrites(walRestartPages: number) {
    const file = tempFile();
    const store = await openSqliteStore({ file, backgroundThread: true, checkpointIntervalMillis: 20, walRestartPages });
    try {
      await store.migrate();
      await store.ensureProject({ id: "p", name: "P" });
      for (let batch = 0; batch < BATCHES; batch++) {
        const records = Array.from({ length: ROWS_PER_BATCH }, (_, i) => {
          const n = batch * ROWS_PER_BATCH + i;
          return observation({ id: hexId(n, 16), traceId: hexId(Math.floor(n / 8), 32), input: { text: `${n} ${TEXT}` }, output: TEXT });
        });
        await store.insertObservations("p", records);
      }
      const rows = (await store.listObservations("p", { page: 1, limit: 1 })).meta.totalItems;
      return { wal: statSync(`${file}-wal`).size, rows };
    } finally {
      await store.close();
    }
  }

  it("keeps the WAL well below what a store that never restarts it reaches, and loses nothing", async () => {
    const restarting = await sustainedWrites(128);
    const never = await sustainedWrites(Number.MAX_SAFE_INTEGER);
    assert.equal(restarting.rows, BATCHES * ROWS_PER_BATCH);
    assert.equal(never.rows, BATCHES * ROWS_PER_BATCH);
    const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
    assert.ok(restarting.wal < never.wal * 0.9, `restarting: ${mib(restarting.wal)}; never restarting: ${mib(never.wal)}`);
  });
});
