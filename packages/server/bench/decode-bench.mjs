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
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { SightlineAttributes as A } from "@sightline/core";
import { decodeOtlpJson, decodeOtlpProtobuf } from "@sightline/server";
// The same realistic request the ingest benchmark sends (64 traces of 8 nested spans).
import { payloadSpans } from "../../../bench/lib/ingest-payload.mjs";

const { values: args } = parseArgs({
  options: { rounds: { type: "string", default: "15" }, iterations: { type: "string", default: "20" } },
});
const ROUNDS = Number(args.rounds);
const ITERATIONS = Number(args.iterations);

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
