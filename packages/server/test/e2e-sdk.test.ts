// End to end with the real process: `sightline serve` on a free port and a temp data dir, the
// Sightline SDK (registerSightline) running the spec's examples in this process, and `sightline
// demo` / `sightline keys` as child processes. Everything is checked through the REST API.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { registerSightline } from "@sightline/otel";
import type { SightlineRegistration } from "@sightline/otel";
import {
  createTraceId,
  observe,
  propagateAttributes,
  startActiveObservation,
  startObservation,
  updateActiveObservation,
} from "@sightline/tracing";
import { CLI_MAIN, RestClient, spawnServe } from "./support/serve-process.js";
import type { ServeProcess } from "./support/serve-process.js";

const run = promisify(execFile);
const PUBLIC_KEY = "pk-lf-e2e-public";
const SECRET_KEY = "sk-lf-e2e-secret";

let dataDir: string;
let server: ServeProcess;
let rest: RestClient;
let sightline: SightlineRegistration;
const traceIds: Record<string, string> = {};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sightline-e2e-sdk-"));
  server = await spawnServe(dataDir, {
    SIGHTLINE_INIT_PUBLIC_KEY: PUBLIC_KEY,
    SIGHTLINE_INIT_SECRET_KEY: SECRET_KEY,
    SIGHTLINE_AUTH_CACHE_TTL_MILLIS: "1000",
  });
  rest = new RestClient(server.url, PUBLIC_KEY, SECRET_KEY);
  sightline = registerSightline({ baseUrl: server.url, publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, flushOnExit: false });

  // spec "Context manager"
  await startActiveObservation("user-request", async (span) => {
    traceIds.contextManager = span.traceId;
    span.update({ input: { query: "Capital of France?" } });
    const generation = startObservation(
      "llm-call",
      { model: "gpt-4", input: [{ role: "user", content: "Capital of France?" }] },
      { asType: "generation" },
    );
    generation.update({ output: { content: "Paris." }, usageDetails: { input: 10, output: 5 } }).end();
    span.update({ output: "Answered." });
  });

  // spec "Manual observations"
  const root = startObservation("user-request-manual", { input: { query: "What is the capital of France?" } });
  traceIds.manual = root.traceId;
  const toolCall = root.startObservation("fetch-weather", { input: { city: "Paris" } }, { asType: "tool" });
  await new Promise((r) => setTimeout(r, 20));
  toolCall.update({ output: { temperature: "15°C" } }).end();
  const generation = root.startObservation("llm-call", { model: "gpt-4", input: [{ role: "user", content: "What is the capital of France?" }] }, { asType: "generation" });
  generation.update({ usageDetails: { input: 10, output: 5 }, output: { content: "The capital of France is Paris." } }).end();
  root.update({ output: "Successfully answered user request." }).end();

  // spec "Nesting observations"
  await startActiveObservation("outer-process", async (outer) => {
    traceIds.nesting = outer.traceId;
    await startActiveObservation("llm-step-1", async (span) => {
      await new Promise((r) => setTimeout(r, 3)); // start times have millisecond precision: keep the order visible
      span.update({ output: "LLM 1 output" });
    });
    await startActiveObservation("intermediate-step", async (span) => {
      await startActiveObservation("llm-step-2", async (child) => {
        child.update({ output: "LLM 2 output" });
      });
      span.update({ output: "Intermediate processing done" });
    });
  });

  // spec "Observe wrapper"
  const tracedFetchData = observe(
    async function fetchData(source: string) {
      updateActiveObservation({ metadata: { source: "API" } });
      return { data: `some data from ${source}` };
    },
    { name: "fetch-data", asType: "span" },
  );
  await startActiveObservation("observe-example", async (span) => {
    traceIds.observe = span.traceId;
    await tracedFetchData("API");
  });

  // spec "Add attributes to observations"
  await startActiveObservation("user-workflow", async (span) => {
    traceIds.propagation = span.traceId;
    await propagateAttributes(
      { userId: "user_123", sessionId: "session_abc", metadata: { experiment: "variant_a", env: "prod" }, version: "1.0", traceName: "user-workflow" },
      async () => {
        startObservation("llm-call", { model: "gpt-4" }, { asType: "generation" }).end();
      },
    );
  });

  // spec "Trace and observation IDs": a seeded trace id joined to a remote parent
  traceIds.seeded = await createTraceId("support-ticket-54321");
  startObservation("process-ticket", {}, { parentSpanContext: { traceId: traceIds.seeded, spanId: "0123456789abcdef", traceFlags: 1 } }).end();

  // an error inside tagged work
  await propagateAttributes({ tags: ["e2e", "failing"], userId: "user_err" }, async () => {
    const failing = observe(
      async () => {
        throw new Error("upstream model unavailable");
      },
      { name: "model-call", asType: "generation" },
    );
    await startActiveObservation("failing-request", async (span) => {
      traceIds.failing = span.traceId;
      await failing().catch(() => undefined);
    });
  });

  await sightline.forceFlush();
});

after(async () => {
  await sightline?.shutdown();
  const code = await server?.stop("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
  assert.equal(code, 0, `serve exits 0 on SIGTERM; stderr: ${server?.stderr()}`);
});

describe("e2e: the Sightline SDK against `sightline serve`", () => {
  it("delivers every span, with no failure", () => {
    const stats = sightline.processor.getStats();
    assert.equal(stats.failed, 0);
    assert.equal(stats.dropped, 0);
    assert.equal(stats.exported, 16);
  });

  it("spec context manager: the generation under its span, with the root's IO as the trace's", async () => {
    assert.equal(await rest.tree(traceIds.contextManager!), "user-request [SPAN]\n  llm-call [GENERATION]");
    const trace = await rest.trace(traceIds.contextManager!);
    assert.equal(trace.name, "user-request");
    assert.deepEqual(trace.input, { query: "Capital of France?" });
    assert.equal(trace.output, "Answered.");
    const llm = trace.observations.find((o) => o.name === "llm-call")!;
    assert.equal(llm.model, "gpt-4");
    assert.deepEqual(llm.usage, { input: 10, output: 5, total: 15, unit: "TOKENS" });
    assert.equal(trace.totalTokens, 15);
  });

  it("spec manual observations: tool and generation are siblings under the root", async () => {
    assert.equal(await rest.tree(traceIds.manual!), "user-request-manual [SPAN]\n  fetch-weather [TOOL]\n  llm-call [GENERATION]");
  });

  it("spec nesting: three levels", async () => {
    assert.equal(
      await rest.tree(traceIds.nesting!),
      "outer-process [SPAN]\n  llm-step-1 [SPAN]\n  intermediate-step [SPAN]\n    llm-step-2 [SPAN]",
    );
  });

  it("spec observe: input, output and metadata of the wrapped call", async () => {
    const trace = await rest.trace(traceIds.observe!);
    const fetchData = trace.observations.find((o) => o.name === "fetch-data")!;
    assert.equal(fetchData.input, "API");
    assert.deepEqual(fetchData.output, { data: "some data from API" });
    assert.deepEqual(fetchData.metadata, { source: "API" });
  });

  it("spec propagateAttributes: user, session, version and metadata on the trace", async () => {
    const trace = await rest.trace(traceIds.propagation!);
    assert.equal(trace.userId, "user_123");
    assert.equal(trace.sessionId, "session_abc");
    assert.equal(trace.version, "1.0");
    assert.equal(trace.name, "user-workflow");
    assert.deepEqual(trace.metadata, { experiment: "variant_a", env: "prod" });
    const sessions = await rest.get<{ traces: Array<{ id: string }> }>("/api/public/sessions/session_abc");
    assert.deepEqual(sessions.traces.map((t) => t.id), [traceIds.propagation]);
  });

  it("spec seeded trace id: the trace has the seeded id and the remote parent's child is its root", async () => {
    assert.match(traceIds.seeded!, /^[0-9a-f]{32}$/);
    const trace = await rest.trace(traceIds.seeded!);
    assert.equal(trace.id, traceIds.seeded);
    assert.equal(trace.observations[0]!.parentObservationId, "0123456789abcdef");
    assert.equal(await rest.tree(traceIds.seeded!), "process-ticket [SPAN]");
  });

  it("an error: level ERROR with its message, on the observation and the trace; tags propagated", async () => {
    const trace = await rest.trace(traceIds.failing!);
    assert.equal(trace.level, "ERROR");
    assert.deepEqual([...trace.tags].sort(), ["e2e", "failing"]);
    const call = trace.observations.find((o) => o.name === "model-call")!;
    assert.equal(call.level, "ERROR");
    assert.match(call.statusMessage ?? "", /upstream model unavailable/);
    const listed = await rest.allTraces("tags=failing");
    assert.deepEqual(listed.map((t) => t.id), [traceIds.failing]);
  });
});

describe("e2e: `sightline keys` and `sightline demo` against the running server", () => {
  it("creates a key for another project while the server runs; the demo's traces arrive there", async () => {
    const created = await run(process.execPath, [CLI_MAIN, "keys", "create", "--project", "demo", "--note", "e2e demo", "--data-dir", dataDir]);
    const publicKey = /public key: (\S+)/.exec(created.stdout)?.[1];
    const secretKey = /secret key: (\S+)/.exec(created.stdout)?.[1];
    assert.ok(publicKey !== undefined && secretKey !== undefined, created.stdout);

    const demo = await run(process.execPath, [CLI_MAIN, "demo", "--base-url", server.url, "--public-key", publicKey, "--secret-key", secretKey], {
      env: { ...process.env, SIGHTLINE_PUBLIC_KEY: "", SIGHTLINE_SECRET_KEY: "" },
    });
    assert.match(demo.stdout, /Sent 13 traces \(\d+ observations\)/);

    const demoRest = new RestClient(server.url, publicKey, secretKey);
    const traces = await demoRest.allTraces();
    assert.equal(traces.length, 13);
    const byName = (name: string) => traces.filter((t) => t.name === name);

    const turns = byName("chat-turn");
    assert.equal(turns.length, 3);
    assert.equal(new Set(turns.map((t) => t.sessionId)).size, 1);
    assert.ok(turns.every((t) => t.userId === "alice@example.com"));

    assert.equal(
      await demoRest.tree(byName("docs-question")[0]!.id),
      "docs-question [CHAIN]\n  embed-query [EMBEDDING]\n  vector-search [RETRIEVER]\n  answer-with-context [GENERATION]",
    );
    assert.equal(
      await demoRest.tree(byName("weather-agent")[0]!.id),
      "weather-agent [AGENT]\n  plan-tool-call [GENERATION]\n  get_weather [TOOL]\n  final-answer [GENERATION]",
    );
    assert.equal(byName("summarize-document")[0]!.level, "ERROR");
    const streamed = await demoRest.trace(byName("streamed-answer")[0]!.id);
    const stream = streamed.observations.find((o) => o.name === "stream-completion")!;
    assert.equal(stream.output, "Sightline keeps every span you send, durably.");
    assert.ok(stream.completionStartTime !== null);
    assert.ok(stream.totalTokens > 0);

    // the default project's data is untouched by the demo project's traces
    assert.equal((await rest.allTraces()).length, 7);
  });

  it("revokes a key with `sightline keys revoke`; the server then refuses it with 401 revoked_api_key", async () => {
    const created = await run(process.execPath, [CLI_MAIN, "keys", "create", "--data-dir", dataDir]);
    const publicKey = /public key: (\S+)/.exec(created.stdout)![1]!;
    const secretKey = /secret key: (\S+)/.exec(created.stdout)![1]!;
    const probe = () => fetch(`${server.url}/api/public/traces`, { headers: { authorization: `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}` } });
    assert.equal((await probe()).status, 200);

    const list = await run(process.execPath, [CLI_MAIN, "keys", "list", "--json", "--data-dir", dataDir]);
    const keys = JSON.parse(list.stdout) as Array<{ id: string; publicKey: string; secretKey: string; revokedAt: string | null }>;
    const key = keys.find((k) => k.publicKey === publicKey)!;
    assert.ok(!list.stdout.includes(secretKey), "list never shows a secret");
    assert.match(key.secretKey, /^sk-sl-\.\.\.[0-9a-f]{4}$/);

    const revoked = await run(process.execPath, [CLI_MAIN, "keys", "revoke", key.id, "--data-dir", dataDir]);
    assert.match(revoked.stdout, /Revoked key/);
    // The running server trusts its key cache for up to SIGHTLINE_AUTH_CACHE_TTL_MILLIS (1 s here).
    const deadline = Date.now() + 3_000;
    let res = await probe();
    while (res.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      res = await probe();
    }
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "revoked_api_key");
  });
});
