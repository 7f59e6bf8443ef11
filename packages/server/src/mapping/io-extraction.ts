import type { DecodedSpanEvent } from "../otlp/otlp-span.js";
import type { IoContext } from "./io-source.js";
import { IO_SOURCES } from "./io-sources.js";

/** Input and output of a span, and which events served as input/output. */
export interface InputOutput {
  input: unknown;
  output: unknown;
  usedEvents: ReadonlySet<DecodedSpanEvent>;
}

/**
 * Extracts input and output, each from the first source of {@link IO_SOURCES} that has it (the
 * Langfuse keys first, then the Vercel AI SDK, the GenAI events, ... down to the flat GenAI
 * message attributes). Input and output are looked up separately, so a span that carries its
 * input one way and its output another keeps both. The keys used are consumed. Absent sides are
 * null.
 */
export function extractInputOutput(ctx: IoContext): InputOutput {
  const usedEvents = new Set<DecodedSpanEvent>();
  const pick = (side: "input" | "output"): unknown => {
    for (const source of IO_SOURCES) {
      const found = source[side]?.(ctx);
      if (found === undefined || found.value === undefined || found.value === null) continue;
      ctx.attrs.consume(...found.keys);
      for (const event of found.events ?? []) usedEvents.add(event);
      return found.value;
    }
    return null;
  };
  return { input: pick("input"), output: pick("output"), usedEvents };
}
