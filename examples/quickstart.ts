// Sightline quickstart: trace a small question-answering pipeline.
//
//   npx tsx examples/quickstart.ts
//
// Spans go to the Sightline server at SIGHTLINE_BASE_URL (default http://127.0.0.1:3000) with the
// keys in SIGHTLINE_PUBLIC_KEY / SIGHTLINE_SECRET_KEY. Existing LANGFUSE_* variables work too.
import { registerSightline } from "@sightline/otel";
import { observe, propagateAttributes, startActiveObservation, startObservation } from "@sightline/tracing";

// One call sets up OpenTelemetry: the span processor, the context manager and the propagators.
const sightline = registerSightline();

// observe(): each call is an observation, with the arguments as input and the result as output.
const retrieveDocuments = observe(
  async (query: string) => [`Paris is the capital of France. (matched "${query}")`],
  { name: "retrieve-documents", asType: "retriever" },
);

async function answerQuestion(question: string): Promise<string> {
  // startActiveObservation(): observations started inside the callback become its children.
  return startActiveObservation("answer-question", async (span) => {
    span.update({ input: { question } });
    const documents = await retrieveDocuments(question);

    // startObservation(): a manual observation; you end it yourself.
    const generation = startObservation(
      "llm-call",
      { model: "gpt-4o", input: [{ role: "user", content: `${documents.join("\n")}\n\n${question}` }] },
      { asType: "generation" },
    );
    const answer = "Paris."; // call your model here
    generation.update({ output: answer, usageDetails: { input: 24, output: 2 } }).end();

    span.update({ output: { answer } });
    console.log(`trace ${span.traceId}: ${answer}`);
    return answer;
  });
}

// propagateAttributes(): every observation inside gets the user, session and tags.
await propagateAttributes({ userId: "user_123", sessionId: "session_abc", tags: ["quickstart"] }, () =>
  answerQuestion("What is the capital of France?"),
);

// Send what is buffered before the process exits.
await sightline.shutdown();
