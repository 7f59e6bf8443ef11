import { JsonText } from "../mapping/json-text.js";

/**
 * The text in JSON values, as search indexes it: every string, number and boolean, in document
 * order, never an object key (keys are syntax); the strings inside a `JsonText` too. At most
 * `maxChars` characters of strings are taken (a huge input costs bounded time).
 *
 * @example valueTexts([{ role: "user", content: "Hi" }, 42], 1_000) // ["user", "Hi", "42"]
 */
export function valueTexts(values: readonly unknown[], maxChars: number): string[] {
  const texts: string[] = [];
  let budget = maxChars;
  const stack: unknown[] = [...values].reverse();
  while (stack.length > 0 && budget > 0) {
    let item = stack.pop();
    if (item instanceof JsonText) item = item.value();
    if (typeof item === "string") {
      const text = item.length > budget ? item.slice(0, budget) : item;
      budget -= text.length;
      texts.push(text);
    } else if (typeof item === "number" || typeof item === "boolean" || typeof item === "bigint") {
      texts.push(String(item));
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else if (typeof item === "object" && item !== null) {
      const nested = Object.values(item);
      for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]);
    }
  }
  return texts;
}

/**
 * The values of stored JSON texts (`null` skipped); a text that is not JSON is its own value, and so
 * is a text of more than `maxChars * 2` characters (not parsed: the cost would be unbounded, and
 * `valueTexts` takes only its first `maxChars` anyway).
 */
export function parsedTexts(jsonTexts: ReadonlyArray<string | null>, maxChars: number): unknown[] {
  const values: unknown[] = [];
  for (const text of jsonTexts) {
    if (text === null) continue;
    if (text.length > maxChars * 2) {
      values.push(text);
      continue;
    }
    try {
      values.push(JSON.parse(text));
    } catch {
      values.push(text);
    }
  }
  return values;
}
