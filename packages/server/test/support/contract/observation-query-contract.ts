import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ObservationQuery, TraceStore } from "@sightline/server";
import { BASE_NS, realisticTrace, seededRandom } from "../store-fixtures.js";
import { PROJECT, withProjects } from "./with-store.js";

const A = "a".repeat(32);
const B = "b".repeat(32);

async function load(store: TraceStore) {
  const random = seededRandom(7);
  const records = [
    ...realisticTrace(random, { traceId: A, size: 40, userId: "alice", sessionId: "s-a" }),
    ...realisticTrace(random, { traceId: B, size: 25, startNs: BASE_NS + 60_000_000_000n, userId: "bob", environment: "staging" }),
  ];
  await store.insertObservations(PROJECT, records);
  return records;
}

/** Observation listing and lookup. */
export function describeObservationQueryContract(open: () => Promise<TraceStore>): void {
  describe("observation listing", () => {
    it("filters by trace, type, name, level, parent, environment, user, session and time, newest first", () =>
      withProjects(open, async (store) => {
        const records = await load(store);
        const userOf = (traceId: string) => (traceId === A ? "alice" : "bob");
        const cases: Array<[Partial<ObservationQuery>, (r: (typeof records)[number]) => boolean]> = [
          [{}, () => true],
          [{ traceId: B }, (r) => r.traceId === B],
          [{ type: "GENERATION" }, (r) => r.type === "GENERATION"],
          [{ name: "agent-run" }, (r) => r.name === "agent-run"],
          [{ level: "WARNING" }, (r) => r.level === "WARNING"],
          [{ level: "DEFAULT", traceId: A }, (r) => r.level === "DEFAULT" && r.traceId === A],
          [{ parentObservationId: (records[0] as (typeof records)[number]).id }, (r) => r.parentObservationId === records[0]?.id],
          [{ environment: ["staging"] }, (r) => r.environment === "staging"],
          [{ userId: "alice", type: "TOOL" }, (r) => userOf(r.traceId) === "alice" && r.type === "TOOL"],
          [{ sessionId: "s-a" }, (r) => r.traceId === A],
          [{ fromStartTimeNs: BASE_NS + 60_000_000_000n }, (r) => r.startTimeNs >= BASE_NS + 60_000_000_000n],
          [{ toStartTimeNs: BASE_NS + 60_000_000_000n }, (r) => r.startTimeNs < BASE_NS + 60_000_000_000n],
        ];
        for (const [query, pick] of cases) {
          const page = await store.listObservations(PROJECT, { page: 1, limit: 1000, ...query });
          const expected = records.filter(pick).sort((x, y) => (x.startTimeNs === y.startTimeNs ? (x.id < y.id ? 1 : -1) : x.startTimeNs < y.startTimeNs ? 1 : -1));
          const label = JSON.stringify(query, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
          assert.ok(expected.length > 0, `the fixture exercises ${label}`);
          assert.deepEqual(page.data.map((o) => o.id), expected.map((o) => o.id), label);
          assert.equal(page.meta.totalItems, expected.length);
        }
      }));

    it("pages observations with metadata", () =>
      withProjects(open, async (store) => {
        await load(store);
        const page = await store.listObservations(PROJECT, { page: 3, limit: 30 });
        assert.deepEqual(page.meta, { page: 3, limit: 30, totalItems: 65, totalPages: 3 });
        assert.equal(page.data.length, 5);
      }));

    it("finds an observation by id, and nothing for an unknown id", () =>
      withProjects(open, async (store) => {
        const records = await load(store);
        const target = records[7];
        const found = await store.getObservation(PROJECT, target?.id ?? "");
        assert.deepEqual(found, { ...target, projectId: PROJECT });
        assert.equal(await store.getObservation(PROJECT, "0123456789abcdef"), null);
      }));
  });
}
