// Worker-thread entry of `WorkerIngestDecoder`: decodes and maps request bodies off the thread that
// writes to the database, and posts back the observation records (or the error, as plain data).
import { parentPort } from "node:worker_threads";
import { errorMessage } from "@sightline/core";
import { OtlpDecodeError } from "../otlp/otlp-decode-error.js";
import { decodeAndMapRequest } from "./decode-request.js";
import type { ObservationRecord } from "../storage/records.js";
import type { IngestJob, IngestReply } from "./ingest-protocol.js";

parentPort?.on("message", (job: IngestJob) => {
  let reply: IngestReply;
  try {
    const onChunk = job.chunked ? (chunk: ObservationRecord[]) => parentPort?.postMessage({ id: job.id, chunk } satisfies IngestReply) : undefined;
    reply = { id: job.id, ok: true, result: decodeAndMapRequest(job.request, onChunk) };
  } catch (error) {
    reply = {
      id: job.id,
      ok: false,
      error: error instanceof OtlpDecodeError ? { code: error.code, message: error.message } : { code: null, message: errorMessage(error) },
    };
  }
  parentPort?.postMessage(reply);
});
