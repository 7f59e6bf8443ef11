// The server benchmark's request: one OTLP/protobuf ExportTraceServiceRequest of 512 spans made by
// OpenTelemetry's own ProtobufTraceSerializer from real ReadableSpans, shaped like the Langfuse SDK's
// (performance anchors §B): 64 traces, each an agent root and 7 children (retriever, generations,
// tools, a chain, an event), user/session/tags/environment/release on every span, about 1 KB of
// input+output JSON per span, model, usage and cost on generations, an error now and then.
//
// Encoding 512 spans costs ≈4 ms of CPU, which the load generator would steal from the server it
// measures (they share the 2 cores). So the body is encoded ONCE, the byte offsets of every trace
// and span id in it are recorded, and each request gets a copy with fresh random ids written at
// those offsets: a new trace/span id set per request for ≈0.5 ms. Start and end times are moved to
// the time of the request the same way (a real SDK sends spans that just ended; identical times in
// every request would make the time indexes take random inserts instead of appends).
import { randomFillSync } from "node:crypto";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SightlineAttributes as A } from "@sightline/core";

export const TRACES_PER_REQUEST = 64;
export const SPANS_PER_TRACE = 8;
export const SPANS_PER_REQUEST = TRACES_PER_REQUEST * SPANS_PER_TRACE;

const WORDS = (
  "the quick brown fox jumps over a lazy dog while tired engineers measure latency across tracing pipelines " +
  "refund policy order shipping invoice account password reset billing subscription upgrade cancel"
).split(" ");

function prose(length, seed) {
  let text = "";
  for (let i = seed; text.length < length; i = (i * 7 + 3) % 9973) text += `${WORDS[i % WORDS.length]} `;
  return text.slice(0, length);
}

/** The 512 ReadableSpans of one request. */
/** One request's spans as ReadableSpans (also used by the server's decode benchmark). */
export function payloadSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "support-agent", "service.version": "1.4.2", "telemetry.sdk.language": "nodejs" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("langfuse-sdk", "5.11.1");
  const types = ["retriever", "generation", "tool", "generation", "chain", "tool", "event"];
  for (let t = 0; t < TRACES_PER_REQUEST; t++) {
    const shared = {
      [A.TRACE_USER_ID]: `user-${t % 17}`,
      [A.TRACE_SESSION_ID]: `session-${t % 9}`,
      [A.TRACE_TAGS]: ["production", `team-${t % 4}`],
      [A.ENVIRONMENT]: "production",
      [A.RELEASE]: "2026.11.3",
    };
    {
      const root = tracer.startSpan("agent-run", { kind: SpanKind.SERVER, attributes: shared });
      // No context manager is registered: the children get their parent explicitly.
      const parent = trace.setSpan(ROOT_CONTEXT, root);
      root.setAttributes({
        [A.OBSERVATION_TYPE]: "agent",
        [A.OBSERVATION_INPUT]: JSON.stringify({ question: prose(480, t) }),
        [A.OBSERVATION_OUTPUT]: JSON.stringify({ answer: prose(480, t + 1) }),
        [A.TRACE_NAME]: "support-question",
      });
      types.forEach((type, i) => {
        const child = tracer.startSpan(`${type}-${i}`, { attributes: shared }, parent);
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
    }
  }
  return exporter.getFinishedSpans();
}

/** Every offset at which `needle` occurs in `haystack`. */
function offsetsOf(haystack, needle) {
  const found = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/**
 * The request template: `body()` returns a fresh protobuf body (new trace and span ids, the parent
 * links kept consistent) and the hex trace ids it carries.
 */
export function createIngestPayload() {
  const spans = payloadSpans();
  const template = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
  const traceIds = [...new Set(spans.map((s) => s.spanContext().traceId))];
  const spanIds = spans.map((s) => s.spanContext().spanId);
  // Each id's byte offsets in the body: a trace id occurs in each of its spans, a span id in the
  // span and in its children's parent_span_id.
  const traceOffsets = traceIds.map((id) => offsetsOf(template, Buffer.from(id, "hex")));
  const spanOffsets = spanIds.map((id) => offsetsOf(template, Buffer.from(id, "hex")));
  for (const list of traceOffsets) if (list.length !== SPANS_PER_TRACE) throw new Error("trace id offsets: unexpected count");
  for (const list of spanOffsets) if (list.length === 0) throw new Error("span id offsets: not found");
  const nanos = (hr) => BigInt(hr[0]) * 1_000_000_000n + BigInt(hr[1]);
  const le64 = (value) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(value);
    return b;
  };
  const templateStart = nanos(spans[0].startTime);
  // Every start and end time (fixed64, little-endian): its offset and its distance from the first
  // start, split into 32-bit halves, so each request writes them with number arithmetic (a BigInt
  // per time made the generator cost more of the shared cores than the ids and copies together).
  const timeOffsets = [];
  const deltaLo = [];
  const deltaHi = [];
  for (const span of spans) {
    for (const t of [nanos(span.startTime), nanos(span.endTime)]) {
      const delta = t - templateStart;
      for (const at of offsetsOf(template, le64(t))) {
        timeOffsets.push(at);
        deltaLo.push(Number(delta & 0xffff_ffffn));
        deltaHi.push(Number(delta >> 32n));
      }
    }
  }
  if (timeOffsets.length < spans.length * 2) throw new Error("time offsets: not found");
  const inputChars = spans.reduce((sum, s) => sum + String(s.attributes[A.OBSERVATION_INPUT]).length + String(s.attributes[A.OBSERVATION_OUTPUT]).length, 0);
  const random = Buffer.alloc(traceIds.length * 16 + spanIds.length * 8);

  return {
    spans: spans.length,
    bytes: template.length,
    ioCharsPerSpan: inputChars / spans.length,
    /** A copy of the body with fresh ids; `traceIds` are the new ids as lowercase hex (computed when read). */
    body() {
      const body = Buffer.from(template);
      randomFillSync(random);
      for (let t = 0; t < traceOffsets.length; t++) {
        for (const at of traceOffsets[t]) random.copy(body, at, t * 16, t * 16 + 16);
      }
      const now = BigInt(Date.now()) * 1_000_000n;
      const nowLo = Number(now & 0xffff_ffffn);
      const nowHi = Number(now >> 32n);
      for (let i = 0; i < timeOffsets.length; i++) {
        const lo = nowLo + deltaLo[i];
        const at = timeOffsets[i];
        body.writeUInt32LE(lo % 0x1_0000_0000, at);
        body.writeUInt32LE(nowHi + deltaHi[i] + Math.floor(lo / 0x1_0000_0000), at + 4);
      }
      const base = traceIds.length * 16;
      for (let s = 0; s < spanOffsets.length; s++) {
        for (const at of spanOffsets[s]) random.copy(body, at, base + s * 8, base + s * 8 + 8);
      }
      const ids = random.subarray(0, base);
      return {
        body,
        get traceIds() {
          return Array.from({ length: traceOffsets.length }, (_, t) => ids.toString("hex", t * 16, t * 16 + 16));
        },
      };
    },
  };
}
