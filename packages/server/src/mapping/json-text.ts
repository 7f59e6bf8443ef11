import type { AnyValue } from "../otlp/otlp-span.js";
import { MAX_JSON_DEPTH, decodeAttributeValue, parseJsonText } from "./json-value.js";

/**
 * A JSON object or array kept as the text it arrived as, already checked to be exactly what
 * `JSON.parse` accepts, no deeper than `MAX_JSON_DEPTH` and free of unpaired surrogates. Ingestion
 * stores such a text as it is (`toJson` returns it) instead of parsing a kilobyte of chat messages
 * into objects only to serialise them again: the stored JSON means the same values, and the worker
 * that maps spans allocates neither the tree nor the second string.
 *
 * `toJSON` makes `JSON.stringify` of a record that holds one write the same JSON as it would for
 * the parsed value, so code that does not know the wrapper still serialises it correctly.
 */
export class JsonText {
  constructor(readonly text: string) {}

  /** The parsed value. */
  value(): unknown {
    return JSON.parse(this.text) as unknown;
  }

  toJSON(): unknown {
    return this.value();
  }
}

/**
 * The text as a `JsonText` when it is a JSON object or array that can be stored as it is (see
 * `JsonText`), else undefined (the caller parses it the usual way: not JSON, a scalar, too deep, or
 * with an unpaired surrogate that storage would have to escape).
 *
 * @example jsonTextOf(' {"a": [1, 2]} ')?.text === '{"a": [1, 2]}'
 */
export function jsonTextOf(text: string): JsonText | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  const first = text.charCodeAt(start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return undefined;
  if (scanJson(text, start, end) !== end) return undefined;
  return new JsonText(start === 0 && end === text.length ? text : text.slice(start, end));
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/**
 * Scans one JSON value (the ECMAScript `JSON.parse` grammar, RFC 8259) that must span exactly
 * `[start, end)` apart from surrounding whitespace. Returns `end` when it does, else -1; also -1 for
 * nesting deeper than `MAX_JSON_DEPTH` and for an unpaired surrogate outside an escape. Iterative,
 * with containers tracked in a small stack: no recursion, no allocation beyond that stack.
 */
function scanJson(text: string, start: number, end: number): number {
  // Open containers: true for an object, false for an array.
  const stack: boolean[] = [];
  let i = start;
  for (;;) {
    // A value is expected at i.
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) return -1;
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (stack.length >= MAX_JSON_DEPTH) return -1;
      const isObject = c === OPEN_BRACE;
      i++;
      while (i < end && isSpace(text.charCodeAt(i))) i++;
      const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
      if (i < end && text.charCodeAt(i) === close) {
        i++;
      } else {
        stack.push(isObject);
        if (isObject) {
          i = scanKey(text, i, end);
          if (i < 0) return -1;
        }
        continue;
      }
    } else if (c === QUOTE) {
      i = scanString(text, i, end);
    } else if (c === MINUS || isDigit(c)) {
      i = scanNumber(text, i, end);
    } else if (text.startsWith("true", i)) {
      i += 4;
    } else if (text.startsWith("false", i)) {
      i += 5;
    } else if (text.startsWith("null", i)) {
      i += 4;
    } else {
      return -1;
    }
    if (i < 0 || i > end) return -1;
    // After a value: a comma, the close of the container, or the end of the text.
    for (;;) {
      while (i < end && isSpace(text.charCodeAt(i))) i++;
      if (stack.length === 0) return i === end ? end : -1;
      if (i >= end) return -1;
      const isObject = stack[stack.length - 1] as boolean;
      const d = text.charCodeAt(i);
      if (d === COMMA) {
        i++;
        if (isObject) {
          while (i < end && isSpace(text.charCodeAt(i))) i++;
          i = scanKey(text, i, end);
          if (i < 0) return -1;
        }
        break;
      }
      if (d !== (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) return -1;
      stack.pop();
      i++;
    }
  }
}

/** A key, whitespace and the colon, starting at the key's quote; the index after the colon, or -1. */
function scanKey(text: string, i: number, end: number): number {
  if (i >= end || text.charCodeAt(i) !== QUOTE) return -1;
  i = scanString(text, i, end);
  if (i < 0) return -1;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i >= end || text.charCodeAt(i) !== COLON) return -1;
  return i + 1;
}

/**
 * A run of characters that need no look inside a JSON string: anything but the quote, the
 * backslash, control characters and surrogates. Sticky, so `lastIndex` walks the text; the regular
 * expression engine skips such a run several times faster than a loop over `charCodeAt`.
 */
// eslint-disable-next-line no-control-regex -- control characters end a run: they are the point
const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;

/** A string starting at its opening quote; the index after the closing quote, or -1. */
function scanString(text: string, i: number, end: number): number {
  i++;
  while (i < end) {
    PLAIN_RUN.lastIndex = i;
    PLAIN_RUN.test(text);
    i = PLAIN_RUN.lastIndex;
    if (i >= end) return -1;
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < SPACE) return -1;
    if (c === BACKSLASH) {
      if (i + 1 >= end) return -1;
      const e = text.charCodeAt(i + 1);
      if (e === 0x75 /* u */) {
        if (i + 5 >= end) return -1;
        for (let k = 2; k <= 5; k++) if (!isHex(text.charCodeAt(i + k))) return -1;
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (e !== QUOTE && e !== BACKSLASH && e !== SLASH && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
      i += 2;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      // A high surrogate followed by a low one is one character; anything else cannot be stored as UTF-8.
      if (c >= 0xdc00 || i + 1 >= end) return -1;
      const low = text.charCodeAt(i + 1);
      if (low < 0xdc00 || low > 0xdfff) return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

/** A number starting at its sign or first digit; the index after it, or -1. */
function scanNumber(text: string, i: number, end: number): number {
  if (text.charCodeAt(i) === MINUS) i++;
  if (i >= end) return -1;
  if (text.charCodeAt(i) === ZERO) i++;
  else if (isDigit(text.charCodeAt(i))) while (i < end && isDigit(text.charCodeAt(i))) i++;
  else return -1;
  if (i < end && text.charCodeAt(i) === DOT) {
    i++;
    if (i >= end || !isDigit(text.charCodeAt(i))) return -1;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
  }
  if (i < end && (text.charCodeAt(i) === LOWER_E || text.charCodeAt(i) === UPPER_E)) {
    i++;
    if (i < end && (text.charCodeAt(i) === PLUS || text.charCodeAt(i) === MINUS)) i++;
    if (i >= end || !isDigit(text.charCodeAt(i))) return -1;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
  }
  return i;
}

/**
 * How a JSON-holding attribute string becomes a value: `parse` (the mapper's default: a JSON value),
 * or `keepText` (ingestion: objects and arrays stay checked text, see `JsonText`; anything else is
 * parsed as usual).
 */
export type JsonReading = "parse" | "keepText";

/** `decodeAttributeValue` with the given reading. */
export function readAttributeJson(value: AnyValue | undefined, reading: JsonReading): unknown {
  if (reading === "keepText" && typeof value === "string") return jsonTextOf(value) ?? parseJsonText(value);
  return decodeAttributeValue(value);
}
