// JSON kept as text on the ingest path (`JsonText`): the scanner accepts exactly what JSON.parse
// accepts (objects and arrays, bounded depth, no unpaired surrogates), and mapping with
// `keepText` stores the same JSON values as mapping with `parse`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JsonText, decodeOtlpProtobuf, jsonTextOf, mapSpan, observationJson } from "@sightline/server";
import { protobufBody, variedSpans } from "./otlp-fixtures.js";
import { seededRandom } from "./support/store-fixtures.js";

/** What `jsonTextOf` must answer, from JSON.parse: the trimmed text, or undefined. */
function expected(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  if (depthOf(value) > 256) return undefined;
  // A raw unpaired surrogate (outside an escape) cannot be written as UTF-8 as it is.
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u.test(text)) return undefined;
  return text.trim();
}

function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

function check(text: string): void {
  assert.equal(jsonTextOf(text)?.text, expected(text), JSON.stringify(text));
}

describe("jsonTextOf", () => {
  it("keeps valid objects and arrays as their trimmed text", () => {
    for (const text of [
      '{"a":1}',
      " [1, 2.5, -0, 1e10, 2E-3, true, false, null] ",
      '{"nested": {"list": [{"x": "y"}, []], "empty": {}}}',
      '\n\t{"escapes": "\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"}\r\n',
      '["unicode é 漢字 😀"]',
      "[]",
      "{}",
      '{"dup": 1, "dup": 2, "__proto__": {"x": 1}}',
      `{"${"key ".repeat(30)}": "${"a long plain run ".repeat(60)}😀 \\n ${"é".repeat(50)}\\"", "k": "${"x".repeat(5000)}"}`,
    ]) {
      const kept = jsonTextOf(text);
      assert.ok(kept instanceof JsonText, text);
      assert.equal(kept.text, text.trim());
      assert.deepEqual(kept.value(), JSON.parse(text));
    }
  });

  it("refuses scalars, invalid JSON, unpaired surrogates and nesting past 256 levels", () => {
    for (const text of [
      "42",
      '"a string"',
      "true",
      "null",
      "",
      "   ",
      "[1,]",
      "{'a': 1}",
      '{"a" 1}',
      '{"a":1,}',
      "[01]",
      "[1.]",
      "[.5]",
      "[+1]",
      "[NaN]",
      "[1] // comment",
      '["tab\tinside"]',
      '["bad \\x escape"]',
      '["short \\u12"]',
      "[1] [2]",
      '{"a":1',
      "[\ud800]",
      '["\ud800"]',
      '["\udc00 low first"]',
      // After a long run of plain characters (skipped in one step): the same checks apply.
      `["${"plain ".repeat(40)}\u0001 control"]`,
      `["${"plain ".repeat(40)}\udc00 lone low"]`,
      `["${"plain ".repeat(40)}\ud83d"]`,
      `["${"unterminated ".repeat(40)}   `,
    ]) {
      check(text);
      assert.equal(jsonTextOf(text), undefined, JSON.stringify(text));
    }
    assert.ok(jsonTextOf(`${"[".repeat(256)}${"]".repeat(256)}`) !== undefined, "256 levels are kept");
    assert.equal(jsonTextOf(`${"[".repeat(257)}${"]".repeat(257)}`), undefined, "257 are not");
    assert.equal(jsonTextOf(`{"a":${'{"a":'.repeat(256)}1${"}".repeat(257)}`), undefined);
  });

  it("agrees with JSON.parse on thousands of random and mutated texts", () => {
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.3) return pick([0, -1.5, 1e21, 3, "text", "é\n\"q\"", "😀", true, false, null, ""]);
      if (r < 0.65) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}`, value(depth + 1)]));
    };
    const alphabet = ['"', "\\", "{", "}", "[", "]", ",", ":", " ", "\n", "0", "1", "-", "+", ".", "e", "E", "u", "t", "n", "\u0001", "\ud800", "x"];
    for (let i = 0; i < 4000; i++) {
      let text = JSON.stringify(random() < 0.5 ? [value(0)] : { v: value(0) }, null, random() < 0.3 ? 2 : undefined);
      const mutations = Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(random() * (text.length + 1));
        const kind = random();
        if (kind < 0.4) text = text.slice(0, at) + pick(alphabet) + text.slice(at);
        else if (kind < 0.8) text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + pick(alphabet) + text.slice(at + 1);
      }
      check(text);
    }
  });
});

describe("mapSpan with jsonReading keepText", () => {
  it("stores the same JSON values as mapping with parse, for every fixture span", () => {
    const spans = decodeOtlpProtobuf(protobufBody(variedSpans())).spans;
    let kept = 0;
    for (const span of spans) {
      const parsed = observationJson(mapSpan(span));
      const record = mapSpan(span, { jsonReading: "keepText" });
      if (record.input instanceof JsonText || record.output instanceof JsonText) kept++;
      const asText = observationJson(record);
      for (const field of Object.keys(parsed) as (keyof typeof parsed)[]) {
        const a = parsed[field];
        const b = asText[field];
        assert.deepEqual(b === null ? null : JSON.parse(b), a === null ? null : JSON.parse(a), `${span.name}: ${field}`);
      }
    }
    assert.ok(kept > 0, "some fixture input or output was kept as text");
  });
});
