import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ObservationRecord, TraceQuery, TraceRecord, TraceStore } from "@sightline/server";
import { BASE_NS, hexId, observation } from "../store-fixtures.js";
import { OTHER_PROJECT, PROJECT, withProjects } from "./with-store.js";

const SECOND = 1_000_000_000n;

/** Twelve one-or-two-span traces with known attributes; trace i starts at BASE + i seconds. */
export function catalogue(): ObservationRecord[] {
  const records: ObservationRecord[] = [];
  for (let i = 0; i < 12; i++) {
    const traceId = hexId(i + 1, 32);
    const start = BASE_NS + BigInt(i) * SECOND;
    const tags = [i % 2 === 0 ? "even" : "odd", ...(i % 3 === 0 ? ["three"] : []), ...(i === 7 ? ["rare"] : [])];
    records.push(
      observation({
        id: hexId(i * 10 + 1, 16),
        traceId,
        name: i % 4 === 0 ? "checkout" : "chat",
        startTimeNs: start,
        endTimeNs: start + BigInt(12 - i) * 1_000_000n,
        environment: i < 9 ? "production" : "staging",
        usageDetails: { total: (i * 37) % 11 },
        costDetails: { total: ((i * 53) % 13) / 1000 },
        trace: { userId: `user-${i % 3}`, sessionId: `session-${i % 4}`, tags },
      }),
    );
    if (i % 5 === 0) {
      records.push(observation({ id: hexId(i * 10 + 2, 16), traceId, parentObservationId: hexId(i * 10 + 1, 16), startTimeNs: start + 5n }));
    }
  }
  return records;
}

async function ids(store: TraceStore, query: Partial<TraceQuery>): Promise<string[]> {
  const page = await store.listTraces(PROJECT, { page: 1, limit: 100, ...query });
  assert.equal(page.meta.totalItems, page.data.length, "the count agrees with the rows");
  return page.data.map((t) => t.id);
}

const traceNo = (n: number) => hexId(n + 1, 32);

/** Trace listing: order, paging, filters, order-by. */
export function describeTraceQueryContract(open: () => Promise<TraceStore>): void {
  describe("trace listing", () => {
    it("lists traces newest first with page metadata, pages disjoint and complete", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, catalogue());
        const first = await store.listTraces(PROJECT, { page: 1, limit: 5 });
        assert.deepEqual(first.meta, { page: 1, limit: 5, totalItems: 12, totalPages: 3 });
        const pages = [first];
        for (const page of [2, 3, 4]) pages.push(await store.listTraces(PROJECT, { page, limit: 5 }));
        assert.deepEqual(pages.map((p) => p.data.length), [5, 5, 2, 0]);
        const all = pages.flatMap((p) => p.data.map((t) => t.id));
        assert.deepEqual(all, Array.from({ length: 12 }, (_, i) => traceNo(11 - i)));
        assert.equal(await store.getTrace(PROJECT, "f".repeat(32)), null);
      }));

    it("filters by user, session, name, environment and time range, alone and combined", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, catalogue());
        const expect = (pick: (i: number) => boolean) => Array.from({ length: 12 }, (_, k) => 11 - k).filter(pick).map(traceNo);
        assert.deepEqual(await ids(store, { userId: "user-1" }), expect((i) => i % 3 === 1));
        assert.deepEqual(await ids(store, { sessionId: "session-2" }), expect((i) => i % 4 === 2));
        assert.deepEqual(await ids(store, { name: "checkout" }), expect((i) => i % 4 === 0));
        assert.deepEqual(await ids(store, { environment: ["staging"] }), expect((i) => i >= 9));
        assert.deepEqual(await ids(store, { environment: ["staging", "production"] }), expect(() => true));
        assert.deepEqual(
          await ids(store, { fromStartTimeNs: BASE_NS + 3n * SECOND, toStartTimeNs: BASE_NS + 6n * SECOND }),
          expect((i) => i >= 3 && i < 6),
          "from is inclusive, to exclusive",
        );
        assert.deepEqual(await ids(store, { userId: "user-0", name: "checkout", environment: ["production"] }), expect((i) => i % 3 === 0 && i % 4 === 0 && i < 9));
        assert.deepEqual(await ids(store, { userId: "nobody" }), []);
      }));

    it("filters by the trace's worst level, also when only a child has it", () =>
      withProjects(open, async (store) => {
        const trace = (n: number) => hexId(100 + n, 32);
        await store.insertObservations(PROJECT, [
          observation({ id: hexId(201, 16), traceId: trace(1), startTimeNs: BASE_NS }),
          observation({ id: hexId(202, 16), traceId: trace(1), parentObservationId: hexId(201, 16), startTimeNs: BASE_NS + 1n, level: "ERROR" }),
          observation({ id: hexId(203, 16), traceId: trace(2), startTimeNs: BASE_NS + SECOND, level: "WARNING" }),
          observation({ id: hexId(204, 16), traceId: trace(3), startTimeNs: BASE_NS + 2n * SECOND }),
        ]);
        assert.deepEqual(await ids(store, { level: "ERROR" }), [trace(1)]);
        assert.deepEqual(await ids(store, { level: "WARNING" }), [trace(2)]);
        assert.deepEqual(await ids(store, { level: "DEFAULT" }), [trace(3)]);
        assert.deepEqual(await ids(store, { level: "DEBUG" }), []);
      }));

    it("filters by tags, requiring every tag, together with other filters", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, catalogue());
        const expect = (pick: (i: number) => boolean) => Array.from({ length: 12 }, (_, k) => 11 - k).filter(pick).map(traceNo);
        assert.deepEqual(await ids(store, { tags: ["even"] }), expect((i) => i % 2 === 0));
        assert.deepEqual(await ids(store, { tags: ["even", "three"] }), expect((i) => i % 6 === 0));
        assert.deepEqual(await ids(store, { tags: ["rare"] }), [traceNo(7)]);
        assert.deepEqual(await ids(store, { tags: ["rare", "even"] }), []);
        assert.deepEqual(await ids(store, { tags: ["three"], userId: "user-0", fromStartTimeNs: BASE_NS + SECOND }), expect((i) => i % 3 === 0 && i >= 1));
        const page = await store.listTraces(PROJECT, { page: 2, limit: 2, tags: ["odd"] });
        assert.deepEqual(page.meta, { page: 2, limit: 2, totalItems: 6, totalPages: 3 });
        assert.deepEqual(page.data.map((t) => t.id), [traceNo(7), traceNo(5)]);
        assert.deepEqual(await ids(store, { tags: ["odd"], orderBy: { field: "timestamp", direction: "asc" } }), expect((i) => i % 2 === 1).reverse());
      }));

    it("orders by every order-by field in both directions", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, catalogue());
        const all = (await store.listTraces(PROJECT, { page: 1, limit: 100 })).data;
        const fields: Array<[NonNullable<TraceQuery["orderBy"]>["field"], (t: TraceRecord) => number | string]> = [
          ["timestamp", (t) => Number(t.startTimeNs - BASE_NS)],
          ["name", (t) => t.name ?? ""],
          ["latency", (t) => t.latencySeconds ?? 0],
          ["totalCost", (t) => t.totalCost],
          ["totalTokens", (t) => t.totalTokens],
          ["observationCount", (t) => t.observationCount],
        ];
        for (const [field, value] of fields) {
          for (const direction of ["asc", "desc"] as const) {
            const listed = (await store.listTraces(PROJECT, { page: 1, limit: 100, orderBy: { field, direction } })).data;
            assert.equal(listed.length, all.length);
            const values = listed.map(value);
            const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
            assert.deepEqual(values, direction === "asc" ? sorted : sorted.reverse(), `${field} ${direction}`);
          }
        }
        const cheapest = await store.listTraces(PROJECT, { page: 1, limit: 1, orderBy: { field: "totalCost", direction: "asc" } });
        assert.equal(cheapest.data[0]?.totalCost, 0);
      }));

    it("lists each trace's observation ids by start time, without another project's, when the store offers it", () =>
      withProjects(open, async (store) => {
        if (store.listObservationIds === undefined) return;
        const traceId = traceNo(0);
        const late = observation({ id: hexId(901, 16), traceId, startTimeNs: BASE_NS + 9n * SECOND });
        const early = observation({ id: hexId(902, 16), traceId, startTimeNs: BASE_NS - SECOND });
        await store.insertObservations(PROJECT, [...catalogue(), late, early]);
        await store.insertObservations(OTHER_PROJECT, [observation({ id: hexId(903, 16), traceId, startTimeNs: BASE_NS })]);

        const ids = await store.listObservationIds(PROJECT, [traceId, traceNo(1), traceId, "f".repeat(32)]);
        assert.deepEqual([...ids.keys()].sort(), [traceId, traceNo(1), "f".repeat(32)].sort());
        assert.deepEqual(ids.get(traceId), [hexId(902, 16), hexId(1, 16), hexId(2, 16), hexId(901, 16)]);
        assert.deepEqual(ids.get(traceNo(1)), [hexId(11, 16)]);
        assert.deepEqual(ids.get("f".repeat(32)), [], "an unknown trace has no ids");
        const fromTrace = (await store.getTraceObservations(PROJECT, traceId)).map((o) => o.id);
        assert.deepEqual(ids.get(traceId), fromTrace, "the same ids in the same order as the trace's observations");

        const many = Array.from({ length: 250 }, (_, i) => traceNo(249 - i));
        const all = await store.listObservationIds(PROJECT, many);
        assert.equal(all.size, 250);
        assert.equal(all.get(traceNo(10))?.[0], hexId(101, 16), "ids are found past the first chunk of trace ids too");
      }));
  });
}
