import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TraceStore } from "@sightline/server";
import { realisticTrace, seededRandom } from "../store-fixtures.js";
import { OTHER_PROJECT, PROJECT, withProjects } from "./with-store.js";

/** Nothing of one project is visible through another. */
export function describeIsolationContract(open: () => Promise<TraceStore>): void {
  describe("project isolation", () => {
    it("never shows another project's traces, observations, sessions, users or search hits", () =>
      withProjects(open, async (store) => {
        const random = seededRandom(3);
        const traceId = "c".repeat(32);
        const records = realisticTrace(random, { traceId, size: 12, userId: "alice", sessionId: "s1", tags: ["secret"], marker: "classified" });
        await store.insertObservations(OTHER_PROJECT, records);
        assert.equal(await store.getTrace(PROJECT, traceId), null);
        assert.deepEqual(await store.getTraceObservations(PROJECT, traceId), []);
        assert.equal(await store.getObservation(PROJECT, records[0]?.id ?? ""), null);
        const empty = { page: 1, limit: 10 };
        assert.equal((await store.listTraces(PROJECT, empty)).meta.totalItems, 0);
        assert.equal((await store.listTraces(PROJECT, { ...empty, tags: ["secret"] })).meta.totalItems, 0);
        assert.equal((await store.listTraces(PROJECT, { ...empty, search: "classified" })).meta.totalItems, 0);
        assert.equal((await store.listObservations(PROJECT, { ...empty, traceId })).meta.totalItems, 0);
        assert.equal((await store.listSessions(PROJECT, empty)).meta.totalItems, 0);
        assert.equal(await store.getSession(PROJECT, "s1"), null);
        assert.equal((await store.listUsers(PROJECT, empty)).meta.totalItems, 0);
        assert.equal((await store.listTraces(OTHER_PROJECT, { ...empty, search: "classified" })).meta.totalItems, 1);
      }));

    it("keeps the same trace and span ids apart in two projects", () =>
      withProjects(open, async (store) => {
        const traceId = "d".repeat(32);
        const records = realisticTrace(seededRandom(4), { traceId, size: 5, userId: "alice" });
        await store.insertObservations(PROJECT, records);
        await store.insertObservations(OTHER_PROJECT, records.slice(0, 2));
        assert.equal((await store.getTrace(PROJECT, traceId))?.observationCount, 5);
        assert.equal((await store.getTrace(OTHER_PROJECT, traceId))?.observationCount, 2);
        assert.equal((await store.getObservation(OTHER_PROJECT, records[0]?.id ?? ""))?.projectId, OTHER_PROJECT);
      }));
  });
}
