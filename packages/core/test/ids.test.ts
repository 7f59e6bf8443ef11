import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  createTraceId,
  createObservationId,
  isValidTraceId,
  normalizeTraceId,
  normalizeSpanId,
} from "@sightline/core";

describe("createTraceId", () => {
  it("gives the ids the Langfuse SDK gives for the same seeds", () => {
    // Values captured from @langfuse/tracing 5.11.1 (see docs/adr/0002-wire-compatibility.md).
    assert.equal(createTraceId("external-request-42"), "664929cbfa03d357d9af462757e9a30d");
    assert.equal(createTraceId("order-12345"), "a6d3b229b92ec35f2132c14632d73ab4");
    assert.equal(createTraceId("x"), "2d711642b726b04401627ca9fbac32f5");
  });

  it("is the first 32 hex characters of SHA-256 of the UTF-8 seed, also for non-ASCII seeds", () => {
    const seed = "tïcket-✓-42";
    assert.equal(createTraceId(seed), createHash("sha256").update(seed, "utf8").digest("hex").slice(0, 32));
  });

  it("gives distinct valid random ids without a seed or with an empty seed", () => {
    const ids = new Set([createTraceId(), createTraceId(), createTraceId(""), createTraceId("")]);
    assert.equal(ids.size, 4);
    for (const id of ids) assert.ok(isValidTraceId(id), id);
  });
});

describe("createObservationId", () => {
  it("is deterministic for a seed and 16 lowercase hex characters", () => {
    assert.equal(createObservationId("a"), createObservationId("a"));
    assert.notEqual(createObservationId("a"), createObservationId("b"));
    assert.match(createObservationId(), /^[0-9a-f]{16}$/);
  });
});

describe("normalizeTraceId", () => {
  it("lowers uppercase hex and removes a UUID's dashes", () => {
    assert.deepEqual(normalizeTraceId("ABCDEF1234567890ABCDEF1234567890"), {
      ok: true,
      id: "abcdef1234567890abcdef1234567890",
      changed: true,
    });
    assert.deepEqual(normalizeTraceId("123e4567-e89b-12d3-a456-426614174000"), {
      ok: true,
      id: "123e4567e89b12d3a456426614174000",
      changed: true,
    });
  });

  it("rejects wrong lengths, non-hex and all-zero ids with a reason", () => {
    for (const bad of ["abc", "g".repeat(32), "0".repeat(32), 42]) {
      const r = normalizeTraceId(bad);
      assert.equal(r.ok, false, String(bad));
      if (!r.ok) assert.match(r.reason, /trace id/);
    }
    assert.equal(normalizeSpanId("0123456789ABCDEF").ok, true);
    assert.equal(normalizeSpanId("0123").ok, false);
  });
});
