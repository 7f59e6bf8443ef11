import { registerSightline } from "@sightline/otel";
import { propagateAttributes, startActiveObservation } from "@sightline/tracing";

/** A word that appears in exactly one trace's output (the full-text search test looks for it). */
export const OUTPUT_WORD = "marmalade";

/** What {@link sendTraces} sent, for assertions. */
export const SENT = {
  alice: "alice-e2e",
  bob: "bob-e2e",
  session: "sess-e2e",
  question: "What jam goes with scones?",
  answer: `Try apricot ${OUTPUT_WORD} with clotted cream.`,
  usage: { input: 31, output: 12, total: 43 },
} as const;

async function chatTurn(question: string, answer: string, userId: string, sessionId: string | undefined): Promise<void> {
  await propagateAttributes({ userId, ...(sessionId === undefined ? {} : { sessionId }), tags: ["e2e", "chat"], traceName: "support-chat" }, () =>
    startActiveObservation("support-chat", async (root) => {
      root.update({ input: { question } });
      await startActiveObservation("answer-pipeline", async () => {
        await startActiveObservation(
          "llm-call",
          async (generation) => {
            await new Promise((r) => setTimeout(r, 5));
            generation.update({
              output: { role: "assistant", content: answer },
              usageDetails: { ...SENT.usage },
              costDetails: { input: 0.0000775, output: 0.00012, total: 0.0001975 },
            });
          },
          {
            asType: "generation",
            attributes: {
              model: "gpt-4o",
              modelParameters: { temperature: 0.2 },
              input: [
                { role: "system", content: "You are a helpful baker." },
                { role: "user", content: question },
              ],
            },
          },
        );
      });
      root.update({ output: { answer } });
    }),
  );
}

/**
 * Sends real traces through our SDK (registerSightline → OTLP/HTTP → the server): a two-turn chat
 * session of one user with a nested generation, and another user's trace.
 */
export async function sendTraces(baseUrl: string, publicKey: string, secretKey: string): Promise<void> {
  const sightline = registerSightline({ baseUrl, publicKey, secretKey, flushOnExit: false });
  try {
    await chatTurn(SENT.question, SENT.answer, SENT.alice, SENT.session);
    await new Promise((r) => setTimeout(r, 20));
    await chatTurn("And with crumpets?", "Butter and honey are classic with crumpets.", SENT.alice, SENT.session);
    await chatTurn("Summarise the quarterly report", "Revenue grew 12% on strong renewals.", SENT.bob, undefined);
    await sightline.forceFlush();
  } finally {
    await sightline.shutdown();
  }
}
