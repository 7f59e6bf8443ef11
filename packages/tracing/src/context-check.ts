import { context } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import { getLogger } from "@sightline/core";

let verified = false;

/**
 * Called inside `context.with(expected, ...)`: if the active context is not `expected`, no
 * OpenTelemetry context manager is registered and every observation would silently become its
 * own trace. Says so loudly, once. Stops checking after the first success.
 */
export function checkContextPropagation(expected: Context): void {
  if (verified) return;
  if (context.active() === expected) {
    verified = true;
    return;
  }
  getLogger().errorOnce(
    "no-context-manager",
    "OpenTelemetry context propagation is not working: no context manager is registered, so nested " +
      "observations will NOT be linked (each becomes its own trace). Call registerSightline() from " +
      "@sightline/otel, start the OpenTelemetry NodeSDK, or register an AsyncLocalStorageContextManager.",
  );
}
