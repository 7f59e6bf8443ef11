import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TraceStore } from "@sightline/server";
import { BASE_NS, hexId, observation } from "../store-fixtures.js";
import { PROJECT, withProjects } from "./with-store.js";

const SECOND = 1_000_000_000n;

function documents() {
  return [
    observation({ id: hexId(1, 16), traceId: hexId(1, 32), startTimeNs: BASE_NS, input: { messages: [{ role: "user", content: "Where is my refund?\nOrder 1234" }] }, trace: { userId: "u1" } }),
    observation({ id: hexId(2, 16), traceId: hexId(2, 32), startTimeNs: BASE_NS + SECOND, output: "The weather in Paris is sunny", trace: { userId: "u2" } }),
    observation({ id: hexId(3, 16), traceId: hexId(3, 32), startTimeNs: BASE_NS + 2n * SECOND, trace: { input: { question: "quarterly invoice totals" } } }),
    observation({ id: hexId(4, 16), traceId: hexId(4, 32), startTimeNs: BASE_NS + 3n * SECOND, input: "refund requested twice", trace: { userId: "u2" } }),
    observation({ id: hexId(5, 16), traceId: hexId(4, 32), parentObservationId: hexId(4, 16), startTimeNs: BASE_NS + 3n * SECOND + 1n, output: "refund approved" }),
  ];
}

async function found(store: TraceStore, search: string, extra: { userId?: string } = {}): Promise<string[]> {
  const page = await store.listTraces(PROJECT, { page: 1, limit: 50, search, ...extra });
  assert.equal(page.meta.totalItems, page.data.length);
  return page.data.map((t) => t.id);
}

/** Full-text search over input and output. */
export function describeSearchContract(open: () => Promise<TraceStore>): void {
  describe("full-text search", () => {
    it("finds traces by words of any observation's input or output, or the trace's own IO, newest first", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, documents());
        assert.deepEqual(await found(store, "refund"), [hexId(4, 32), hexId(1, 32)], "a trace is listed once though two spans match");
        assert.deepEqual(await found(store, "order 1234"), [hexId(1, 32)], "a word after a newline escape");
        assert.deepEqual(await found(store, "PARIS weather"), [hexId(2, 32)], "case-insensitive, all terms");
        assert.deepEqual(await found(store, "invoice"), [hexId(3, 32)], "explicit trace input");
        assert.deepEqual(await found(store, "paris refund"), []);
        assert.deepEqual(await found(store, "zebra"), []);
      }));

    it("matches the last term as a prefix and combines search with filters", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, documents());
        assert.deepEqual(await found(store, "quarter"), [hexId(3, 32)]);
        assert.deepEqual(await found(store, "quarter "), [], "a finished word is not a prefix");
        assert.deepEqual(await found(store, "refund", { userId: "u1" }), [hexId(1, 32)]);
        const paged = await store.listTraces(PROJECT, { page: 2, limit: 1, search: "refund" });
        assert.deepEqual(paged.meta, { page: 2, limit: 1, totalItems: 2, totalPages: 2 });
        assert.deepEqual(paged.data.map((t) => t.id), [hexId(1, 32)]);
      }));

    it("treats query syntax as text and never fails on odd input", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, documents());
        for (const text of ['"', "AND", "refund OR", "NEAR(refund", "-refund", "refund*", "user:refund", "(((", "'; DROP TABLE traces; --", "   ", "\u0000", "🙂"]) {
          const page = await store.listTraces(PROJECT, { page: 1, limit: 10, search: text });
          assert.ok(Array.isArray(page.data), text);
        }
        assert.deepEqual(await found(store, '"refund"'), [hexId(4, 32), hexId(1, 32)], "quotes are not syntax");
        assert.deepEqual(await found(store, "refund\u0000"), [hexId(4, 32), hexId(1, 32)], "a NUL character is a separator");
        assert.equal((await store.listTraces(PROJECT, { page: 1, limit: 10, search: "   " })).meta.totalItems, 4, "blank search lists all");
      }));

    it("finds a replaced span by its new text only", () =>
      withProjects(open, async (store) => {
        await store.insertObservations(PROJECT, documents());
        assert.deepEqual(await found(store, "sunny"), [hexId(2, 32)]);
        const [, second] = documents();
        await store.insertObservations(PROJECT, [{ ...second!, output: "The weather in Paris is rainy" }]);
        assert.deepEqual(await found(store, "sunny"), []);
        assert.deepEqual(await found(store, "rainy"), [hexId(2, 32)]);
      }));
  });
}
