// Child process of the durability test: inserts batches into a SQLite store and prints
// "ok <batch>" the moment each insertObservations call has resolved. The parent SIGKILLs it on
// one of those lines, then checks that every acknowledged batch survived.
import { openSqliteStore } from "@sightline/server";

const [file, batchSizeText] = process.argv.slice(2);
const batchSize = Number(batchSizeText ?? "100");
const store = await openSqliteStore({ file });
await store.ensureProject({ id: "durable", name: "Durable" });

const base = 1_767_225_600_000_000_000n;
for (let batch = 0; ; batch++) {
  const records = [];
  for (let i = 0; i < batchSize; i++) {
    const n = batch * batchSize + i;
    records.push({
      id: n.toString(16).padStart(16, "0"),
      traceId: batch.toString(16).padStart(32, "0"),
      parentObservationId: i === 0 ? null : batch.toString(16).padStart(12, "0") + "0000",
      name: "span",
      type: "SPAN",
      startTimeNs: base + BigInt(n),
      endTimeNs: base + BigInt(n) + 1000n,
      completionStartTimeNs: null,
      level: "DEFAULT",
      statusMessage: null,
      version: null,
      environment: "default",
      input: { text: "x".repeat(500) },
      output: null,
      metadata: {},
      model: null,
      modelParameters: null,
      usageDetails: { total: 1 },
      costDetails: {},
      promptName: null,
      promptVersion: null,
      isAppRoot: i === 0,
      trace: {},
      resourceAttributes: {},
      scope: { name: "durability" },
    });
  }
  await store.insertObservations("durable", records);
  process.stdout.write(`ok ${batch}\n`);
}
