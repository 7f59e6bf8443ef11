// A load generator for the crash-safety tests, run as its own process: sends OTLP/JSON requests of
// 10 traces x 10 spans (about 1 KB of IO each, fresh ids) over `concurrency` connections until it is
// killed, and prints "ACK <trace ids>" for every request the server answered with 200, at once.
//   node ingest-loop.mjs <base url> <public key> <secret key> [concurrency]
import { randomBytes } from "node:crypto";

const [url, publicKey, secretKey, concurrencyArg] = process.argv.slice(2);
const authorization = `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}`;
const concurrency = Number(concurrencyArg ?? 2);
const io = JSON.stringify({ messages: [{ role: "user", content: "lorem ipsum dolor sit amet ".repeat(18) }] });
const str = (key, value) => ({ key, value: { stringValue: value } });

function request() {
  const traceIds = [];
  const spans = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  for (let t = 0; t < 10; t++) {
    const traceId = randomBytes(16).toString("hex");
    traceIds.push(traceId);
    const rootId = randomBytes(8).toString("hex");
    for (let s = 0; s < 10; s++) {
      const spanId = s === 0 ? rootId : randomBytes(8).toString("hex");
      spans.push({
        traceId,
        spanId,
        ...(s === 0 ? {} : { parentSpanId: rootId }),
        name: s === 0 ? "load-root" : `load-step-${s}`,
        kind: 1,
        startTimeUnixNano: String(now + BigInt(s) * 1000n),
        endTimeUnixNano: String(now + BigInt(s) * 1000n + 500_000n),
        attributes: [
          str("langfuse.observation.type", s === 0 ? "agent" : "generation"),
          str("langfuse.observation.input", io),
          str("langfuse.observation.output", io),
          str("user.id", "load-user"),
        ],
        status: {},
      });
    }
  }
  const body = { resourceSpans: [{ resource: { attributes: [str("service.name", "ingest-loop")] }, scopeSpans: [{ scope: { name: "langfuse-sdk" }, spans }] }] };
  return { traceIds, body: JSON.stringify(body) };
}

async function worker() {
  for (;;) {
    const { traceIds, body } = request();
    try {
      const res = await fetch(`${url}/v1/traces`, { method: "POST", headers: { authorization, "content-type": "application/json" }, body });
      await res.arrayBuffer();
      if (res.status === 200) process.stdout.write(`ACK ${traceIds.join(",")}\n`);
      else process.stdout.write(`STATUS ${res.status}\n`);
    } catch {
      process.stdout.write("ERR\n");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

for (let i = 0; i < concurrency; i++) void worker();
