import { it } from "node:test";
import assert from "node:assert/strict";
import { JsonText, PreparedObservation } from "@sightline/server";
import type { ObservationRecord, TraceStore } from "@sightline/server";
import { BASE_NS, observation, realisticTrace, seededRandom } from "../store-fixtures.js";
import { OTHER_PROJECT, PROJECT, withProjects } from "./with-store.js";

/** Everything a store answers about one trace, without the project id (the two copies differ only there). */
async function readBack(store: TraceStore, projectId: string, traceId: string): Promise<unknown> {
  const trace = await store.getTrace(projectId, traceId);
  const observations = await store.getTraceObservations(projectId, traceId);
  const { projectId: _p, createdAtMs: _c, updatedAtMs: _u, ...traceFields } = trace ?? ({} as Record<string, unknown>);
  return { trace: traceFields, observations: observations.map(({ projectId: _o, ...rest }) => rest) };
}

/** A prepared observation as an ingest worker hands it over: its values cloned across a thread boundary. */
function acrossThreads(record: ObservationRecord): PreparedObservation {
  return new PreparedObservation(structuredClone(PreparedObservation.of(record).values));
}

/**
 * Observations prepared where they were mapped (an ingest worker: `PreparedObservation`, input and
 * output possibly kept as checked `JsonText`) are stored exactly as the same records with their
 * object fields.
 */
export function describePreparedObservationContract(open: () => Promise<TraceStore>): void {
  it("stores prepared observations (values cloned across threads, JSON kept as text) exactly like the plain records", () =>
    withProjects(open, async (store) => {
      const traceId = "e".repeat(32);
      const records: ObservationRecord[] = realisticTrace(seededRandom(11), { traceId, size: 30, userId: "u-1", sessionId: "s-1", tags: ["x"] });
      const first = records[0] as ObservationRecord;
      records[0] = { ...first, trace: { ...first.trace, input: { question: "explicit in" }, output: "explicit out" } };
      records[3] = { ...(records[3] as ObservationRecord), modelParameters: { temperature: 0.2 }, resourceAttributes: { "service.name": "svc", region: "eu" } };

      await store.insertObservations(PROJECT, records);
      const plain = await readBack(store, PROJECT, traceId);
      const trace = (plain as { trace: { input: unknown; output: unknown } }).trace;
      assert.deepEqual([trace.input, trace.output], [{ question: "explicit in" }, "explicit out"]);

      // Inputs kept as JSON text (as ingestion maps them) read back as the same records with those inputs as objects.
      const wrapped = (input: unknown) => (input === null ? null : { wrapped: input });
      const asText = records.map((record) => ({ ...record, input: record.input === null ? null : new JsonText(JSON.stringify(wrapped(record.input))) }));
      const asObjects = records.map((record) => ({ ...record, input: wrapped(record.input) }));
      await store.insertObservations(OTHER_PROJECT, asText.map(acrossThreads));
      const objects = `${OTHER_PROJECT}-objects`;
      await store.ensureProject({ id: objects, name: objects });
      await store.insertObservations(objects, asObjects);
      assert.deepEqual(await readBack(store, OTHER_PROJECT, traceId), await readBack(store, objects, traceId));

      // Prepared copies of the plain records store exactly as the records did; a retry changes nothing.
      const fourth = `${OTHER_PROJECT}-prepared`;
      await store.ensureProject({ id: fourth, name: fourth });
      await store.insertObservations(fourth, records.map(acrossThreads));
      assert.deepEqual(await readBack(store, fourth, traceId), plain);
      await store.insertObservations(fourth, records.map(acrossThreads));
      assert.deepEqual(await readBack(store, fourth, traceId), plain);
    }));

  it("reads each observation's own trace contribution when consecutive ones repeat, alternate or differ", () =>
    withProjects(open, async (store) => {
      const traceId = "f".repeat(32);
      const a = { userId: "u-a", tags: ["a"], metadata: { k: "from-a" } };
      const b = { userId: "u-b", tags: ["b"], metadata: { k: "from-b", z: 1 } };
      const span = (n: number, startOffsetNs: bigint, trace: ObservationRecord["trace"]) =>
        observation({ id: `${n}`.padStart(16, "0"), traceId, startTimeNs: BASE_NS + startOffsetNs, parentObservationId: n === 1 ? null : "1".padStart(16, "0"), trace });
      // The writers parse a text once for a run of equal ones: B between two As, then a text with
      // nothing in common, then A again, must each count for their own observation.
      const records = [span(1, 10n, a), span(2, 20n, a), span(3, 5n, b), span(4, 30n, a), span(5, 40n, { public: true, tags: ["c", "a"] }), span(6, 1n, { tags: [] })];
      await store.insertObservations(PROJECT, records.map(acrossThreads));
      const trace = await store.getTrace(PROJECT, traceId);
      assert.deepEqual(
        { userId: trace?.userId, tags: trace?.tags, metadata: trace?.metadata, public: trace?.public },
        { userId: "u-b", tags: ["a", "b", "c"], metadata: { k: "from-b", z: 1 }, public: true },
      );
      // One observation a request: the same trace.
      const single = `${OTHER_PROJECT}-single`;
      await store.ensureProject({ id: single, name: single });
      for (const record of records) await store.insertObservations(single, [acrossThreads(record)]);
      assert.deepEqual(await readBack(store, single, traceId), await readBack(store, PROJECT, traceId));
    }));
}
