import { randomBytes } from "node:crypto";
import { observe, propagateAttributes, startActiveObservation, updateActiveObservation } from "@sightline/tracing";
import type { DemoScenario } from "./demo-spec-examples.js";

// Realistic LLM application traces: a chat session, a RAG pipeline, a tool-calling agent, a failing
// call and a streamed answer. Model calls are simulated (no network), with plausible messages,
// token counts and costs.

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** USD per token (input, output) of the simulated models. */
const PRICES: Record<string, { input: number; output: number }> = {
  "gpt-4o": { input: 2.5e-6, output: 10e-6 },
  "gpt-4o-mini": { input: 0.15e-6, output: 0.6e-6 },
  "claude-3-5-sonnet-20241022": { input: 3e-6, output: 15e-6 },
  "text-embedding-3-small": { input: 0.02e-6, output: 0 },
};

/** A rough token count (about four characters per token), enough for realistic-looking usage. */
function tokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value).length / 4));
}

function usageAndCost(model: string, input: unknown, output: unknown) {
  const price = PRICES[model] ?? { input: 0, output: 0 };
  const inputTokens = tokens(input);
  const outputTokens = output === undefined ? 0 : tokens(output);
  const inputCost = inputTokens * price.input;
  const outputCost = outputTokens * price.output;
  return {
    usageDetails: { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens },
    costDetails: { input: inputCost, output: outputCost, total: inputCost + outputCost },
  };
}

type Message = { role: "system" | "user" | "assistant" | "tool"; content: string; tool_call_id?: string };

/** A simulated chat completion, recorded as a generation child of the active observation. */
async function chatCompletion(name: string, model: string, messages: Message[], answer: string, latencyMs: number): Promise<string> {
  return startActiveObservation(
    name,
    async (generation) => {
      await pause(latencyMs);
      const output = { role: "assistant", content: answer };
      generation.update({ output, ...usageAndCost(model, messages, output) });
      return answer;
    },
    { asType: "generation", attributes: { model, input: messages, modelParameters: { temperature: 0.3, max_tokens: 512 } } },
  );
}

const SYSTEM: Message = { role: "system", content: "You are a concise travel assistant. Answer in two sentences at most." };

/** Three turns of one user's conversation: three traces sharing a session id. */
async function chatSession(): Promise<number> {
  const sessionId = `chat-${randomBytes(4).toString("hex")}`;
  const turns: Array<[string, string]> = [
    ["I'm planning a weekend in Lisbon in March. Is the weather OK?", "March in Lisbon is mild, around 15-19°C, with some rain. Pack a light jacket and an umbrella."],
    ["Which neighbourhood should I stay in?", "Stay in Chiado or Baixa for walkable sights and trams; Alfama if you want the old town's charm."],
    ["And one restaurant you'd recommend there?", "Try Taberna da Rua das Flores in Chiado for petiscos; arrive early, they take no reservations."],
  ];
  const history: Message[] = [SYSTEM];
  for (const [question, answer] of turns) {
    await propagateAttributes({ userId: "alice@example.com", sessionId, tags: ["chat", "travel-assistant"], traceName: "chat-turn" }, () =>
      startActiveObservation("chat-turn", async (turn) => {
        history.push({ role: "user", content: question });
        turn.update({ input: { message: question } });
        const reply = await chatCompletion("chat-completion", "gpt-4o", [...history], answer, 60);
        history.push({ role: "assistant", content: reply });
        turn.update({ output: { message: reply } });
      }),
    );
  }
  return turns.length;
}

/** Retrieval-augmented generation: embedding, vector search, then the answer. */
async function ragPipeline(): Promise<number> {
  const question = "How do I rotate an API key without downtime?";
  await propagateAttributes({ userId: "bob@example.com", tags: ["rag", "docs-bot"], metadata: { index: "docs-v3" } }, () =>
    startActiveObservation(
      "docs-question",
      async (root) => {
        const embedding = await startActiveObservation(
          "embed-query",
          async (obs) => {
            await pause(25);
            obs.update({ output: { dimensions: 1536 }, ...usageAndCost("text-embedding-3-small", question, undefined) });
            return [0.012, -0.044, 0.031];
          },
          { asType: "embedding", attributes: { model: "text-embedding-3-small", input: question } },
        );
        const documents = await startActiveObservation(
          "vector-search",
          async (obs) => {
            await pause(35);
            const docs = [
              { id: "keys.md#rotation", score: 0.91, text: "Create a second key pair, deploy it, then revoke the old pair." },
              { id: "keys.md#revocation", score: 0.84, text: "A revoked key is refused with 401 immediately." },
              { id: "deploy.md#zero-downtime", score: 0.71, text: "Roll out configuration changes one instance at a time." },
            ];
            obs.update({ output: docs });
            return docs;
          },
          { asType: "retriever", attributes: { input: { query: question, topK: 3, vectorDims: embedding.length } } },
        );
        const context = documents.map((d) => `[${d.id}] ${d.text}`).join("\n");
        const answer = await chatCompletion(
          "answer-with-context",
          "gpt-4o-mini",
          [
            { role: "system", content: `Answer from the documentation excerpts only.\n\n${context}` },
            { role: "user", content: question },
          ],
          "Create a new key pair, switch your services to it one by one, then revoke the old pair (keys.md#rotation).",
          80,
        );
        root.update({ output: { answer, sources: documents.map((d) => d.id) } });
      },
      { asType: "chain", attributes: { input: { question } } },
    ),
  );
  return 1;
}

/** An agent that calls a tool between two model calls. */
async function toolAgent(): Promise<number> {
  const getWeather = observe(
    async (args: { city: string; unit: string }) => {
      await pause(45);
      return { city: args.city, temperature: 21, unit: args.unit, conditions: "sunny" };
    },
    { name: "get_weather", asType: "tool" },
  );
  await propagateAttributes({ userId: "carol@example.com", sessionId: "support-7781", tags: ["agent"] }, () =>
    startActiveObservation(
      "weather-agent",
      async (agent) => {
        const question: Message = { role: "user", content: "Should I bring sunglasses to Barcelona today?" };
        await startActiveObservation(
          "plan-tool-call",
          async (gen) => {
            await pause(50);
            const output = { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Barcelona","unit":"celsius"}' } }] };
            gen.update({ output, ...usageAndCost("claude-3-5-sonnet-20241022", [question], output) });
          },
          { asType: "generation", attributes: { model: "claude-3-5-sonnet-20241022", input: [question] } },
        );
        const weather = await getWeather({ city: "Barcelona", unit: "celsius" });
        const answer = await chatCompletion(
          "final-answer",
          "claude-3-5-sonnet-20241022",
          [question, { role: "tool", tool_call_id: "call_1", content: JSON.stringify(weather) }],
          "Yes: it's sunny and 21°C in Barcelona today, so sunglasses are a good idea.",
          70,
        );
        agent.update({ output: answer });
      },
      { asType: "agent", attributes: { input: { task: "Should I bring sunglasses to Barcelona today?" } } },
    ),
  );
  return 1;
}

/** A model call that fails (rate limited): the trace shows the error level and message. */
async function failingCall(): Promise<number> {
  const callModel = observe(
    async (messages: Message[]) => {
      updateActiveObservation({ model: "gpt-4o", input: messages }, { asType: "generation" });
      await pause(30);
      throw new Error("429 Too Many Requests: Rate limit reached for gpt-4o on tokens per min (TPM). Please retry after 20s.");
    },
    { name: "summarize-call", asType: "generation" },
  );
  await startActiveObservation("summarize-document", async (root) => {
    root.update({ input: { document: "quarterly-report-q3.pdf", pages: 42 } });
    try {
      await callModel([SYSTEM, { role: "user", content: "Summarize the attached quarterly report in five bullet points." }]);
    } catch (error) {
      root.update({ level: "ERROR", statusMessage: `Summary failed: ${String(error)}`, output: null });
    }
  });
  return 1;
}

/** A streamed answer: an async generator wrapped with observe, consumed chunk by chunk. */
async function streamedGeneration(): Promise<number> {
  const streamCompletion = observe(
    async function* (prompt: string) {
      const chunks = ["Sightline ", "keeps ", "every ", "span ", "you ", "send, ", "durably."];
      for (const chunk of chunks) {
        await pause(12);
        yield chunk;
      }
      updateActiveObservation(
        { model: "gpt-4o-mini", ...usageAndCost("gpt-4o-mini", prompt, chunks.join("")) },
        { asType: "generation" },
      );
    },
    { name: "stream-completion", asType: "generation" },
  );
  await startActiveObservation("streamed-answer", async (root) => {
    root.update({ input: { prompt: "Describe Sightline in one sentence." } });
    let text = "";
    for await (const chunk of streamCompletion("Describe Sightline in one sentence.")) text += chunk;
    root.update({ output: text });
  });
  return 1;
}

/** Application-like scenarios beyond the spec's snippets. */
export const APP_SCENARIOS: readonly DemoScenario[] = [
  { title: "multi-turn chat session (3 turns, one user)", run: chatSession },
  { title: "RAG pipeline (embedding, retriever, generation)", run: ragPipeline },
  { title: "agent with a tool call", run: toolAgent },
  { title: "failing model call (rate limited)", run: failingCall },
  { title: "streamed generation (observe over an async generator)", run: streamedGeneration },
];
