// The PostgreSQL store's search words, found in JavaScript: what a stored observation is found by,
// and how a person's search text becomes a tsquery.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JsonText, searchQueryOf, searchVectorOf, wordsOf } from "@sightline/server";

describe("wordsOf", () => {
  it("splits on anything but letters and digits, lowercases and removes accents", () => {
    assert.deepEqual(wordsOf("Where is my REFUND?\nOrder #1234, café-crème; naïve_user 東京"), [
      "where", "is", "my", "refund", "order", "1234", "cafe", "creme", "naive", "user", "東京",
    ]);
    assert.deepEqual(wordsOf("  ...  "), []);
  });

  it("drops words too long to be a search term", () => {
    assert.deepEqual(wordsOf(`short ${"x".repeat(300)} end`), ["short", "end"]);
  });
});

describe("searchVectorOf", () => {
  it("lists the distinct words of strings, numbers and booleans, never object keys", () => {
    const vector = searchVectorOf([{ role: "user", content: "Refund the refund", n: 42, ok: true, nested: [{ deep: "Kiwi" }] }, null, "tail"]);
    assert.equal(vector, "'user' 'refund' 'the' '42' 'true' 'kiwi' 'tail'");
  });

  it("reads the JSON of a JsonText, and gives null without any word", () => {
    assert.equal(searchVectorOf([new JsonText('{"content": "Mango!"}')]), "'mango'");
    assert.equal(searchVectorOf([null, {}, [], { key: "" }, "?!"]), null);
  });

  it("bounds what it lists for a huge text", () => {
    const vector = searchVectorOf([Array.from({ length: 300_000 }, (_, i) => `w${i}`).join(" ")]) ?? "";
    assert.ok(vector.startsWith("'w0' 'w1' "));
    assert.ok(vector.length <= 512_000 + 300, `${vector.length} characters`);
  });
});

describe("searchQueryOf", () => {
  it("ANDs the words and matches the last one as a prefix while it is being typed", () => {
    assert.equal(searchQueryOf("refund ord"), "'refund' & 'ord':*");
    assert.equal(searchQueryOf("refund ord "), "'refund' & 'ord'");
    assert.equal(searchQueryOf("Café-Crème"), "'cafe' & 'creme':*");
    assert.equal(searchQueryOf("a b a"), "'a' & 'b'");
  });

  it("treats query syntax as text and gives null without a word", () => {
    assert.equal(searchQueryOf("'; DROP TABLE traces; --"), "'drop' & 'table' & 'traces'");
    assert.equal(searchQueryOf("!!! ((( &|:*"), null);
  });
});
