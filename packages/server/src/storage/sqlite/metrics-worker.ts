// Worker-thread entry of `MetricsReader`: a read-only connection to the database file that runs
// metrics queries (hundreds of milliseconds over a month of 1M observations) off the thread that
// commits and acknowledges ingestion. Answers `{ id, rows }` or `{ id, error }`; exits on "stop".
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { errorMessage } from "@sightline/core";
import type { MetricsWorkerData, MetricsWorkerRequest, MetricsWorkerResponse } from "./metrics-reader.js";
import { MetricsQueries } from "./metrics-queries.js";

const data = workerData as MetricsWorkerData;
const db = new Database(data.file, { readonly: true, fileMustExist: true });
db.pragma(`busy_timeout = ${Math.max(0, Math.floor(data.busyTimeoutMillis))}`);
db.pragma(`cache_size = ${Math.trunc(data.cacheSize)}`);
db.defaultSafeIntegers(true);
const metrics = new MetricsQueries(db);

parentPort?.on("message", (message: MetricsWorkerRequest | "stop") => {
  if (message === "stop") {
    db.close();
    parentPort?.close();
    return;
  }
  let response: MetricsWorkerResponse;
  try {
    response = { id: message.id, rows: metrics.query(message.projectId, message.query) };
  } catch (error) {
    response = { id: message.id, error: errorMessage(error) };
  }
  parentPort?.postMessage(response);
});
