// The real `sightline serve` on a private throwaway PostgreSQL cluster (never the shared server),
// restarted while our SDK sends traces: the server answers 503 meanwhile, the SDK retries, and every
// span ends up stored exactly once without restarting the server.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { SightlineAttributes as A } from "@sightline/core";
import { SightlineSpanProcessor, exportAllSpans } from "@sightline/otel";
import type { ApiObservation, ApiPage } from "./support/http-harness.js";
import { PrivatePostgres } from "./support/private-postgres.js";
import { RestClient, spawnServe } from "./support/serve-process.js";
import type { ServeProcess } from "./support/serve-process.js";

const PUBLIC_KEY = "pk-lf-e2e-restart";
const SECRET_KEY = "sk-lf-e2e-restart";
const skip = PrivatePostgres.findBinaries() === null && process.env["CI"] !== "true" ? "PostgreSQL server binaries not installed" : false;

describe("sightline serve while PostgreSQL restarts", { skip }, () => {
  let cluster: PrivatePostgres;
  let server: ServeProcess;
  let dataDir: string;

  before(async () => {
    cluster = await PrivatePostgres.create();
    dataDir = mkdtempSync(join(tmpdir(), "sightline-e2e-pg-restart-"));
    server = await spawnServe(dataDir, {
      SIGHTLINE_DATABASE_URL: `${cluster.url}?schema=sightline`,
      SIGHTLINE_INIT_PUBLIC_KEY: PUBLIC_KEY,
      SIGHTLINE_INIT_SECRET_KEY: SECRET_KEY,
      SIGHTLINE_AUTH_CACHE_TTL_MILLIS: "60000",
    });
  });

  after(async () => {
    await server?.stop();
    await cluster?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every span the SDK sent across the restart, each exactly once", async () => {
    const processor = new SightlineSpanProcessor({
      baseUrl: server.url,
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      flushAt: 50,
      flushIntervalMillis: 20,
      maxRetries: 10,
      retryInitialDelayMillis: 200,
      retryMaxDelayMillis: 1_000,
      shouldExportSpan: exportAllSpans,
    });
    const provider = new BasicTracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer("e2e-restart");
    let sent = 0;
    const load = (async () => {
      for (let t = 0; t < 60; t++) {
        const root = tracer.startSpan("request", { attributes: { [A.TRACE_NAME]: `trace-${t}` } });
        for (let c = 0; c < 9; c++) tracer.startSpan(`step-${c}`, {}, trace.setSpan(context.active(), root)).end();
        root.end();
        sent += 10;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await cluster.restart();
    await load;
    await processor.forceFlush();
    await provider.shutdown();

    const rest = new RestClient(server.url, PUBLIC_KEY, SECRET_KEY);
    const observations = await rest.get<ApiPage<ApiObservation>>("/api/public/observations?limit=1");
    assert.equal(observations.meta.totalItems, sent, "every span, once");
    const traces = await rest.allTraces();
    assert.equal(traces.length, 60);
    for (const listed of traces) assert.equal(listed.observationCount, 10, listed.name ?? listed.id);
    assert.match(server.stderr(), /database is unavailable/, "the outage was seen (and answered with 503s)");
  });
});
