// Per-project retention: the server default (SIGHTLINE_RETENTION_DAYS), the per-project override
// (PUT /api/ui/projects/{id}/retention), the scheduler started and stopped with the server.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RetentionScheduler, resolveServerConfig, silentServerLogger, startServer } from "@sightline/server";
import type { RunningServer, ServerConfigInput, TraceStore } from "@sightline/server";
import { hexId, observation } from "./support/store-fixtures.js";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function start(input: ServerConfigInput = {}, env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "sightline-retention-"));
  dirs.push(dir);
  return startServer(resolveServerConfig({ port: 0, dataDir: dir, ingestWorkers: 0, ...input }, env), { logger: silentServerLogger });
}

const NS_PER_MS = 1_000_000n;
const HOUR_MS = 3_600_000;

/** Stores one trace per age (hours before now) in the project; returns their ids by age. */
async function tracesAged(store: TraceStore, projectId: string, hoursAgo: readonly number[]): Promise<string[]> {
  const now = Date.now();
  const records = hoursAgo.map((hours, i) =>
    observation({ id: hexId(i + 1, 16), traceId: hexId(i + 1, 32), startTimeNs: BigInt(now - hours * HOUR_MS) * NS_PER_MS }),
  );
  await store.insertObservations(projectId, records);
  return records.map((r) => r.traceId);
}

async function ids(store: TraceStore, projectId: string): Promise<string[]> {
  return (await store.listTraces(projectId, { page: 1, limit: 50 })).data.map((t) => t.id).sort();
}

describe("retention", () => {
  it("with SIGHTLINE_RETENTION_DAYS=1, a run deletes traces older than a day and keeps newer ones; close stops the timer", async () => {
    const server = await start({}, { SIGHTLINE_RETENTION_DAYS: "1" });
    const projectId = server.project.id;
    const shown = (await (await fetch(`${server.url}/api/ui/projects/${projectId}/retention`)).json()) as { serverDefaultDays: number | null };
    assert.equal(shown.serverDefaultDays, 1, "the UI sees the server-wide default");
    const [old, older, fresh] = await tracesAged(server.store, projectId, [25, 24 * 30, 23]);
    assert.ok(server.retention.isScheduled(), "the first run is scheduled at start");
    assert.equal(await server.retention.runNow(), 2);
    assert.deepEqual(await ids(server.store, projectId), [fresh]);
    assert.equal(await server.store.getTrace(projectId, old!), null);
    assert.equal(await server.store.getTrace(projectId, older!), null);
    await server.close();
    assert.equal(server.retention.isScheduled(), false, "the timer is stopped at close");
  });

  it("keeps everything without a default, and a project's own setting overrides the default", async () => {
    const server = await start();
    const projectId = server.project.id;
    await server.store.ensureProject({ id: "other", name: "Other" });
    const [, fresh] = await tracesAged(server.store, projectId, [24 * 3, 1]);
    const otherTraces = await tracesAged(server.store, "other", [24 * 3, 1]);
    assert.equal(await server.retention.runNow(), 0, "unset keeps forever");

    const put = (body: unknown) =>
      fetch(`${server.url}/api/ui/projects/${projectId}/retention`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    assert.equal((await put({ retentionDays: 0 })).status, 400);
    assert.equal((await put({ retentionDays: "2" })).status, 400);
    const res = await put({ retentionDays: 2 });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { projectId, retentionDays: 2 });
    const shown = await fetch(`${server.url}/api/ui/projects/${projectId}/retention`);
    assert.deepEqual(await shown.json(), { projectId, retentionDays: 2, serverDefaultDays: null, maxDays: 36_500 }, "GET shows the setting and the default");
    assert.equal(
      (await fetch(`${server.url}/api/ui/projects/nope/retention`, { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" })).status,
      404,
    );
    assert.deepEqual(
      (await server.store.listProjectRetention()).map((p) => [p.projectId, p.retentionDays]).sort(),
      [[projectId, 2], ["other", null]].sort(),
    );

    assert.equal(await server.retention.runNow(), 1);
    assert.deepEqual(await ids(server.store, projectId), [fresh]);
    assert.deepEqual(await ids(server.store, "other"), [...otherTraces].sort(), "a project without a setting follows the (unset) default");
    assert.equal((await put({ retentionDays: null })).status, 200);
    assert.equal((await server.store.listProjectRetention()).find((p) => p.projectId === projectId)?.retentionDays, null);
    await server.close();
  });

  it("logs a failing run instead of throwing, and never runs twice at once", async () => {
    const warnings: string[] = [];
    let calls = 0;
    const store = {
      listProjectRetention: async () => [{ projectId: "p", retentionDays: 1 }, { projectId: "q", retentionDays: 1 }],
      deleteTracesOlderThan: async (projectId: string) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (projectId === "p") throw new Error("database is down");
        return 3;
      },
    } as unknown as TraceStore;
    const scheduler = new RetentionScheduler({ store, defaultDays: undefined, logger: { ...silentServerLogger, warn: (m: string) => warnings.push(m) } });
    const [a, b] = await Promise.all([scheduler.runNow(), scheduler.runNow()]);
    assert.equal(a, 3);
    assert.equal(b, 3, "the second call joined the first run");
    assert.equal(calls, 2, "each project once");
    assert.match(warnings.join("\n"), /project p.*database is down/);
    await scheduler.stop();
  });
});
