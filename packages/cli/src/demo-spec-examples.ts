import {
  createTraceId,
  observe,
  propagateAttributes,
  startActiveObservation,
  startObservation,
  updateActiveObservation,
} from "@sightline/tracing";

// The TypeScript examples of the instrumentation guide (spec/instrumentation.md), as a newcomer would
// write them, so the first traces they see are the ones the documentation describes.

/** One demo scenario: sends its traces and returns how many it started. */
export interface DemoScenario {
  readonly title: string;
  run(): Promise<number>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "Context manager": startActiveObservation with a generation inside. */
async function contextManager(): Promise<number> {
  await startActiveObservation("user-request", async (span) => {
    span.update({ input: { query: "Capital of France?" } });
    const generation = startObservation(
      "llm-call",
      { model: "gpt-4", input: [{ role: "user", content: "Capital of France?" }] },
      { asType: "generation" },
    );
    await pause(40);
    generation.update({ output: { content: "Paris." }, usageDetails: { input: 12, output: 2 } }).end();
    span.update({ output: "Answered." });
  });
  return 1;
}

/** "Observe wrapper": a wrapped function with metadata set from inside. */
async function observeWrapper(): Promise<number> {
  async function fetchData(source: string): Promise<{ data: string }> {
    updateActiveObservation({ metadata: { source: "API" } });
    await pause(15);
    return { data: `some data from ${source}` };
  }
  const tracedFetchData = observe(fetchData, { name: "fetch-data", asType: "span" });
  await tracedFetchData("API");
  return 1;
}

/** "Manual observations": a root with a tool call and a generation, ended by hand. */
async function manualObservations(): Promise<number> {
  const span = startObservation("user-request", { input: { query: "What is the capital of France?" } });
  const toolCall = span.startObservation("fetch-weather", { input: { city: "Paris" } }, { asType: "tool" });
  await pause(100);
  toolCall.update({ output: { temperature: "15°C" } }).end();
  const generation = span.startObservation(
    "llm-call",
    { model: "gpt-4", input: [{ role: "user", content: "What is the capital of France?" }] },
    { asType: "generation" },
  );
  generation.update({ usageDetails: { input: 10, output: 5 }, output: { content: "The capital of France is Paris." } });
  generation.end();
  span.update({ output: "Successfully answered user request." }).end();
  return 1;
}

/** "Nesting observations": three levels of active observations. */
async function nesting(): Promise<number> {
  await startActiveObservation("outer-process", async () => {
    await startActiveObservation("llm-step-1", async (span) => {
      span.update({ output: "LLM 1 output" });
    });
    await startActiveObservation("intermediate-step", async (span) => {
      await startActiveObservation("llm-step-2", async (child) => {
        child.update({ output: "LLM 2 output" });
      });
      span.update({ output: "Intermediate processing done" });
    });
  });
  return 1;
}

/** "Add attributes to observations": propagateAttributes inside an active observation. */
async function propagation(): Promise<number> {
  await startActiveObservation("user-workflow", async () => {
    await propagateAttributes(
      {
        userId: "user_123",
        sessionId: "session_abc",
        metadata: { experiment: "variant_a", env: "prod" },
        version: "1.0",
        traceName: "user-workflow",
      },
      async () => {
        const generation = startObservation("llm-call", { model: "gpt-4" }, { asType: "generation" });
        await pause(20);
        generation.end();
      },
    );
  });
  return 1;
}

/** "Trace and observation IDs": a trace id seeded from an external id, joined to a remote parent. */
async function seededTraceId(): Promise<number> {
  const langfuseTraceId = await createTraceId("support-ticket-54321");
  const rootSpan = startObservation(
    "process-ticket",
    { input: { ticket: "support-ticket-54321", subject: "Refund for a double charge" } },
    { parentSpanContext: { traceId: langfuseTraceId, spanId: "0123456789abcdef", traceFlags: 1 } },
  );
  await pause(10);
  rootSpan.update({ output: { status: "refund issued" } }).end();
  return 1;
}

/** The spec's TypeScript examples, in the order the guide shows them. */
export const SPEC_EXAMPLES: readonly DemoScenario[] = [
  { title: "spec: context manager (startActiveObservation)", run: contextManager },
  { title: "spec: observe wrapper", run: observeWrapper },
  { title: "spec: manual observations (tool + generation)", run: manualObservations },
  { title: "spec: nesting observations", run: nesting },
  { title: "spec: propagateAttributes (user, session, metadata, version)", run: propagation },
  { title: "spec: seeded trace id joined to a remote parent", run: seededTraceId },
];
