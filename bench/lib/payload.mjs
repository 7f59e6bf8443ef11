// The data every variant records: ≈1 KB of JSON input and ≈1 KB of JSON output per op, a model
// name, token usage and cost. The same objects are used by every variant.

const WORDS = (
  "the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxing matches " +
  "and tired engineers measure latency budgets across distributed tracing pipelines at night"
).split(" ");

/** Deterministic prose of exactly `len` characters. */
function text(len, seed) {
  let s = "";
  let i = seed;
  while (s.length < len) {
    s += WORDS[i % WORDS.length] + " ";
    i = (i * 7 + 3) % 9973;
  }
  return s.slice(0, len);
}

function sized(build, target) {
  // Grow the free-text part until JSON.stringify(value) is `target` characters.
  let len = 10;
  let v = build(len);
  const base = JSON.stringify(v).length - len;
  v = build(target - base);
  return v;
}

/** ≈1 KB of JSON: a chat request. */
export const INPUT = sized(
  (n) => ({
    messages: [
      { role: "system", content: text(180, 1) },
      { role: "user", content: text(n, 2) },
    ],
    temperature: 0.2,
  }),
  1000,
);

/** ≈1 KB of JSON: a chat completion. */
export const OUTPUT = sized(
  (n) => ({ role: "assistant", content: text(n, 3), finish_reason: "stop" }),
  1000,
);

export const MODEL = "gpt-4o-mini";
export const USAGE = { input: 312, output: 187, total: 499 };
export const COST = { input: 0.0000468, output: 0.0001122, total: 0.000159 };

/** Characters of input+output JSON per op, as the sink should see them (for the IO check). */
export const IO_CHARS_PER_OP = JSON.stringify(INPUT).length + JSON.stringify(OUTPUT).length;

/** The attribute keys of the wire contract (the Langfuse keys), for the raw-OTel baseline. */
export const K = {
  TYPE: "langfuse.observation.type",
  INPUT: "langfuse.observation.input",
  OUTPUT: "langfuse.observation.output",
  MODEL: "langfuse.observation.model.name",
  USAGE: "langfuse.observation.usage_details",
  COST: "langfuse.observation.cost_details",
};

/** Spans each op creates (what the sink must receive per op). */
export const SPANS_PER_OP = { generation: 1, nested3: 3, observe: 1 };
export const OPS = ["generation", "nested3", "observe"];

/** Characters of the input JSON and of the output JSON (one span per op carries each). */
export const INPUT_CHARS = JSON.stringify(INPUT).length;
export const OUTPUT_CHARS = JSON.stringify(OUTPUT).length;

/** Observation types each op must produce, per op. */
export const TYPES_PER_OP = {
  generation: { generation: 1 },
  nested3: { agent: 1, chain: 1, generation: 1 },
  observe: { span: 1 },
};
