import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_BACKOFF_POLICY,
  MAX_RETRY_AFTER_MILLIS,
  computeBackoffMillis,
  isRetryableStatus,
  parseRetryAfterMillis,
} from "@sightline/otel";

describe("computeBackoffMillis", () => {
  it("doubles the ceiling from 500 ms per retry and caps it at 15 s", () => {
    const top = (retry: number) => computeBackoffMillis(retry, DEFAULT_BACKOFF_POLICY, () => 0.999_999_999);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 10, 100].map(top),
      [499, 999, 1_999, 3_999, 7_999, 14_999, 14_999, 14_999, 14_999],
    );
  });

  it("draws the delay uniformly below the ceiling (full jitter)", () => {
    assert.equal(computeBackoffMillis(2, DEFAULT_BACKOFF_POLICY, () => 0), 0);
    assert.equal(computeBackoffMillis(2, DEFAULT_BACKOFF_POLICY, () => 0.5), 1_000);
    for (let i = 0; i < 1_000; i++) {
      const delay = computeBackoffMillis(3);
      assert.ok(delay >= 0 && delay < 4_000, String(delay));
    }
  });

  it("follows a custom policy", () => {
    const policy = { initialDelayMillis: 10, maxDelayMillis: 35 };
    assert.deepEqual(
      [0, 1, 2, 3].map((retry) => computeBackoffMillis(retry, policy, () => 0.5)),
      [5, 10, 17, 17],
    );
  });
});

describe("parseRetryAfterMillis", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads delay-seconds", () => {
    assert.equal(parseRetryAfterMillis("2", now), 2_000);
    assert.equal(parseRetryAfterMillis(" 0 ", now), 0);
    assert.equal(parseRetryAfterMillis("1.5", now), 1_500);
  });

  it("reads an HTTP date relative to now, never negative", () => {
    assert.equal(parseRetryAfterMillis("Thu, 01 Jan 2026 00:00:07 GMT", now), 7_000);
    assert.equal(parseRetryAfterMillis("Wed, 31 Dec 2025 23:59:00 GMT", now), 0);
  });

  it("caps the delay at 60 s", () => {
    assert.equal(MAX_RETRY_AFTER_MILLIS, 60_000);
    assert.equal(parseRetryAfterMillis("3600", now), 60_000);
    assert.equal(parseRetryAfterMillis("Fri, 02 Jan 2026 00:00:00 GMT", now), 60_000);
  });

  it("ignores absent and unreadable values", () => {
    assert.equal(parseRetryAfterMillis(undefined, now), undefined);
    assert.equal(parseRetryAfterMillis("", now), undefined);
    assert.equal(parseRetryAfterMillis("soon", now), undefined);
    assert.equal(parseRetryAfterMillis("-5", now), undefined);
  });
});

describe("isRetryableStatus", () => {
  it("retries 408, 429 and every 5xx, and no other status", () => {
    const retryable = [400, 401, 403, 404, 408, 409, 413, 422, 429, 499, 500, 501, 502, 503, 504, 599].filter(
      isRetryableStatus,
    );
    assert.deepEqual(retryable, [408, 429, 500, 501, 502, 503, 504, 599]);
  });
});
