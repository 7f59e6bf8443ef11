// PostgreSQL restarted during ingestion, on a private throwaway cluster (never the shared server):
// calls in flight fail with StoreUnavailableError or succeed, the store recovers by itself, and
// every acknowledged batch is there afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { StoreUnavailableError, openPostgresStore } from "@sightline/server";
import type { ObservationRecord, PostgresTraceStore } from "@sightline/server";
import { hexId, observation } from "./support/store-fixtures.js";
import { PrivatePostgres } from "./support/private-postgres.js";

const PROJECT = "project-a";
const binaries = PrivatePostgres.findBinaries();
const skip = binaries === null && process.env["CI"] !== "true" ? "PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin)" : false;

describe("PostgresTraceStore across a database restart", { skip }, () => {
  let cluster: PrivatePostgres;
  let store: PostgresTraceStore;

  before(async () => {
    cluster = await PrivatePostgres.create();
    store = await openPostgresStore({ url: cluster.url, schema: "sightline", connectTimeoutMillis: 1_000 });
    await store.migrate();
    await store.ensureProject({ id: PROJECT, name: "A" });
  });

  after(async () => {
    await store?.close();
    await cluster?.destroy();
  });

  it("rejects with StoreUnavailableError while PostgreSQL restarts, recovers by itself, and keeps every acknowledged batch", async () => {
    const acknowledged: ObservationRecord[][] = [];
    const failures: unknown[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const batch = Array.from({ length: 20 }, () => {
          n++;
          return observation({ id: hexId(n, 16), traceId: hexId(Math.ceil(n / 5), 32) });
        });
        try {
          await store.insertObservations(PROJECT, batch);
          acknowledged.push(batch);
        } catch (error) {
          failures.push(error);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const writers = [writer(), writer(), writer()];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = acknowledged.length;
    await cluster.restart();
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(writers);

    assert.ok(before > 0, "batches were acknowledged before the restart");
    assert.ok(failures.length > 0, "calls failed while the database was down");
    assert.ok(acknowledged.length > before, "and after it: the store recovered by itself");
    for (const failure of failures) assert.ok(failure instanceof StoreUnavailableError, `unexpected failure: ${String(failure)}`);
    const stored = new Set<string>();
    for (let page = 1; ; page++) {
      const listed = await store.listObservations(PROJECT, { page, limit: 1000 });
      for (const o of listed.data) stored.add(o.id);
      if (page >= listed.meta.totalPages) break;
    }
    const missing = acknowledged.flat().filter((o) => !stored.has(o.id));
    assert.deepEqual(missing.map((o) => o.id), [], "every acknowledged observation survived the restart");
  });
});
