import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TraceStore } from "@sightline/server";
import { BASE_NS, hexId, observation } from "../store-fixtures.js";
import { OTHER_PROJECT, PROJECT, withProjects } from "./with-store.js";

const SECOND = 1_000_000_000n;
const DAY = 86_400n * SECOND;

/** A trace of two observations (a root and a generation child) with searchable output. */
function trace(n: number, options: { userId: string; sessionId?: string; startNs?: bigint; tags?: string[]; word?: string }) {
  const start = options.startNs ?? BASE_NS + BigInt(n) * SECOND;
  const traceId = hexId(n, 32);
  return [
    observation({
      id: hexId(n * 10, 16),
      traceId,
      startTimeNs: start,
      endTimeNs: start + 500_000_000n,
      output: `answer ${options.word ?? "plain"}`,
      usageDetails: { total: n },
      costDetails: { total: n / 100 },
      trace: { userId: options.userId, ...(options.sessionId !== undefined ? { sessionId: options.sessionId } : {}), ...(options.tags !== undefined ? { tags: options.tags } : {}) },
    }),
    observation({ id: hexId(n * 10 + 1, 16), traceId, parentObservationId: hexId(n * 10, 16), type: "GENERATION", level: "ERROR", startTimeNs: start + 1n }),
  ];
}

async function traceIds(store: TraceStore, projectId: string, extra: { search?: string; tags?: string[]; level?: "ERROR" } = {}): Promise<string[]> {
  const page = await store.listTraces(projectId, { page: 1, limit: 50, ...extra });
  assert.equal(page.meta.totalItems, page.data.length, "the count agrees with the rows");
  return page.data.map((t) => t.id);
}

async function observationCount(store: TraceStore, projectId: string, extra: { type?: "GENERATION"; level?: "ERROR" } = {}): Promise<number> {
  const page = await store.listObservations(projectId, { page: 1, limit: 100, ...extra });
  assert.equal(page.meta.totalItems, page.data.length, "the count agrees with the rows");
  return page.meta.totalItems;
}

/** Deleting a trace, a session, and retention by cutoff. */
export function describeDeletionContract(open: () => Promise<TraceStore>): void {
  describe("deletion and retention", () => {
    it("deletes a trace from every listing, search, count and session and user aggregate", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, [
          ...trace(1, { userId: "alice", sessionId: "chat", tags: ["keep"], word: "zebra" }),
          ...trace(2, { userId: "alice", sessionId: "chat", tags: ["gone", "keep"], word: "giraffe" }),
        ]);
        await store.insertObservations(OTHER_PROJECT, trace(2, { userId: "alice", sessionId: "chat", tags: ["gone"], word: "giraffe" }));
        assert.deepEqual(await traceIds(store, PROJECT, { search: "giraffe" }), [hexId(2, 32)], "indexed before the deletion");

        assert.equal(await store.deleteTrace(PROJECT, hexId(2, 32)), true);
        assert.equal(await store.deleteTrace(PROJECT, hexId(2, 32)), false, "already gone");
        assert.equal(await store.deleteTrace(PROJECT, hexId(99, 32)), false, "never existed");

        assert.equal(await store.getTrace(PROJECT, hexId(2, 32)), null);
        assert.deepEqual(await store.getTraceObservations(PROJECT, hexId(2, 32)), []);
        assert.equal(await store.getObservation(PROJECT, hexId(20, 16)), null);
        assert.deepEqual(await traceIds(store, PROJECT), [hexId(1, 32)]);
        assert.deepEqual(await traceIds(store, PROJECT, { search: "giraffe" }), []);
        assert.deepEqual(await traceIds(store, PROJECT, { search: "zebra" }), [hexId(1, 32)]);
        assert.deepEqual(await traceIds(store, PROJECT, { tags: ["gone"] }), []);
        assert.deepEqual(await traceIds(store, PROJECT, { tags: ["keep"] }), [hexId(1, 32)]);
        assert.deepEqual(await traceIds(store, PROJECT, { level: "ERROR" }), [hexId(1, 32)]);
        assert.equal(await observationCount(store, PROJECT), 2);
        assert.equal(await observationCount(store, PROJECT, { type: "GENERATION" }), 1);
        assert.equal(await observationCount(store, PROJECT, { level: "ERROR" }), 1);

        const session = await store.getSession(PROJECT, "chat");
        assert.equal(session?.session.traceCount, 1);
        assert.equal(session?.session.totalTokens, 1);
        assert.equal(session?.session.lastTraceEndNs, BASE_NS + SECOND + 500_000_000n, "the last time re-read from the remaining trace");
        assert.deepEqual(session?.traces.map((t) => t.id), [hexId(1, 32)]);
        const users = await store.listUsers(PROJECT, { page: 1, limit: 10 });
        assert.deepEqual(users.data.map((u) => [u.id, u.traceCount, u.sessionCount, u.totalTokens, u.lastSeenNs]), [
          ["alice", 1, 1, 1, BASE_NS + SECOND + 500_000_000n],
        ]);

        assert.deepEqual(await traceIds(store, OTHER_PROJECT, { search: "giraffe" }), [hexId(2, 32)], "the other project keeps its trace of the same id");
        assert.equal(await observationCount(store, OTHER_PROJECT), 2);
      }));

    it("keeps a store that lost its newest rows indexing new ones", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, trace(1, { userId: "alice", word: "zebra" }));
        assert.deepEqual(await traceIds(store, PROJECT, { search: "zebra" }), [hexId(1, 32)]);
        await store.deleteTrace(PROJECT, hexId(1, 32));
        await store.insertObservations(PROJECT, trace(2, { userId: "alice", word: "okapi" }));
        assert.deepEqual(await traceIds(store, PROJECT, { search: "okapi" }), [hexId(2, 32)]);
        assert.deepEqual(await traceIds(store, PROJECT, { search: "zebra" }), []);
      }));

    it("deletes a session with all its traces, leaving the user's other traces", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, [
          ...trace(1, { userId: "alice", sessionId: "chat" }),
          ...trace(2, { userId: "bob", sessionId: "chat" }),
          ...trace(3, { userId: "alice", sessionId: "other" }),
        ]);
        await store.insertObservations(OTHER_PROJECT, trace(1, { userId: "alice", sessionId: "chat" }));
        assert.equal(await store.deleteSession(PROJECT, "chat"), 2);
        assert.equal(await store.deleteSession(PROJECT, "chat"), 0, "nothing left");
        assert.equal(await store.getSession(PROJECT, "chat"), null);
        assert.deepEqual((await store.listSessions(PROJECT, { page: 1, limit: 10 })).data.map((s) => s.id), ["other"]);
        const users = await store.listUsers(PROJECT, { page: 1, limit: 10 });
        assert.deepEqual(users.data.map((u) => [u.id, u.traceCount, u.sessionCount]), [["alice", 1, 1]], "bob had no other trace");
        assert.deepEqual(await traceIds(store, PROJECT), [hexId(3, 32)]);
        assert.equal((await store.getSession(OTHER_PROJECT, "chat"))?.session.traceCount, 1, "the other project's session stays");
      }));

    it("deletes by retention cutoff the traces that started before it, in chunks, and keeps newer ones", () =>
      withProjects(open, async (store) => {
        const old = Array.from({ length: 520 }, (_, i) => trace(i + 1, { userId: "alice", sessionId: "old", startNs: BASE_NS - 10n * DAY + BigInt(i) * SECOND }));
        for (let i = 0; i < old.length; i += 100) await store.insertObservations(PROJECT, old.slice(i, i + 100).flat());
        await store.insertObservations(PROJECT, trace(1000, { userId: "alice", sessionId: "new", startNs: BASE_NS, word: "fresh" }));
        await store.insertObservations(OTHER_PROJECT, trace(1, { userId: "alice", startNs: BASE_NS - 10n * DAY }));

        assert.equal(await store.deleteTracesOlderThan(PROJECT, BASE_NS - DAY), 520);
        assert.equal(await store.deleteTracesOlderThan(PROJECT, BASE_NS - DAY), 0, "a second run finds nothing");
        assert.deepEqual(await traceIds(store, PROJECT), [hexId(1000, 32)]);
        assert.deepEqual(await traceIds(store, PROJECT, { search: "fresh" }), [hexId(1000, 32)]);
        assert.equal(await observationCount(store, PROJECT), 2);
        assert.deepEqual((await store.listSessions(PROJECT, { page: 1, limit: 10 })).data.map((s) => [s.id, s.traceCount]), [["new", 1]]);
        const users = await store.listUsers(PROJECT, { page: 1, limit: 10 });
        assert.deepEqual(users.data.map((u) => [u.id, u.traceCount, u.sessionCount, u.firstSeenNs]), [["alice", 1, 1, BASE_NS]]);
        assert.deepEqual(await traceIds(store, OTHER_PROJECT), [hexId(1, 32)], "another project's old trace is not this project's retention");
      }));
  });
}
