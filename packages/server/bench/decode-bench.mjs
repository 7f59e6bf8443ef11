#!/usr/bin/env node
// Decode throughput of the OTLP decoders, in spans per second on one core.
//
// Payload (as in section B of the performance anchors): one ExportTraceServiceRequest of 512 spans,
// 64 traces of an agent root and 7 children (retriever, generations, tools, a chain, an event),
// user/session/tags on every span, about 1 KB of input+output JSON per span and a few hundred bytes
// of other attributes, serialized by OpenTelemetry's own ProtobufTraceSerializer and
// JsonTraceSerializer. Rounds interleave the variants; the median and range over rounds are printed.
//
//   npm run build && node packages/server/bench/decode-bench.mjs [--rounds 15] [--iterations 20]
import { parseArgs } from "node:util";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SightlineAttributes as A } from "@sightline/core";
import { decodeOtlpJson, decodeOtlpProtobuf } from "@sightline/server";

const { values: args } = parseArgs({
  options: { rounds: { type: "string", default: "15" }, iterations: { type: "string", default: "20" } },
});
const ROUNDS = Number(args.rounds);
const ITERATIONS = Number(args.iterations);

const WORDS = "the quick brown fox jumps over a lazy dog while tired engineers measure latency across tracing pipelines".split(" ");
function prose(length, seed) {
  let text = "";
  for (let i = seed; text.length < length; i = (i * 7 + 3) % 9973) text += `${WORDS[i % WORDS.length]} `;
  return text.slice(0, length);
}

function payloadSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "support-agent", "service.version": "1.4.2", "telemetry.sdk.language": "nodejs" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("langfuse-sdk", "5.11.1");
  const types = ["retriever", "generation", "tool", "generation", "chain", "tool", "event"];
  for (let t = 0; t < 64; t++) {
    const shared = {
      [A.TRACE_USER_ID]: `user-${t % 17}`,
      [A.TRACE_SESSION_ID]: `session-${t % 9}`,
      [A.TRACE_TAGS]: ["production", `team-${t % 4}`],
      [A.ENVIRONMENT]: "production",
      [A.RELEASE]: "2026.11.3",
    };
    tracer.startActiveSpan("agent-run", { kind: SpanKind.SERVER, attributes: shared }, (root) => {
      root.setAttributes({
        [A.OBSERVATION_TYPE]: "agent",
        [A.OBSERVATION_INPUT]: JSON.stringify({ question: prose(480, t) }),
        [A.OBSERVATION_OUTPUT]: JSON.stringify({ answer: prose(480, t + 1) }),
        [A.TRACE_NAME]: "support-question",
      });
      types.forEach((type, i) => {
        const child = tracer.startSpan(`${type}-${i}`, { attributes: shared });
        child.setAttributes({
          [A.OBSERVATION_TYPE]: type,
          [A.OBSERVATION_INPUT]: JSON.stringify({ messages: [{ role: "system", content: prose(180, i) }, { role: "user", content: prose(300, t + i) }] }),
          [A.OBSERVATION_OUTPUT]: JSON.stringify({ role: "assistant", content: prose(440, t * i + 2), finish_reason: "stop" }),
          [`${A.OBSERVATION_METADATA_PREFIX}step`]: i,
        });
        if (type === "generation") {
          child.setAttributes({
            [A.OBSERVATION_MODEL]: "gpt-4o-mini",
            [A.OBSERVATION_MODEL_PARAMETERS]: JSON.stringify({ temperature: 0.2, max_tokens: 512 }),
            [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({ input: 312, output: 187, total: 499 }),
            [A.OBSERVATION_COST_DETAILS]: JSON.stringify({ input: 0.0000468, output: 0.0001122, total: 0.000159 }),
          });
        }
        if (i === 5 && t % 8 === 0) child.setStatus({ code: SpanStatusCode.ERROR, message: "tool timed out" });
        child.end();
      });
      root.end();
    });
  }
  return exporter.getFinishedSpans();
}

function measure(decode, body, expectedSpans) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const { spans } = decode(body);
    if (spans.length !== expectedSpans) throw new Error(`decoded ${spans.length} spans, expected ${expectedSpans}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (ITERATIONS * expectedSpans) / seconds;
}

const spans = payloadSpans();
const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
const json = JsonTraceSerializer.serializeRequest(spans);
const variants = [
  ["decodeOtlpProtobuf (bytes -> DecodedSpan)", decodeOtlpProtobuf, protobuf],
  ["decodeOtlpJson (bytes -> string -> JSON.parse -> DecodedSpan)", decodeOtlpJson, json],
  // Baseline: what parsing alone costs, without validation or conversion (one resource, one scope).
  ["baseline: JSON.parse only (bytes -> string -> objects)", (b) => JSON.parse(Buffer.from(b).toString("utf8")).resourceSpans[0].scopeSpans[0], json],
];
const n = spans.length;
for (const [, decode, body] of variants) for (let i = 0; i < 30; i++) measure(decode, body, n); // warm-up

const results = variants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
  for (const v of order) {
    const [, decode, body] = variants[v];
    results[v].push(measure(decode, body, n));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const k = (x) => `${(x / 1000).toFixed(1)}k`;
const avgIo = spans.reduce((s, sp) => s + String(sp.attributes[A.OBSERVATION_INPUT]).length + String(sp.attributes[A.OBSERVATION_OUTPUT]).length, 0) / n;
console.log(`node ${process.version}, ${n} spans per request, avg input+output ${avgIo.toFixed(0)} chars/span`);
console.log(`protobuf body ${protobuf.length} B (${(protobuf.length / n).toFixed(0)} B/span), JSON body ${json.length} B (${(json.length / n).toFixed(0)} B/span)`);
console.log(`${ROUNDS} rounds x ${ITERATIONS} requests; spans/s median [min-max], ms per request at the median\n`);
variants.forEach(([name], v) => {
  const rates = results[v];
  const m = median(rates);
  console.log(`${name.padEnd(64)} ${k(m).padStart(8)} [${k(Math.min(...rates))}-${k(Math.max(...rates))}]  ${((n / m) * 1000).toFixed(2)} ms`);
});
