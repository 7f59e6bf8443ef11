import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { openSqliteStore } from "@sightline/server";

const CHILD = new URL("./support/durability-child.mjs", import.meta.url).pathname;
const BATCH = 100;

/** Runs the child until it has acknowledged `batches` batches, SIGKILLs it on that line, returns the last acknowledged batch. */
function insertThenKill(file: string, batches: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, file, String(BATCH)], { stdio: ["ignore", "pipe", "pipe"] });
    let acknowledged = -1;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = /^ok (\d+)$/.exec(line);
      if (match === null) return;
      acknowledged = Number(match[1]);
      if (acknowledged + 1 >= batches) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      if (signal === "SIGKILL" && acknowledged >= 0) resolve(acknowledged);
      else reject(new Error(`child ended without being killed (signal ${signal}): ${stderr}`));
    });
  });
}

describe("SQLite durability", () => {
  it("keeps every acknowledged observation when the process is killed with SIGKILL right after the acknowledgement", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sightline-durable-"));
    try {
      const file = join(dir, "sightline.db");
      const lastAcknowledged = await insertThenKill(file, 8);
      const store = await openSqliteStore({ file });
      try {
        const page = await store.listObservations("durable", { page: 1, limit: 1 });
        assert.ok(page.meta.totalItems >= (lastAcknowledged + 1) * BATCH, `${page.meta.totalItems} rows after ${lastAcknowledged + 1} acknowledged batches`);
        assert.equal(page.meta.totalItems % BATCH, 0, "a batch is all or nothing");
        for (let batch = 0; batch <= lastAcknowledged; batch++) {
          const trace = await store.getTrace("durable", batch.toString(16).padStart(32, "0"));
          assert.equal(trace?.observationCount, BATCH, `batch ${batch}`);
          assert.equal(trace?.totalTokens, BATCH);
        }
        const found = await store.listTraces("durable", { page: 1, limit: 1, search: "x".repeat(500) });
        assert.ok(found.meta.totalItems >= lastAcknowledged + 1, "rows not yet indexed at the kill are indexed after restart");
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
