// End to end with TWO real `sightline serve` processes on one PostgreSQL schema: our SDK exports to
// both at once, spans of one trace go to different instances, a batch is retried against the other
// instance (and sent to both at the same time); every span must arrive exactly once and the derived
// traces must be right when read through either instance.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, trace } from "@opentelemetry/api";
import type { Tracer } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SightlineAttributes as A } from "@sightline/core";
import { SightlineSpanProcessor, encodeOtlpJson, exportAllSpans } from "@sightline/otel";
import { basicAuth } from "./support/http-harness.js";
import type { ApiObservation, ApiPage } from "./support/http-harness.js";
import { PG_REQUIRED, TEST_PG_URL, dropSchema, freshSchema, postgresUnreachable } from "./support/postgres.js";
import { RestClient, spawnServe } from "./support/serve-process.js";
import type { ServeProcess } from "./support/serve-process.js";

const PUBLIC_KEY = "pk-lf-e2e-multi";
const SECRET_KEY = "sk-lf-e2e-multi";
const TRACES = 40;
const CHILDREN = 24;
const unreachable = await postgresUnreachable();
const skip = unreachable !== null && !PG_REQUIRED ? `PostgreSQL not reachable at ${TEST_PG_URL} (${unreachable})` : false;

describe("two sightline serve processes on one PostgreSQL", { skip }, () => {
  const schema = freshSchema();
  const dirs: string[] = [];
  let servers: ServeProcess[] = [];
  let rest: RestClient[] = [];

  before(async () => {
    const env = {
      SIGHTLINE_DATABASE_URL: `${TEST_PG_URL}?schema=${schema}`,
      SIGHTLINE_INIT_PUBLIC_KEY: PUBLIC_KEY,
      SIGHTLINE_INIT_SECRET_KEY: SECRET_KEY,
    };
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), `sightline-e2e-pg-${i}-`)));
    // Started at the same time: migrations and the INIT key must cope with a concurrent start.
    servers = await Promise.all(dirs.map((dir) => spawnServe(dir, env)));
    rest = servers.map((server) => new RestClient(server.url, PUBLIC_KEY, SECRET_KEY));
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it("assembles traces whose spans went to different instances under concurrent SDK load, each span exactly once", async () => {
    const processors = servers.map(
      (server) =>
        new SightlineSpanProcessor({
          baseUrl: server.url,
          publicKey: PUBLIC_KEY,
          secretKey: SECRET_KEY,
          flushAt: 64,
          flushIntervalMillis: 50,
          shouldExportSpan: exportAllSpans,
        }),
    );
    const providers = processors.map((processor) => new BasicTracerProvider({ spanProcessors: [processor] }));
    const tracers = providers.map((provider) => provider.getTracer("e2e-multi"));
    const expected = new Map<string, Set<string>>();

    await Promise.all(
      Array.from({ length: TRACES }, async (_, t) => {
        const rootTracer = tracers[t % 2] as Tracer;
        const root = rootTracer.startSpan("request", {
          attributes: { [A.TRACE_NAME]: `trace-${t}`, [A.TRACE_USER_ID]: `user-${t % 3}`, [A.TRACE_SESSION_ID]: `session-${t % 5}` },
        });
        const ids = new Set([root.spanContext().spanId]);
        const parent = trace.setSpan(context.active(), root);
        for (let c = 0; c < CHILDREN; c++) {
          // Children alternate between the instances, so every trace is split across both.
          const child = (tracers[(t + c) % 2] as Tracer).startSpan(
            `step-${c}`,
            { attributes: { [A.OBSERVATION_TYPE]: c % 4 === 0 ? "generation" : "span", [A.TRACE_USER_ID]: `user-${t % 3}` } },
            parent,
          );
          ids.add(child.spanContext().spanId);
          if (c % 6 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
          child.end();
        }
        root.end();
        expected.set(root.spanContext().traceId, ids);
      }),
    );
    await Promise.all(processors.map((processor) => processor.forceFlush()));
    await Promise.all(providers.map((provider) => provider.shutdown()));

    for (const client of rest) {
      const traces = await client.allTraces();
      assert.equal(traces.length, TRACES, `${client.url} sees every trace`);
      for (const listed of traces) {
        const ids = expected.get(listed.id);
        assert.ok(ids !== undefined, `unexpected trace ${listed.id}`);
        const detail = await client.trace(listed.id);
        const observed = detail.observations.map((o: ApiObservation) => o.id);
        assert.equal(observed.length, ids.size, `trace ${listed.id}: every span once`);
        assert.deepEqual(new Set(observed), ids);
        const t = Number(/trace-(\d+)/.exec(detail.name ?? "")?.[1]);
        assert.equal(detail.name, `trace-${t}`);
        assert.equal(detail.userId, `user-${t % 3}`);
        assert.equal(detail.sessionId, `session-${t % 5}`);
      }
      const all = await client.get<ApiPage<ApiObservation>>("/api/public/observations?limit=1");
      assert.equal(all.meta.totalItems, TRACES * (CHILDREN + 1), `${client.url}: no span stored twice`);
    }
  });

  it("stores a batch retried against the other instance, or sent to both at once, exactly once", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer("e2e-retry");
    const root = tracer.startSpan("retried", { attributes: { [A.TRACE_NAME]: "retried-trace" } });
    for (let c = 0; c < 30; c++) tracer.startSpan(`part-${c}`, {}, trace.setSpan(context.active(), root)).end();
    root.end();
    const body = encodeOtlpJson(exporter.getFinishedSpans());
    const post = (server: ServeProcess) =>
      fetch(`${server.url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basicAuth(PUBLIC_KEY, SECRET_KEY) },
        body,
      }).then((res) => res.status);
    const [first, second] = servers as [ServeProcess, ServeProcess];
    assert.equal(await post(first), 200);
    assert.equal(await post(second), 200, "the retry against the other instance");
    assert.deepEqual(await Promise.all([post(first), post(second), post(first)]), [200, 200, 200], "concurrent duplicates");
    await provider.shutdown();

    const traceId = root.spanContext().traceId;
    for (const client of rest) {
      const detail = await client.trace(traceId);
      assert.equal(detail.observations.length, 31);
      assert.equal(new Set(detail.observations.map((o: ApiObservation) => o.id)).size, 31);
      assert.equal(detail.name, "retried-trace");
    }
  });
});
