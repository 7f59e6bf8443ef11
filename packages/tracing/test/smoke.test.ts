import { describe, it, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startActiveObservation, startObservation, observe } from "@sightline/tracing";
import { recordSpans, takeSpans, trees } from "./support/in-memory.js";

before(() => recordSpans());
beforeEach(() => takeSpans());

describe("smoke", () => {
  it("nests", async () => {
    await startActiveObservation("a", async () => {
      const g = startObservation("g", { model: "m" }, { asType: "generation" });
      g.end();
      await observe(async function inner(x: number) { return x + 1; })(1);
    });
    assert.deepEqual(trees(takeSpans()), [
      { name: "a", type: "span", children: [ { name: "g", type: "generation", children: [] }, { name: "inner", type: "span", children: [] } ] },
    ]);
  });
});
