/**
 * Full text on PostgreSQL: what an observation is found by, and how a person's search text becomes
 * a `tsquery`. The `simple` configuration lowercases and does not stem, so a term matches exactly
 * the words it names (as in the SQLite store), in any language.
 */

/** The text search configuration of the `search` column and of queries. */
export const SEARCH_CONFIG = "simple";

/**
 * Longest text indexed per observation. A tsvector is limited to 1 MB; positions of a long text
 * count against it, so the first 256 k characters are indexed and the rest is not searchable.
 */
const MAX_INDEXED_CHARS = 256_000;

/**
 * The words of an observation's stored input, output and explicit trace input/output (JSON text):
 * string values, numbers and booleans, never JSON keys or syntax (so a word after a `\n` escape is
 * a word). Returns null when there is nothing to index. NUL characters (which PostgreSQL text
 * cannot hold) become spaces; text that is not JSON is indexed as it is.
 */
export function searchTextOfStored(jsonTexts: ReadonlyArray<string | null>): string | null {
  const values: unknown[] = [];
  for (const text of jsonTexts) {
    if (text === null) continue;
    try {
      values.push(JSON.parse(text.length > MAX_INDEXED_CHARS * 2 ? text.slice(0, MAX_INDEXED_CHARS) : text));
    } catch {
      values.push(text);
    }
  }
  return collectText(values);
}

function collectText(values: unknown[]): string | null {
  const parts: string[] = [];
  let budget = MAX_INDEXED_CHARS;
  const stack: unknown[] = [...values].reverse();
  while (stack.length > 0 && budget > 0) {
    const item = stack.pop();
    if (typeof item === "string") {
      const piece = item.length > budget ? item.slice(0, budget) : item;
      parts.push(piece);
      budget -= piece.length;
    } else if (typeof item === "number" || typeof item === "boolean") {
      parts.push(String(item));
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else if (typeof item === "object" && item !== null) {
      const nested = Object.values(item);
      for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]);
    }
  }
  if (parts.length === 0) return null;
  const text = parts.join("\n");
  return text.includes("\u0000") ? text.replaceAll("\u0000", " ") : text;
}

/**
 * Turns what a person typed into `to_tsquery` input: every whitespace-separated term is a quoted
 * lexeme (so `&`, `|`, `!`, `:` and parentheses are text, never syntax), all terms must match, and
 * the last term also matches as a prefix while it is still being typed (no trailing space).
 * Returns null when there is nothing to search for.
 *
 * @example toTsQuery("refund ord") === "'refund' & 'ord':*"
 */
export function toTsQuery(text: string): string | null {
  // eslint-disable-next-line no-control-regex -- control characters separate words; a NUL cannot be sent at all
  const cleaned = text.replace(/[\u0000-\u001f\u007f]/gu, " ");
  const terms = cleaned.split(/\s+/u).filter((term) => term !== "");
  if (terms.length === 0) return null;
  const prefixLast = !/\s$/u.test(cleaned);
  return terms
    .map((term, i) => `'${term.replace(/\\/gu, "\\\\").replace(/'/gu, "\\'")}'${prefixLast && i === terms.length - 1 ? ":*" : ""}`)
    .join(" & ");
}
