// Child process for linking.test.ts: a tracer provider but NO context manager.
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { startActiveObservation } from "@sightline/tracing";

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
for (let i = 0; i < 3; i++) {
  startActiveObservation("outer", () => startActiveObservation("inner", () => undefined));
}
const first = exporter.getFinishedSpans().slice(0, 2);
console.log(`traces=${new Set(first.map((s) => s.spanContext().traceId)).size}`);
