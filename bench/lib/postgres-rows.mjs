// Observation records shaped like the server benchmark's spans, for the PostgreSQL store benchmark:
// 512-observation batches of 64 traces x 8 spans, ~1 KB of input+output per span, user, session and
// tags on every span, usage and cost on generations.
import { randomBytes } from "node:crypto";

export const TRACES_PER_BATCH = 64;
export const SPANS_PER_TRACE = 8;
const WORDS = "the quick brown fox jumps over a lazy dog refund policy order shipping invoice account password reset billing".split(" ");
const prose = (n, seed) => {
  let text = "";
  for (let i = seed; text.length < n; i = (i * 7 + 3) % 9973) text += `${WORDS[i % WORDS.length]} `;
  return text.slice(0, n);
};
export const hex = (bytes) => randomBytes(bytes).toString("hex");
let clock = BigInt(Date.now()) * 1_000_000n;
let step = 1_000_000n;

/** Makes the next batches' traces start at `fromNs`, `stepNs` apart (default: now, 1 ms apart). */
export function spreadTraces(fromNs, stepNs) {
  clock = fromNs;
  step = stepNs;
}

/** One 512-observation batch: 64 traces of 8 spans, ~1 KB IO per span, user/session/tags on every span. */
export function batch() {
  const records = [];
  for (let t = 0; t < TRACES_PER_BATCH; t++) {
    const traceId = hex(16);
    const rootId = hex(8);
    const start = (clock += step);
    const trace = { userId: `user-${t % 50}`, sessionId: `session-${traceId.slice(0, 3)}`, tags: ["bench", t % 2 ? "odd" : "even"] };
    for (let s = 0; s < SPANS_PER_TRACE; s++) {
      const generation = s % 3 === 1;
      records.push({
        id: s === 0 ? rootId : hex(8),
        traceId,
        parentObservationId: s === 0 ? null : rootId,
        name: s === 0 ? "agent-run" : generation ? "llm-call" : `tool-${s}`,
        type: s === 0 ? "AGENT" : generation ? "GENERATION" : "TOOL",
        startTimeNs: start + BigInt(s) * 1000n,
        endTimeNs: start + BigInt(s) * 1000n + 500_000n,
        completionStartTimeNs: null,
        level: s === 7 && t % 10 === 0 ? "ERROR" : "DEFAULT",
        statusMessage: null,
        version: null,
        environment: "production",
        input: { messages: [{ role: "user", content: prose(500, t * 8 + s) }] },
        output: { role: "assistant", content: prose(500, t * 8 + s + 1) },
        metadata: { step: s },
        model: generation ? "gpt-4o-mini" : null,
        modelParameters: generation ? { temperature: 0.2 } : null,
        usageDetails: generation ? { input: 120, output: 40, total: 160 } : {},
        costDetails: generation ? { input: 0.000018, output: 0.000024, total: 0.000042 } : {},
        promptName: null,
        promptVersion: null,
        isAppRoot: s === 0,
        trace: s === 0 ? { ...trace, name: "support-chat", release: "1.4.2" } : trace,
        resourceAttributes: { "service.name": "support-agent" },
        scope: { name: "sightline", version: "0.1.0" },
      });
    }
  }
  return records;
}

