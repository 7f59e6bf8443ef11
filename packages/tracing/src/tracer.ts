import { trace } from "@opentelemetry/api";
import type { Tracer, TracerProvider } from "@opentelemetry/api";
import { SDK_SCOPE_NAME, SDK_VERSION } from "@sightline/core";

const PROVIDER_SLOT = Symbol.for("sightline.tracerProvider");
type ProviderHost = { [PROVIDER_SLOT]?: TracerProvider | null };

let cachedTracer: Tracer | undefined;
let cachedFor: TracerProvider | undefined;

/**
 * Uses `provider` for Sightline observations instead of the global OpenTelemetry provider, e.g.
 * to keep LLM tracing apart from an application's own tracing. `null` returns to the global one.
 *
 * @example
 * setSightlineTracerProvider(new BasicTracerProvider({ spanProcessors: [processor] }));
 */
export function setSightlineTracerProvider(provider: TracerProvider | null): void {
  (globalThis as ProviderHost)[PROVIDER_SLOT] = provider;
}

/** The provider Sightline observations use: the isolated one if set, else the global one. */
export function getSightlineTracerProvider(): TracerProvider {
  return (globalThis as ProviderHost)[PROVIDER_SLOT] ?? trace.getTracerProvider();
}

/**
 * The tracer Sightline observations are created with. Its scope name is the Langfuse SDK's, so
 * Langfuse servers and processors treat the spans as their own (see ADR 0002).
 */
export function getSightlineTracer(): Tracer {
  // Looked up on every call: `trace.disable()` or a new isolated provider replaces the provider
  // object, and a tracer cached from the old one would send observations to a dead provider. The
  // global provider is a proxy that resolves its delegate lazily, so its tracer can be cached.
  const provider = getSightlineTracerProvider();
  if (cachedTracer === undefined || cachedFor !== provider) {
    cachedFor = provider;
    cachedTracer = provider.getTracer(SDK_SCOPE_NAME, SDK_VERSION);
  }
  return cachedTracer;
}
