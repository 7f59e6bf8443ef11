import { context } from "@opentelemetry/api";
import type { Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { SpanLimits, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SDK_SCOPE_NAME, configureLogger, getLogger } from "@sightline/core";
import type { LogLevel } from "@sightline/core";

let contextManagerInstalled = false;

/** Installs the AsyncLocalStorage context manager once per test process. */
export function installContextManager(): void {
  if (contextManagerInstalled) return;
  contextManagerInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** A real tracer provider feeding `processor`, and tracers with the SDK's scope and a foreign one. */
export function tracingWith(
  processor: SpanProcessor,
  spanLimits?: SpanLimits,
): { provider: BasicTracerProvider; sdkTracer: Tracer; foreignTracer: Tracer } {
  installContextManager();
  const provider = new BasicTracerProvider({ spanProcessors: [processor], ...(spanLimits ? { spanLimits } : {}) });
  return {
    provider,
    sdkTracer: provider.getTracer(SDK_SCOPE_NAME, "0.1.0"),
    foreignTracer: provider.getTracer("my-http-server"),
  };
}

/** Starts and ends `count` SDK-scope spans named `${prefix}-${i}`. */
export function endSpans(tracer: Tracer, count: number, prefix = "span"): void {
  for (let i = 0; i < count; i++) tracer.startSpan(`${prefix}-${i}`).end();
}

/** One log line the SDK logger wrote. */
export interface LogLine {
  readonly level: Exclude<LogLevel, "NONE">;
  readonly message: string;
}

/** Routes the SDK logger into an array (and forgets earlier warn-once keys). */
export function captureLogs(): LogLine[] {
  const lines: LogLine[] = [];
  getLogger().reset();
  configureLogger({ level: "DEBUG", sink: (level, message) => lines.push({ level, message }) });
  return lines;
}

/** Resolves after `millis`. */
export function delay(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** The value of one attribute of an OTLP/JSON span, unwrapped. */
export function attributeOf(span: { attributes: { key: string; value: Record<string, unknown> }[] }, key: string): unknown {
  const kv = span.attributes.find((a) => a.key === key);
  if (kv === undefined) return undefined;
  return Object.values(kv.value)[0];
}
