/** The text sent when a value cannot be serialised at all. */
export const UNSERIALIZABLE = "<failed to serialize>";

function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return function (_key, value) {
    if (typeof value === "bigint") return value.toString();
    if (value instanceof Error) {
      return { name: value.name, message: value.message, stack: value.stack };
    }
    if (value !== null && typeof value === "object") {
      if (seen.has(value)) return "[Circular]";
      seen.add(value);
    }
    return value;
  };
}

/**
 * Serialises an attribute payload (input, output, metadata value, ...) the way the Langfuse wire
 * format expects: a string is sent as it is, `null`/`undefined` are omitted (undefined is
 * returned), and so are values JSON cannot represent (functions, symbols), never their source
 * text; anything else is JSON. Circular references become `"[Circular]"`, BigInts become
 * strings and Errors become `{ name, message, stack }`, so a value is never lost to a throw.
 *
 * @example
 * serializeValue({ a: 1 }); // '{"a":1}'
 * serializeValue("plain");  // 'plain'
 */
export function serializeValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (value instanceof Error) return JSON.stringify(safeReplacer().call(undefined, "", value));
  try {
    return JSON.stringify(value);
  } catch {
    try {
      return JSON.stringify(value, safeReplacer()) ?? UNSERIALIZABLE;
    } catch {
      return UNSERIALIZABLE;
    }
  }
}

/**
 * Shortens `text` to at most `maxLength` characters, ending it with a visible marker that says how
 * much was cut, so a truncated value can never be mistaken for a whole one. Returns `text`
 * unchanged when it fits.
 */
export function truncateWithMarker(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  // The marker is at most ~70 characters; keep the rest of the budget for the text itself.
  const keep = Math.max(0, maxLength - 80);
  return `${text.slice(0, keep)}...[truncated by Sightline: ${keep} of ${text.length} characters kept]`;
}
