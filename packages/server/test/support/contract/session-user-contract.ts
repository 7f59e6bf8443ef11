import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TraceStore } from "@sightline/server";
import { BASE_NS, hexId, observation } from "../store-fixtures.js";
import { PROJECT, withProjects } from "./with-store.js";

const SECOND = 1_000_000_000n;

/** Four traces: alice in chat-1 (twice) and chat-2, bob in chat-1; one trace without session. */
function conversations() {
  const trace = (n: number, userId: string, sessionId: string | undefined, tokens: number, cost: number) =>
    observation({
      id: hexId(n, 16),
      traceId: hexId(n, 32),
      startTimeNs: BASE_NS + BigInt(n) * SECOND,
      endTimeNs: BASE_NS + BigInt(n) * SECOND + 500_000_000n,
      environment: n === 1 ? "production" : "staging",
      usageDetails: { total: tokens },
      costDetails: { total: cost },
      trace: { userId, ...(sessionId !== undefined ? { sessionId } : {}) },
    });
  return [trace(1, "alice", "chat-1", 10, 0.01), trace(2, "bob", "chat-1", 20, 0.02), trace(3, "alice", "chat-2", 5, 0.5), trace(4, "alice", undefined, 1, 0.25)];
}

/** Sessions and users. */
export function describeSessionUserContract(open: () => Promise<TraceStore>): void {
  describe("sessions and users", () => {
    it("groups traces into sessions with their users, counts, times, tokens and cost, newest first", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, conversations());
        const page = await store.listSessions(PROJECT, { page: 1, limit: 10 });
        assert.deepEqual(page.meta, { page: 1, limit: 10, totalItems: 2, totalPages: 1 });
        assert.deepEqual(page.data, [
          {
            id: "chat-2",
            projectId: PROJECT,
            userIds: ["alice"],
            traceCount: 1,
            firstTraceStartNs: BASE_NS + 3n * SECOND,
            lastTraceEndNs: BASE_NS + 3n * SECOND + 500_000_000n,
            totalTokens: 5,
            totalCost: 0.5,
            environment: "staging",
          },
          {
            id: "chat-1",
            projectId: PROJECT,
            userIds: ["alice", "bob"],
            traceCount: 2,
            firstTraceStartNs: BASE_NS + SECOND,
            lastTraceEndNs: BASE_NS + 2n * SECOND + 500_000_000n,
            totalTokens: 30,
            totalCost: 0.03,
            environment: "production",
          },
        ]);
        assert.deepEqual((await store.listSessions(PROJECT, { page: 1, limit: 10, userId: "bob" })).data.map((s) => s.id), ["chat-1"]);
        assert.deepEqual(
          (await store.listSessions(PROJECT, { page: 1, limit: 10, fromStartTimeNs: BASE_NS + 2n * SECOND })).data.map((s) => s.id),
          ["chat-2"],
        );
        const second = await store.listSessions(PROJECT, { page: 2, limit: 1 });
        assert.deepEqual(second.meta, { page: 2, limit: 1, totalItems: 2, totalPages: 2 });
        assert.equal(second.data[0]?.id, "chat-1");
      }));

    it("returns a session with its traces in conversation order, and null for an unknown one", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, conversations());
        const found = await store.getSession(PROJECT, "chat-1");
        assert.equal(found?.session.traceCount, 2);
        assert.deepEqual(found?.traces.map((t) => t.id), [hexId(1, 32), hexId(2, 32)]);
        assert.equal(await store.getSession(PROJECT, "nope"), null);
      }));

    it("lists users with trace and session counts, tokens, cost and first/last seen, most recent first", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, conversations());
        const page = await store.listUsers(PROJECT, { page: 1, limit: 10 });
        assert.deepEqual(page.data, [
          {
            id: "alice",
            projectId: PROJECT,
            traceCount: 3,
            sessionCount: 2,
            totalTokens: 16,
            totalCost: 0.76,
            firstSeenNs: BASE_NS + SECOND,
            lastSeenNs: BASE_NS + 4n * SECOND + 500_000_000n,
          },
          {
            id: "bob",
            projectId: PROJECT,
            traceCount: 1,
            sessionCount: 1,
            totalTokens: 20,
            totalCost: 0.02,
            firstSeenNs: BASE_NS + 2n * SECOND,
            lastSeenNs: BASE_NS + 2n * SECOND + 500_000_000n,
          },
        ]);
        assert.deepEqual((await store.listUsers(PROJECT, { page: 1, limit: 10, userId: "bob" })).data.map((u) => u.id), ["bob"]);
        assert.equal((await store.listUsers(PROJECT, { page: 1, limit: 1 })).meta.totalPages, 2);
      }));

    it("moves a trace between sessions and users when an earlier span names others", () =>
      withProjects(open, async (store) => {
        const traceId = hexId(9, 32);
        await store.insertObservations(PROJECT, [
          observation({ id: hexId(91, 16), traceId, parentObservationId: hexId(90, 16), startTimeNs: BASE_NS + 10n, trace: { userId: "carol", sessionId: "late" } }),
        ]);
        assert.deepEqual((await store.listSessions(PROJECT, { page: 1, limit: 10 })).data.map((s) => s.id), ["late"]);
        await store.insertObservations(PROJECT, [
          observation({ id: hexId(90, 16), traceId, startTimeNs: BASE_NS, trace: { userId: "dave", sessionId: "early" } }),
        ]);
        const sessions = (await store.listSessions(PROJECT, { page: 1, limit: 10 })).data;
        assert.deepEqual(sessions.map((s) => [s.id, s.userIds, s.traceCount]), [["early", ["dave"], 1]]);
        const users = (await store.listUsers(PROJECT, { page: 1, limit: 10 })).data;
        assert.deepEqual(users.map((u) => [u.id, u.traceCount, u.sessionCount]), [["dave", 1, 1]]);
      }));
  });
}
