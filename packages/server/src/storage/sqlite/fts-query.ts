/**
 * Turns what a person typed into a safe FTS5 query: every whitespace-separated term is quoted (so
 * `AND`, `NEAR`, `-`, `:`, `*`, `(` and quotes are words, never syntax), terms must all match,
 * and the last term also matches as a prefix while the person is still typing it (no trailing
 * space), unless `prefix` is false. Returns null when there is nothing to search for.
 *
 * @example toFtsQuery('refund "order" 12') === '"refund" """order""" "12"*'
 */
export function toFtsQuery(text: string, prefix = true): string | null {
  text = withoutControlCharacters(text);
  const terms = text.split(/\s+/u).filter((term) => term !== "");
  if (terms.length === 0) return null;
  const prefixLast = prefix && !/\s$/u.test(text);
  return terms.map((term, i) => quote(term) + (prefixLast && i === terms.length - 1 ? "*" : "")).join(" ");
}

/** The whole text as one phrase: the fallback when the term query is rejected. */
export function toFtsPhrase(text: string): string | null {
  const trimmed = withoutControlCharacters(text).trim();
  return trimmed === "" ? null : quote(trimmed);
}

function quote(term: string): string {
  return `"${term.replace(/"/gu, '""')}"`;
}

/** Control characters separate words anyway; a NUL would end the query string inside SQLite. */
function withoutControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/gu, " ");
}
