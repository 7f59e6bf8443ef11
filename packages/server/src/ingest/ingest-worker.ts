// Worker-thread entry of `WorkerIngestDecoder`: decodes, maps and prices request bodies off the
// thread that writes to the database, and posts back the prepared rows (or the error, as plain data).
import { parentPort } from "node:worker_threads";
import { errorMessage } from "@sightline/core";
import { OtlpDecodeError } from "../otlp/otlp-decode-error.js";
import { PriceSourceCache } from "../pricing/ingest-pricing.js";
import type { PreparedObservation } from "../storage/prepared-observation.js";
import { decodeAndMapRequest } from "./decode-request.js";
import type { IngestJob, IngestReply, PreparedRows } from "./ingest-protocol.js";

const prices = new PriceSourceCache();
const rowsOf = (records: readonly PreparedObservation[]): PreparedRows => records.map((record) => record.values);

parentPort?.on("message", (job: IngestJob) => {
  let reply: IngestReply;
  try {
    const onChunk = job.chunked
      ? (chunk: PreparedObservation[]) => parentPort?.postMessage({ id: job.id, chunk: rowsOf(chunk) } satisfies IngestReply)
      : undefined;
    const { records, reasons } = decodeAndMapRequest(job.request, prices.sourcesFor(job.request.pricing), onChunk);
    reply = { id: job.id, ok: true, rows: rowsOf(records), reasons };
  } catch (error) {
    reply = {
      id: job.id,
      ok: false,
      error: error instanceof OtlpDecodeError ? { code: error.code, message: error.message } : { code: null, message: errorMessage(error) },
    };
  }
  parentPort?.postMessage(reply);
});
