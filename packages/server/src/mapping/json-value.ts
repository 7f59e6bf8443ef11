import type { AnyValue } from "../otlp/otlp-span.js";

/**
 * The deepest nesting a parsed attribute value may have. V8's `JSON.parse` copes with any depth,
 * but `JSON.stringify` (which storage runs on every value) and every recursive walk overflow the
 * stack at a few thousand levels, so a deeper text is kept as the string it arrived as.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * True when a parsed JSON value nests arrays/objects deeper than `limit`. Walks with an explicit
 * stack (never recursion, so any depth is safe) and visits containers only: a text-heavy payload
 * of a few kilobytes costs a handful of steps, far less than scanning its characters.
 */
export function nestingExceeds(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: Array<[object, number]> = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [container, depth] = item;
    if (depth > limit) return true;
    const children = Array.isArray(container) ? (container as unknown[]) : Object.values(container);
    for (const child of children) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** First characters of a JSON text other than a number: object, array, string, true, false, null. */
const JSON_START = new Set(["{", "[", '"', "t", "f", "n"]);
const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses an attribute string that holds JSON (an object, array, quoted string, number, boolean or
 * null) and returns any other text unchanged. Never throws.
 *
 * Two cases keep the text on purpose: a value nested deeper than {@link MAX_JSON_DEPTH}, and a
 * number whose JSON value would not print back as the same text (`"12345678901234567890"`, an id
 * that a double would round, or `"1.50"`), because the sender's exact text is the safer record.
 *
 * @example
 * parseJsonText('{"a":1}'); // { a: 1 }
 * parseJsonText("hello");   // "hello"
 * parseJsonText("42");      // 42
 */
export function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  const first = trimmed.charAt(0);
  if (first === "") return text;
  if (!JSON_START.has(first)) {
    if (!NUMBER_TEXT.test(trimmed)) return text;
    const n = Number(trimmed);
    return Number.isFinite(n) && String(n) === trimmed ? n : text;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
  return nestingExceeds(parsed) ? text : parsed;
}

/**
 * An attribute value as a JSON value: strings that hold JSON are parsed ({@link parseJsonText}),
 * everything else (numbers, booleans, arrays, kvlists) is already structured and returned as is.
 */
export function decodeAttributeValue(value: AnyValue | undefined): unknown {
  return typeof value === "string" ? parseJsonText(value) : value;
}

/** True for a plain (non-array) object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
