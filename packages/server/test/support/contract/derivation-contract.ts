import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LevelName, ObservationQuery, ObservationRecord, ObservationTypeName, TraceStore } from "@sightline/server";
import { BASE_NS, observation, randomBatches, realisticTrace, seededRandom, shuffled, withoutWriteTimes } from "../store-fixtures.js";
import { PROJECT, withProjects } from "./with-store.js";

const T = "0af7651916cd43dd8448eb211c80319c";
const ROOT = "b7ad6b7169203331";
const CHILD_1 = "00f067aa0ba902b7";
const CHILD_2 = "53995c3f42cd8ad8";

const LEVELS: LevelName[] = ["DEBUG", "DEFAULT", "WARNING", "ERROR"];
const TYPES: ObservationTypeName[] = ["SPAN", "GENERATION", "AGENT", "TOOL", "EVENT"];

/** The small hand-checked trace of the derivation tests. */
function smallTrace(): ObservationRecord[] {
  return [
    observation({
      id: ROOT,
      traceId: T,
      name: "root-span",
      type: "AGENT",
      startTimeNs: BASE_NS,
      endTimeNs: BASE_NS + 100n,
      environment: "production",
      input: { q: "hi" },
      output: "bye",
      trace: { name: "my-trace", userId: "u1", sessionId: "s1", tags: ["b", "a"], metadata: { x: 1 }, release: "r1", version: "v1" },
    }),
    observation({
      id: CHILD_1,
      traceId: T,
      parentObservationId: ROOT,
      name: "llm",
      type: "GENERATION",
      startTimeNs: BASE_NS + 10n,
      endTimeNs: BASE_NS + 200n,
      level: "WARNING",
      environment: "production",
      usageDetails: { input: 10, output: 5, total: 15 },
      costDetails: { input: 0.1, output: 0.2, total: 0.3 },
      trace: { tags: ["c", "a"], metadata: { x: 2, y: 3 } },
    }),
    observation({
      id: CHILD_2,
      traceId: T,
      parentObservationId: ROOT,
      name: "tool",
      type: "TOOL",
      startTimeNs: BASE_NS + 5n,
      endTimeNs: BASE_NS + 50n,
      level: "ERROR",
      statusMessage: "boom",
      environment: "production",
      usageDetails: { input: 3, output: 4 },
      costDetails: { input: 0.01, output: 0.02 },
      trace: { output: { final: true } },
    }),
  ];
}

/** Everything a store derives for a project, without write times, for deep comparisons. */
async function snapshot(store: TraceStore, traceIds: readonly string[]) {
  const traces = [];
  for (const id of traceIds) {
    traces.push({ trace: withoutWriteTimes(await store.getTrace(PROJECT, id)), observations: await store.getTraceObservations(PROJECT, id) });
  }
  const sessions = (await store.listSessions(PROJECT, { page: 1, limit: 100 })).data;
  const users = (await store.listUsers(PROJECT, { page: 1, limit: 100 })).data;
  const listed = await store.listTraces(PROJECT, { page: 1, limit: 100 });
  const list = listed.data.map(withoutWriteTimes);
  const counts: Record<string, number> = { traces: listed.meta.totalItems };
  const observationTotal = async (query: Partial<ObservationQuery>) => (await store.listObservations(PROJECT, { page: 1, limit: 1, ...query })).meta.totalItems;
  counts["observations"] = await observationTotal({});
  for (const level of LEVELS) counts[level] = await observationTotal({ level });
  for (const type of TYPES) counts[type] = await observationTotal({ type });
  for (const tag of ["a", "b", "c", "prod", "beta", "has-tool"]) counts[`tag ${tag}`] = (await store.listTraces(PROJECT, { page: 1, limit: 1, tags: [tag] })).meta.totalItems;
  return { traces, sessions, users, list, counts };
}

/** Trace derivation: field rules, retries, replacement, order independence. */
export function describeDerivationContract(open: () => Promise<TraceStore>): void {
  describe("observations and derived traces", () => {
    it("reads an observation back exactly as it was stored, nanoseconds and JSON included", () =>
      withProjects(open, async (store) => {
        const record = observation({
          id: ROOT,
          traceId: T,
          name: "generation ✓",
          type: "GENERATION",
          startTimeNs: 9_007_199_254_740_993_123n,
          endTimeNs: 9_007_199_254_740_993_999n,
          completionStartTimeNs: 9_007_199_254_740_993_500n,
          level: "WARNING",
          statusMessage: "slow",
          version: "3",
          environment: "staging",
          input: [{ role: "user", content: "héllo\nworld" }],
          output: "plain string",
          metadata: { nested: { a: [1, 2, { b: null }] }, big: "12345678901234567890" },
          model: "gpt-4o",
          modelParameters: { temperature: 0.5, stream: true },
          usageDetails: { input: 12, output: 30, total: 42, input_cached_tokens: 4 },
          costDetails: { input: 0.000012, output: 0.00003, total: 0.000042 },
          promptName: "qa",
          promptVersion: 7,
          isAppRoot: true,
          trace: { name: "t", userId: "u", sessionId: "s", tags: ["x"], metadata: { k: "v" }, public: true, input: { ask: 1 }, output: "done" },
          resourceAttributes: { "service.name": "svc", "deployment.id": 12 },
          scope: { name: "langfuse-sdk", version: "5.11.1" },
        });
        const result = await store.insertObservations(PROJECT, [record]);
        assert.deepEqual(result, { written: 1, traceIds: [T] });
        const [stored] = await store.getTraceObservations(PROJECT, T);
        assert.deepEqual(stored, { ...record, projectId: PROJECT });
        assert.deepEqual(await store.getObservation(PROJECT, ROOT), { ...record, projectId: PROJECT });
        const trace = await store.getTrace(PROJECT, T);
        assert.equal(trace?.startTimeNs, 9_007_199_254_740_993_123n);
        assert.equal(trace?.endTimeNs, 9_007_199_254_740_993_999n);
      }));

    it("derives name, user, session, tags, metadata, IO, times, totals and worst level", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, smallTrace());
        const trace = await store.getTrace(PROJECT, T);
        assert.deepEqual(withoutWriteTimes(trace), {
          id: T,
          projectId: PROJECT,
          name: "my-trace",
          userId: "u1",
          sessionId: "s1",
          tags: ["a", "b", "c"],
          metadata: { x: 1, y: 3 },
          release: "r1",
          version: "v1",
          environment: "production",
          public: false,
          input: { q: "hi" },
          output: { final: true },
          startTimeNs: BASE_NS,
          endTimeNs: BASE_NS + 200n,
          latencySeconds: 200 / 1e9,
          observationCount: 3,
          totalTokens: 15 + 7,
          totalCost: 0.33,
          level: "ERROR",
          rootObservationId: ROOT,
        });
        assert.equal(typeof trace?.createdAtMs, "number");
        assert.deepEqual((await store.getTraceObservations(PROJECT, T)).map((o) => o.id), [ROOT, CHILD_2, CHILD_1], "ordered by start");
      }));

    it("falls back to the root's name, and to the earliest app root when the parent was never exported", () =>
      withProjects(open, async (store) => {
        const orphanParent = "ffffffffffffffff";
        await store.insertObservations(PROJECT, [
          observation({ id: "0000000000000002", traceId: T, parentObservationId: orphanParent, isAppRoot: false, name: "early", startTimeNs: BASE_NS }),
          observation({ id: "0000000000000003", traceId: T, parentObservationId: orphanParent, isAppRoot: true, name: "local-root", startTimeNs: BASE_NS + 10n, input: "in" }),
          observation({ id: "0000000000000004", traceId: T, parentObservationId: orphanParent, isAppRoot: true, name: "later-root", startTimeNs: BASE_NS + 20n }),
        ]);
        const trace = await store.getTrace(PROJECT, T);
        assert.equal(trace?.rootObservationId, "0000000000000003");
        assert.equal(trace?.name, "local-root");
        assert.equal(trace?.input, "in");
        assert.equal(trace?.environment, "default");
        await store.insertObservations(PROJECT, [observation({ id: orphanParent, traceId: T, name: "real-root", startTimeNs: BASE_NS + 30n })]);
        const withRoot = await store.getTrace(PROJECT, T);
        assert.equal(withRoot?.rootObservationId, orphanParent, "a span without parent outranks app roots");
        assert.equal(withRoot?.name, "real-root");
        assert.equal(withRoot?.input, null);
      }));

    it("stores a retried span once, counts it once and reports no trace change", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, smallTrace());
        const before = withoutWriteTimes(await store.getTrace(PROJECT, T));
        const again = await store.insertObservations(PROJECT, [...smallTrace(), ...smallTrace()]);
        assert.deepEqual(again.traceIds, []);
        assert.deepEqual(withoutWriteTimes(await store.getTrace(PROJECT, T)), before);
        assert.equal((await store.getTraceObservations(PROJECT, T)).length, 3);
        assert.equal((await store.listObservations(PROJECT, { page: 1, limit: 50 })).meta.totalItems, 3);
        assert.equal((await store.listSessions(PROJECT, { page: 1, limit: 10 })).data[0]?.traceCount, 1);
      }));

    it("replaces a span sent again with new values, as if only the new copy had been sent", async () => {
      const [root, child1, child2] = smallTrace() as [ObservationRecord, ObservationRecord, ObservationRecord];
      const replacements: Array<[string, ObservationRecord]> = [
        ["more tokens and a later end", { ...child1, usageDetails: { total: 100 }, endTimeNs: BASE_NS + 900n, level: "DEFAULT" }],
        ["the root starting later", { ...root, startTimeNs: BASE_NS + 7n }],
        ["a tag and metadata dropped", { ...child1, trace: {} }],
        ["another user and session", { ...root, trace: { ...root.trace, userId: "u2", sessionId: "s2" } }],
        ["the explicit output dropped, the error gone", { ...child2, level: "DEFAULT", trace: {} }],
        ["a different type (the trace does not change)", { ...child2, type: "EVENT" }],
      ];
      for (const [label, replacement] of replacements) {
        const finalSet = [root, child1, child2].map((o) => (o.id === replacement.id ? replacement : o));
        let expected: unknown;
        await withProjects(open, async (store) => {
          await store.insertObservations(PROJECT, finalSet);
          expected = await snapshot(store, [T]);
        });
        await withProjects(open, async (store) => {
          await store.insertObservations(PROJECT, [root, child1, child2]);
          const result = await store.insertObservations(PROJECT, [replacement]);
          assert.deepEqual(result.traceIds, label.includes("does not change") ? [] : [T], label);
          assert.deepEqual(await snapshot(store, [T]), expected, label);
        });
      }
    });

    it("assembles the same traces, sessions and users whatever the order and batching of their spans", async () => {
      const random = seededRandom(20260101);
      const traces = [
        realisticTrace(random, { traceId: "1".repeat(32), size: 60, userId: "alice", sessionId: "chat-1", tags: ["prod", "beta"] }),
        realisticTrace(random, { traceId: "2".repeat(32), size: 45, startNs: BASE_NS + 5_000_000_000n, userId: "alice", sessionId: "chat-1", tags: ["prod"] }),
        realisticTrace(random, { traceId: "3".repeat(32), size: 30, startNs: BASE_NS + 9_000_000_000n, userId: "bob", sessionId: "chat-2" }),
      ];
      const all = traces.flat();
      const ids = traces.map((t) => (t[0] as ObservationRecord).traceId);
      let expected: unknown;
      await withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, all);
        expected = await snapshot(store, ids);
      });
      for (let permutation = 0; permutation < 24; permutation++) {
        const order = shuffled(random, all);
        // SDK retries: some spans arrive twice, in a later batch.
        for (let i = 0; i < 10; i++) order.splice(Math.floor(random() * order.length), 0, all[Math.floor(random() * all.length)] as ObservationRecord);
        const batches = randomBatches(random, order, 1 + Math.floor(random() * 40));
        await withProjects(open, async (store) => {
          for (const batch of batches) await store.insertObservations(PROJECT, batch);
          assert.deepEqual(await snapshot(store, ids), expected, `permutation ${permutation}`);
        });
      }
    });

    it("accepts an empty batch", () =>
      withProjects(open, async (store) => {
        assert.deepEqual(await store.insertObservations(PROJECT, []), { written: 0, traceIds: [] });
      }));
  });
}
