/**
 * The longest identifier-like value stored, in characters: observation and trace names, user and
 * session ids, model, version, release, prompt name and each tag. The Langfuse SDKs refuse user and
 * session ids, versions, trace names and tags longer than this; other senders are not bound by
 * that, and a longer value would not fit in an index entry (PostgreSQL's B-trees refuse entries
 * over 2,704 bytes, and the metrics index holds a name and a model side by side), failing the whole
 * batch it came in.
 */
export const MAX_IDENTIFIER_CHARS = 200;

/** Marks a value that was cut. */
const CUT_MARK = "…";

/**
 * `value` with each NUL character (U+0000) replaced by U+FFFD: PostgreSQL's text cannot hold it, and
 * a plain-text column or a JSON value read as `jsonb` with one would fail the whole batch.
 */
export function replaceNul(value: string): string {
  return value.replaceAll("\u0000", "\uFFFD");
}

/**
 * `value` (NUL characters replaced, `replaceNul`) when it has at most {@link MAX_IDENTIFIER_CHARS}
 * characters (UTF-16 code units); otherwise its start, never split inside a surrogate pair, followed
 * by "…", in that many.
 *
 * @example
 * boundIdentifier("user-42"); // "user-42"
 * boundIdentifier("x".repeat(500)).length; // 200, ending in "…"
 */
export function boundIdentifier(value: string): string {
  if (value.includes("\u0000")) value = replaceNul(value);
  if (value.length <= MAX_IDENTIFIER_CHARS) return value;
  let end = MAX_IDENTIFIER_CHARS - CUT_MARK.length;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // a high surrogate: keep its pair together
  return value.slice(0, end) + CUT_MARK;
}

/** {@link boundIdentifier} of a value that may be absent. */
export function boundOptional<T extends string | null | undefined>(value: T): T {
  return (typeof value === "string" ? boundIdentifier(value) : value) as T;
}
