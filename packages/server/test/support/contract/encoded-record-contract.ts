import { it } from "node:test";
import assert from "node:assert/strict";
import { encodeObservationJson } from "@sightline/server";
import type { ObservationRecord, TraceStore } from "@sightline/server";
import { realisticTrace, seededRandom } from "../store-fixtures.js";
import { OTHER_PROJECT, PROJECT, withProjects } from "./with-store.js";

/** Everything a store answers about one trace, without the project id (the two copies differ only there). */
async function readBack(store: TraceStore, projectId: string, traceId: string): Promise<unknown> {
  const trace = await store.getTrace(projectId, traceId);
  const observations = await store.getTraceObservations(projectId, traceId);
  const { projectId: _p, createdAtMs: _c, updatedAtMs: _u, ...traceFields } = trace ?? ({} as Record<string, unknown>);
  return { trace: traceFields, observations: observations.map(({ projectId: _o, ...rest }) => rest) };
}

/**
 * Records whose large fields were serialised by the ingest worker (`encodeObservationJson`) are
 * stored exactly as the same records with their object fields: the stores write the carried texts.
 */
export function describeEncodedRecordContract(open: () => Promise<TraceStore>): void {
  it("stores records carrying pre-serialised JSON exactly like the plain records, explicit trace input/output included", () =>
    withProjects(open, async (store) => {
      const traceId = "e".repeat(32);
      const records: ObservationRecord[] = realisticTrace(seededRandom(11), { traceId, size: 30, userId: "u-1", sessionId: "s-1", tags: ["x"] });
      const first = records[0] as ObservationRecord;
      records[0] = { ...first, trace: { ...first.trace, input: { question: "explicit in" }, output: "explicit out" } };
      records[3] = { ...(records[3] as ObservationRecord), modelParameters: { temperature: 0.2 }, resourceAttributes: { "service.name": "svc", region: "eu" } };

      await store.insertObservations(PROJECT, records);
      const encoded = records.map(encodeObservationJson);
      assert.equal(encoded[0]?.input, null, "the encoded copy carries no object trees");
      await store.insertObservations(OTHER_PROJECT, encoded);

      const plain = await readBack(store, PROJECT, traceId);
      assert.deepEqual(await readBack(store, OTHER_PROJECT, traceId), plain);
      const trace = (plain as { trace: { input: unknown; output: unknown } }).trace;
      assert.deepEqual([trace.input, trace.output], [{ question: "explicit in" }, "explicit out"]);

      // A retried, encoded copy of the same spans changes nothing.
      await store.insertObservations(OTHER_PROJECT, records.map(encodeObservationJson));
      assert.deepEqual(await readBack(store, OTHER_PROJECT, traceId), plain);
    }));
}
