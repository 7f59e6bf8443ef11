// End to end with the REAL Langfuse SDK from npm (@langfuse/tracing + @langfuse/otel 5.11.1):
// LangfuseSpanProcessor pointed at `sightline serve` (a child process on a free port) runs a
// realistic workload, and the REST API must return exactly the expected trees and fields.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { createTraceId, propagateAttributes, startActiveObservation, startObservation } from "@langfuse/tracing";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { RestClient, spawnServe } from "./support/serve-process.js";
import type { ServeProcess } from "./support/serve-process.js";

const PUBLIC_KEY = "pk-lf-1234567890";
const SECRET_KEY = "sk-lf-1234567890";
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let dataDir: string;
let server: ServeProcess;
let rest: RestClient;
let provider: NodeTracerProvider;
let processor: LangfuseSpanProcessor;
const ids: Record<string, string> = {};

/** One support conversation turn: an agent with retrieval, a tool call and two generations. */
async function supportTurn(question: string, turn: number): Promise<string> {
  return startActiveObservation(
    "support-agent",
    async (agent) => {
      agent.update({ input: { question } });
      const docs = await startActiveObservation(
        "search-kb",
        async (retriever) => {
          await pause(5);
          const found = [{ id: "kb-12", text: "Refunds are issued within 5 days." }];
          retriever.update({ output: found });
          return found;
        },
        { asType: "retriever" },
      );
      await pause(2);
      const plan = startObservation(
        "plan",
        { model: "gpt-4o", input: [{ role: "user", content: question }], modelParameters: { temperature: 0 } },
        { asType: "generation" },
      );
      await pause(5);
      plan.update({
        output: { tool_calls: [{ name: "lookup_order", arguments: { orderId: "A-1" } }] },
        usageDetails: { input: 120, output: 30 },
        costDetails: { input: 0.0003, output: 0.0003 },
      });
      plan.end();
      await startActiveObservation(
        "lookup_order",
        async (tool) => {
          await pause(5);
          tool.update({ input: { orderId: "A-1" }, output: { status: "refunded" } });
        },
        { asType: "tool" },
      );
      await pause(2);
      const answer = startObservation(
        "answer",
        { model: "gpt-4o-mini", input: [{ role: "user", content: question }, { role: "tool", content: JSON.stringify(docs) }] },
        { asType: "generation" },
      );
      await pause(5);
      answer.update({
        output: { role: "assistant", content: `Turn ${turn}: your refund was issued.` },
        usageDetails: { prompt_tokens: 200, completion_tokens: 40, total_tokens: 240 },
        completionStartTime: new Date(),
      });
      answer.end();
      agent.update({ output: { answer: `Turn ${turn}: your refund was issued.` } });
      return agent.traceId;
    },
    { asType: "agent" },
  );
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sightline-e2e-langfuse-"));
  server = await spawnServe(dataDir, { SIGHTLINE_INIT_PUBLIC_KEY: PUBLIC_KEY, SIGHTLINE_INIT_SECRET_KEY: SECRET_KEY });
  rest = new RestClient(server.url, PUBLIC_KEY, SECRET_KEY);
  processor = new LangfuseSpanProcessor({ publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, baseUrl: server.url, environment: "e2e" });
  provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();

  await propagateAttributes({ userId: "customer-42", sessionId: "support-session-1", tags: ["support", "refunds"] }, async () => {
    ids.turn1 = await supportTurn("Where is my refund?", 1);
    ids.turn2 = await supportTurn("Thanks! When will it arrive?", 2);
  });

  await startActiveObservation("risky-call", async (span) => {
    ids.failing = span.traceId;
    const generation = startObservation("flaky-model", { model: "gpt-4o" }, { asType: "generation" });
    generation.update({ level: "ERROR", statusMessage: "upstream returned 503" });
    generation.end();
    span.update({ level: "WARNING", statusMessage: "degraded answer" });
  });

  ids.seeded = await createTraceId("order-1234");
  const remoteChild = startObservation(
    "process-order",
    { input: { orderId: "order-1234" } },
    { parentSpanContext: { traceId: ids.seeded, spanId: "abcdef0123456789", traceFlags: 1 } },
  );
  remoteChild.startObservation("charge-card", { input: { amount: 42 } }, { asType: "tool" }).end();
  remoteChild.update({ output: { ok: true } }).end();

  await processor.forceFlush();
});

after(async () => {
  await provider?.shutdown();
  await server?.stop("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("e2e: @langfuse/tracing + @langfuse/otel 5.11.1 against `sightline serve`", () => {
  it("stores exactly the expected traces", async () => {
    const traces = await rest.allTraces();
    assert.deepEqual(traces.map((t) => t.id).sort(), [ids.turn1, ids.turn2, ids.failing, ids.seeded].sort());
  });

  it("rebuilds the nested agent tree of each turn with types and parents", async () => {
    const expected = [
      "support-agent [AGENT]",
      "  search-kb [RETRIEVER]",
      "  plan [GENERATION]",
      "  lookup_order [TOOL]",
      "  answer [GENERATION]",
    ].join("\n");
    assert.equal(await rest.tree(ids.turn1!), expected);
    assert.equal(await rest.tree(ids.turn2!), expected);
  });

  it("keeps the propagated user, session, tags and the processor's environment on the trace", async () => {
    const trace = await rest.trace(ids.turn1!);
    assert.equal(trace.userId, "customer-42");
    assert.equal(trace.sessionId, "support-session-1");
    assert.deepEqual([...trace.tags].sort(), ["refunds", "support"]);
    assert.equal(trace.environment, "e2e");
    assert.deepEqual(trace.input, { question: "Where is my refund?" });
    const session = await rest.get<{ traces: Array<{ id: string }> }>("/api/public/sessions/support-session-1");
    assert.deepEqual(session.traces.map((t) => t.id).sort(), [ids.turn1, ids.turn2].sort());
    const users = await rest.get<{ data: Array<{ userId: string; traceCount: number; sessionCount: number }> }>("/api/public/users");
    const customer = users.data.find((u) => u.userId === "customer-42");
    assert.equal(customer?.traceCount, 2);
    assert.equal(customer?.sessionCount, 1);
  });

  it("keeps generation usage (Langfuse keys and an OpenAI usage object), cost, model and parameters", async () => {
    const trace = await rest.trace(ids.turn1!);
    const plan = trace.observations.find((o) => o.name === "plan")!;
    assert.equal(plan.model, "gpt-4o");
    assert.deepEqual(plan.modelParameters, { temperature: 0 });
    assert.deepEqual(plan.usage, { input: 120, output: 30, total: 150, unit: "TOKENS" });
    assert.ok(Math.abs(plan.calculatedTotalCost - 0.0006) < 1e-12);
    const answer = trace.observations.find((o) => o.name === "answer")!;
    assert.deepEqual(answer.usage, { input: 200, output: 40, total: 240, unit: "TOKENS" });
    assert.ok(answer.completionStartTime !== null);
    // No cost sent for the answer: priced from the catalogue (gpt-4o-mini: $0.15 / $0.60 per million),
    // 200 × 0.15/M + 40 × 0.60/M = 0.00003 + 0.000024 = 0.000054
    assert.ok(Math.abs(answer.calculatedTotalCost - 0.000054) < 1e-12);
    assert.equal(trace.totalTokens, 390);
    assert.ok(Math.abs(trace.totalCost - (0.0006 + 0.000054)) < 1e-12);
  });

  it("records levels and status messages; the trace shows the worst level", async () => {
    const trace = await rest.trace(ids.failing!);
    assert.equal(await rest.tree(ids.failing!), "risky-call [SPAN]\n  flaky-model [GENERATION]");
    const flaky = trace.observations.find((o) => o.name === "flaky-model")!;
    assert.equal(flaky.level, "ERROR");
    assert.equal(flaky.statusMessage, "upstream returned 503");
    assert.equal(trace.observations.find((o) => o.name === "risky-call")!.level, "WARNING");
    assert.equal(trace.level, "ERROR");
    const errors = await rest.get<{ data: Array<{ name: string }> }>("/api/public/observations?level=ERROR");
    assert.deepEqual(errors.data.map((o) => o.name), ["flaky-model"]);
  });

  it("joins a seeded trace id to a remote parent: the local subtree is the displayed tree", async () => {
    assert.match(ids.seeded!, /^[0-9a-f]{32}$/);
    const trace = await rest.trace(ids.seeded!);
    assert.equal(trace.id, ids.seeded);
    assert.equal(trace.name, "process-order");
    assert.equal(await rest.tree(ids.seeded!), "process-order [SPAN]\n  charge-card [TOOL]");
    assert.equal(trace.observations.find((o) => o.name === "process-order")!.parentObservationId, "abcdef0123456789");
  });
});
