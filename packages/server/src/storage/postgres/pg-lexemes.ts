import { parsedTexts, valueTexts } from "../value-text.js";

/**
 * Full-text words for the PostgreSQL store, made in JavaScript. PostgreSQL's own parser
 * (`to_tsvector`) costs ~60 us of its CPU per kilobyte of text (measured: 2,048 rows of 1 KB in
 * 118 ms), more than the rest of an ingest; reading a list of words (`'a' 'b'::tsvector`) costs
 * ~2 us. So the words are found where spans are mapped (an ingest worker) and stored as a tsvector
 * literal, and a search's words are found by the same rules: runs of letters and digits, lowercased,
 * accents removed (as the SQLite store's `unicode61 remove_diacritics` tokenizer does). Positions
 * are not kept: searches AND their words and never ask for phrases.
 */

/** Longest word kept (PostgreSQL refuses lexemes over 2 KB; words this long are not what anyone searches for). */
const MAX_WORD_CHARS = 256;
/** Most characters of words per observation: a tsvector holds at most 1 MB. */
const MAX_VECTOR_CHARS = 512_000;
/** Most characters of text read per observation, so a huge input costs bounded time. */
const MAX_TEXT_CHARS = 1_000_000;

// eslint-disable-next-line no-control-regex -- "every character is ASCII", control characters included
const ASCII = /^[\u0000-\u007f]*$/u;
const ASCII_WORDS = /[a-z0-9]+/g;
const WORDS = /[\p{L}\p{N}]+/gu;
const COMBINING_MARKS = /\p{M}+/gu;

/** The words of a text, in order (repeats included): lowercased, without accents. */
export function wordsOf(text: string): string[] {
  const words = ASCII.test(text)
    ? text.toLowerCase().match(ASCII_WORDS)
    : text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase().match(WORDS);
  if (words === null) return [];
  return words.some((word) => word.length > MAX_WORD_CHARS) ? words.filter((word) => word.length <= MAX_WORD_CHARS) : words;
}

/**
 * The distinct words of observation values (input, output, explicit trace input and output: JSON
 * values, strings inside `JsonText` included) as a tsvector literal, or null when there are none.
 * Strings, numbers and booleans count; object keys do not (they are syntax). The words are
 * deduplicated here: PostgreSQL reads a literal of distinct words ~15 times faster than one with
 * repeats (which it sorts and merges).
 *
 * @example searchVectorOf([{ role: "user", content: "Where is my refund?" }]) === "'user' 'where' 'is' 'my' 'refund'"
 */
export function searchVectorOf(values: readonly unknown[]): string | null {
  const distinct = new Set(wordsOf(valueTexts(values, MAX_TEXT_CHARS).join(" ")));
  if (distinct.size === 0) return null;
  let words = [...distinct];
  let size = 0;
  for (let i = 0; i < words.length; i++) {
    size += (words[i] as string).length + 3;
    if (size > MAX_VECTOR_CHARS) {
      words = words.slice(0, i);
      break;
    }
  }
  // Words are letters and digits only: quoting needs no escapes.
  return `'${words.join("' '")}'`;
}

/**
 * A person's search text as a tsquery literal: every word must match, and the last one also as a
 * prefix while it is still being typed (no trailing space). Punctuation separates words and is never
 * syntax. Returns null when the text holds no word (a search for it matches nothing).
 *
 * @example searchQueryOf("refund ord") === "'refund' & 'ord':*"
 */
export function searchQueryOf(text: string): string | null {
  const words = wordsOf(text);
  if (words.length === 0) return null;
  const last = words[words.length - 1] as string;
  const before = new Set(words.slice(0, -1));
  const terms = [...before].map((word) => `'${word}'`);
  if (!before.has(last)) terms.push(`'${last}'${/[\p{L}\p{N}]$/u.test(text) ? ":*" : ""}`);
  return terms.join(" & ");
}

/** `searchVectorOf` the stored JSON texts of an observation (a text that is not JSON counts as a string). */
export function searchVectorOfStored(jsonTexts: ReadonlyArray<string | null>): string | null {
  return searchVectorOf(parsedTexts(jsonTexts, MAX_TEXT_CHARS));
}
