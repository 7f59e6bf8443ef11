// The variants under test. Each `setupX(options)` builds one tracing pipeline pointed at the sink
// and returns the three ops plus forceFlush/shutdown:
//
//   { ops: { generation(), nested3(), observe() }, forceFlush(): Promise, shutdown(): Promise, info }
//
// options: { url: sink base URL for this worker (e.g. http://127.0.0.1:PORT/r/TOKEN),
//            buffered: false | { spans: N } (hold N spans: huge queue/batch, 1 h delay) }
//
// Every variant does the same work per op: the same span names, observation types and attribute
// values (JSON.stringify of ≈1 KB input and ≈1 KB output, model, usage, cost).
import { pathToFileURL } from "node:url";
import { INPUT, OUTPUT, MODEL, USAGE, COST, K } from "./payload.mjs";

export const VARIANTS = ["noop", "raw-json", "langfuse", "sightline"];

/** Drops and export failures reported by a variant's own hooks (Sightline's onDrop/onError). */
export const hookCounters = { dropped: 0, failedSpans: 0 };

const AUTH = "Basic " + Buffer.from("pk:sk").toString("base64");
const HOUR_MS = 3_600_000;
const BIG_TIMEOUT_MS = 300_000;

/** The function being observed in the `observe` op (and called directly by `noop`). */
function handle(input) {
  return input === INPUT ? OUTPUT : null;
}

async function registerOtelGlobals(provider) {
  const { trace, context } = await import("@opentelemetry/api");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (provider) trace.setGlobalTracerProvider(provider);
}

// ---------------------------------------------------------------------------------------------
// noop: the plain function call
export async function setupNoop() {
  let sink = 0;
  return {
    ops: {
      generation() { sink += handle(INPUT) === OUTPUT ? 1 : 0; },
      nested3() { sink += handle(INPUT) === OUTPUT ? 1 : 0; },
      observe() { sink += handle(INPUT) === OUTPUT ? 1 : 0; },
    },
    async forceFlush() {},
    async shutdown() {},
    info: { description: "plain function call", calls: () => sink },
  };
}

// ---------------------------------------------------------------------------------------------
// raw-json: raw OpenTelemetry, BatchSpanProcessor + OTLP/HTTP JSON exporter
export async function setupRawJson({ url, buffered }) {
  const { trace, context } = await import("@opentelemetry/api");
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");

  const exporter = new OTLPTraceExporter({
    url: `${url}/v1/traces`,
    headers: { Authorization: AUTH },
    ...(buffered ? { timeoutMillis: BIG_TIMEOUT_MS } : {}),
  });
  const bspConfig = buffered
    ? {
        maxQueueSize: buffered.spans + 1000,
        maxExportBatchSize: buffered.spans + 1000,
        scheduledDelayMillis: HOUR_MS,
        exportTimeoutMillis: BIG_TIMEOUT_MS,
      }
    : {};
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, bspConfig)] });
  await registerOtelGlobals(provider);
  const tracer = trace.getTracer("langfuse-sdk", "bench");

  const generation = () => {
    const span = tracer.startSpan("llm-call", {
      attributes: { [K.TYPE]: "generation", [K.INPUT]: JSON.stringify(INPUT), [K.MODEL]: MODEL },
    });
    span.setAttributes({
      [K.OUTPUT]: JSON.stringify(OUTPUT),
      [K.USAGE]: JSON.stringify(USAGE),
      [K.COST]: JSON.stringify(COST),
    });
    span.end();
  };

  const nested3 = () =>
    tracer.startActiveSpan("agent", { attributes: { [K.TYPE]: "agent" } }, (agent) => {
      tracer.startActiveSpan("chain", { attributes: { [K.TYPE]: "chain" } }, (chain) => {
        tracer.startActiveSpan("llm-call", { attributes: { [K.TYPE]: "generation" } }, (gen) => {
          gen.setAttributes({
            [K.INPUT]: JSON.stringify(INPUT),
            [K.MODEL]: MODEL,
            [K.OUTPUT]: JSON.stringify(OUTPUT),
            [K.USAGE]: JSON.stringify(USAGE),
            [K.COST]: JSON.stringify(COST),
          });
          gen.end();
        });
        chain.end();
      });
      agent.end();
    });

  // What an observe() wrapper does by hand: span with the argument as input, the function run in
  // the span's context, the return value as output.
  const wrapped = function (...args) {
    const span = tracer.startSpan("handle", {
      attributes: { [K.TYPE]: "span", [K.INPUT]: JSON.stringify(args.length === 1 ? args[0] : args) },
    });
    const result = context.with(trace.setSpan(context.active(), span), () => handle.apply(this, args));
    span.setAttribute(K.OUTPUT, JSON.stringify(result));
    span.end();
    return result;
  };
  const observe = () => wrapped(INPUT);

  return {
    ops: { generation, nested3, observe },
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    info: { description: "BasicTracerProvider + BatchSpanProcessor + OTLPTraceExporter (http/json)" },
  };
}

// ---------------------------------------------------------------------------------------------
// The Langfuse-style API shared by @langfuse/tracing and @sightline/tracing
function apiOps(api) {
  const { startObservation, startActiveObservation, observe } = api;
  const generation = () => {
    const gen = startObservation("llm-call", { input: INPUT, model: MODEL }, { asType: "generation" });
    gen.update({ output: OUTPUT, usageDetails: USAGE, costDetails: COST });
    gen.end();
  };
  const nested3 = () =>
    startActiveObservation(
      "agent",
      () =>
        startActiveObservation(
          "chain",
          () =>
            startActiveObservation(
              "llm-call",
              (gen) => {
                gen.update({ input: INPUT, model: MODEL, output: OUTPUT, usageDetails: USAGE, costDetails: COST });
              },
              { asType: "generation" },
            ),
          { asType: "chain" },
        ),
      { asType: "agent" },
    );
  const wrapped = observe(handle, { name: "handle" });
  return { generation, nested3, observe: () => wrapped(INPUT) };
}

// ---------------------------------------------------------------------------------------------
// langfuse: @langfuse/tracing + LangfuseSpanProcessor (its default OTLP/HTTP JSON exporter)
export async function setupLangfuse({ url, buffered }) {
  if (buffered) {
    // LangfuseSpanProcessor builds its BatchSpanProcessor from sdk-trace-base, which falls back to
    // these variables for the options Langfuse does not pass (maxQueueSize, exportTimeoutMillis).
    process.env.OTEL_BSP_MAX_QUEUE_SIZE = String(buffered.spans + 1000);
    process.env.OTEL_BSP_EXPORT_TIMEOUT = String(BIG_TIMEOUT_MS);
  }
  const { BasicTracerProvider } = await import("@opentelemetry/sdk-trace-base");
  const { LangfuseSpanProcessor } = await import("@langfuse/otel");
  const api = await import("@langfuse/tracing");
  const processor = new LangfuseSpanProcessor({
    publicKey: "pk",
    secretKey: "sk",
    baseUrl: url,
    ...(buffered ? { flushAt: buffered.spans + 1000, flushInterval: HOUR_MS / 1000, timeout: BIG_TIMEOUT_MS / 1000 } : {}),
  });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  await registerOtelGlobals(provider);
  return {
    ops: apiOps(api),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    info: { description: "@langfuse/tracing + LangfuseSpanProcessor (default exporter) on BasicTracerProvider" },
  };
}

// ---------------------------------------------------------------------------------------------
// sightline: @sightline/tracing + @sightline/otel
//
// SIGHTLINE_BENCH_SETUP=register uses registerSightline(options) (the one-call setup); the default
// builds SightlineSpanProcessor on a BasicTracerProvider with the same ALS context manager as the
// other variants, so that only the SDK and processor differ.
//
// SIGHTLINE_BENCH_OTEL_MODULE=/abs/path/to/index.js imports a patched copy of @sightline/otel's
// dist instead (for experiments; keep the copy under /work/main so its imports resolve).
export async function setupSightline({ url, buffered }) {
  const api = await import("@sightline/tracing");
  const otelModule = process.env.SIGHTLINE_BENCH_OTEL_MODULE;
  const otel = await import(otelModule ? pathToFileURL(otelModule).href : "@sightline/otel");
  const options = {
    publicKey: "pk",
    secretKey: "sk",
    baseUrl: url,
    onDrop: (e) => { hookCounters.dropped += e.count; },
    onError: (e) => { hookCounters.failedSpans += e.spanCount; },
    ...(buffered
      ? {
          flushAt: buffered.spans + 1000,
          maxQueueSize: buffered.spans + 1000,
          flushIntervalMillis: HOUR_MS,
          timeoutMillis: BIG_TIMEOUT_MS,
        }
      : {}),
  };
  const mode = process.env.SIGHTLINE_BENCH_SETUP === "register" ? "register" : "processor";
  if (mode === "register") {
    if (typeof otel.registerSightline !== "function") throw new Error("@sightline/otel has no registerSightline()");
    const reg = otel.registerSightline(options);
    return {
      ops: apiOps(api),
      forceFlush: () => reg.forceFlush(),
      shutdown: () => reg.shutdown(),
      info: { description: "@sightline/tracing + registerSightline()", processor: reg.processor },
    };
  }
  if (typeof otel.SightlineSpanProcessor !== "function") throw new Error("@sightline/otel has no SightlineSpanProcessor");
  const { BasicTracerProvider } = await import("@opentelemetry/sdk-trace-base");
  const processor = new otel.SightlineSpanProcessor(options);
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  await registerOtelGlobals(provider);
  return {
    ops: apiOps(api),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    info: { description: "@sightline/tracing + SightlineSpanProcessor on BasicTracerProvider", processor },
  };
}

export async function setupVariant(variant, options) {
  switch (variant) {
    case "noop": return setupNoop(options);
    case "raw-json": return setupRawJson(options);
    case "langfuse": return setupLangfuse(options);
    case "sightline": return setupSightline(options);
    default: throw new Error(`unknown variant ${variant}; one of ${VARIANTS.join(", ")}`);
  }
}
