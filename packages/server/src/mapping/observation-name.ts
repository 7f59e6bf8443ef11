import { GenAI, Genkit, Vercel } from "./convention-keys.js";
import { toText } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";

/**
 * Keys that hold a better display name than the span name, in order. Instrumentations name spans
 * after the operation (`execute_tool`, `ai.toolCall`); these say which tool or step it was.
 */
const NAME_KEYS: readonly string[] = [GenAI.TOOL_NAME, Genkit.NAME, "logfire.msg", Vercel.TOOL_CALL_NAME];

/**
 * The observation name: the first of {@link NAME_KEYS}, else the Vercel operation id (prefixed by
 * the telemetry function id, `"my-fn:ai.generateText"`), else the span name. The keys read are not
 * consumed: they stay visible as attributes too, because a name alone loses which key it came from.
 */
export function observationName(attrs: SpanAttributes, spanName: string): string {
  const named = attrs.first(NAME_KEYS);
  if (named !== undefined) return toText(named.value) ?? spanName;
  const operationId = attrs.get(Vercel.OPERATION_ID);
  if (typeof operationId === "string") {
    const functionId = toText(attrs.get(Vercel.FUNCTION_ID));
    return functionId !== undefined ? `${functionId}:${operationId}` : operationId;
  }
  return spanName;
}
