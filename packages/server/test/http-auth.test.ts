// Authentication: every way a request can fail Basic auth gets a 401 that says which; keys are
// cached briefly and revocation through the server is immediate; projects never see each other.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { createApiKey, generateKeyPair, hashSecretKey, parseBasicAuthorization, verifySecretKey } from "@sightline/server";
import { basicAuth, buildSpans, createHarness, JSON_TYPE, otlpJson } from "./support/http-harness.js";
import type { ApiError, ApiPage, ApiTrace, Harness } from "./support/http-harness.js";

const harnesses: Harness[] = [];
async function harness(config?: Parameters<typeof createHarness>[0]): Promise<Harness> {
  const h = await createHarness(config);
  harnesses.push(h);
  return h;
}
after(async () => {
  for (const h of harnesses) await h.close();
});

async function status401(h: Harness, authorization: string | undefined): Promise<ApiError["error"] & { challenge: string | null }> {
  const res = await h.app.request("/api/public/traces", { headers: authorization === undefined ? {} : { authorization } });
  assert.equal(res.status, 401);
  const { error } = (await res.json()) as ApiError;
  assert.match(error.message, /SIGHTLINE_PUBLIC_KEY and SIGHTLINE_SECRET_KEY.*SIGHTLINE_BASE_URL/);
  return { ...error, challenge: res.headers.get("www-authenticate") };
}

describe("Basic auth failures", () => {
  it("says when there is no Authorization header, with a Basic challenge", async () => {
    const h = await harness();
    const error = await status401(h, undefined);
    assert.equal(error.code, "missing_authorization");
    assert.match(error.message, /No Authorization header/);
    assert.match(error.challenge ?? "", /^Basic /);
  });

  it("says when the scheme is not Basic", async () => {
    const h = await harness();
    const error = await status401(h, `Bearer ${h.keyA.publicKey}`);
    assert.equal(error.code, "invalid_authorization");
    assert.match(error.message, /not HTTP Basic \(scheme "Bearer"\)/);
  });

  it("says when the Basic credentials have no colon", async () => {
    const h = await harness();
    const error = await status401(h, `Basic ${Buffer.from("just-a-key").toString("base64")}`);
    assert.equal(error.code, "invalid_authorization");
  });

  it("says when the public key is unknown", async () => {
    const h = await harness();
    const error = await status401(h, basicAuth("pk-sl-nope", h.keyA.secretKey));
    assert.equal(error.code, "unknown_public_key");
    assert.match(error.message, /pk-sl-nope/);
  });

  it("says when the secret key does not match", async () => {
    const h = await harness();
    const error = await status401(h, basicAuth(h.keyA.publicKey, h.keyB.secretKey));
    assert.equal(error.code, "invalid_secret_key");
  });

  it("says when the key was revoked, at once when revoked through the server", async () => {
    const h = await harness();
    assert.equal((await h.get("/api/public/traces")).status, 200); // cached now
    assert.equal(await h.authenticator.revoke(h.keyA.projectId, h.keyA.keyId), true);
    const error = await status401(h, h.keyA.authorization);
    assert.equal(error.code, "revoked_api_key");
    assert.match(error.message, /was revoked on \d{4}-/);
  });

  it("applies to ingestion too", async () => {
    const h = await harness();
    const res = await h.post("/v1/traces", otlpJson(buildSpans([{ name: "x" }])), JSON_TYPE, null);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as ApiError).error.code, "missing_authorization");
  });
});

describe("the key cache", () => {
  it("serves a key revoked behind the server's back until the TTL passes, then refuses it", async () => {
    let now = 1_000_000;
    const h = await harness({ authCacheTtlMillis: 5_000, nowMs: () => now });
    assert.equal((await h.get("/api/public/traces")).status, 200);
    await h.store.revokeApiKey(h.keyA.projectId, h.keyA.keyId); // e.g. `sightline keys revoke` in another process
    now += 4_000;
    assert.equal((await h.get("/api/public/traces")).status, 200, "within the TTL the cached key is used");
    now += 2_000;
    const { status, body } = await h.get("/api/public/traces");
    assert.equal(status, 401);
    assert.equal(body.error.code, "revoked_api_key");
  });

  it("accepts a key created after the server started at once (unknown keys are not cached)", async () => {
    const h = await harness();
    const pair = generateKeyPair();
    assert.equal((await h.get("/api/public/traces", { ...h.keyA, authorization: basicAuth(pair.publicKey, pair.secretKey) })).status, 401);
    await createApiKey(h.store, "default", { keys: pair });
    assert.equal((await h.get("/api/public/traces", { ...h.keyA, authorization: basicAuth(pair.publicKey, pair.secretKey) })).status, 200);
  });
});

describe("when a key was last used", () => {
  it("records each key's latest use, written in batches (not per request) and on shutdown, never moving back", async () => {
    let now = Date.UTC(2026, 10, 25, 9, 0, 0);
    const h = await harness({ nowMs: () => now });
    const lastUsed = async (keyId: string) => (await h.store.listApiKeys("default")).concat(await h.store.listApiKeys("team-b")).find((k) => k.id === keyId)?.lastUsedAtMs;
    assert.equal(await lastUsed(h.keyA.keyId), null, "never used");
    assert.equal((await h.get("/api/public/traces")).status, 200);
    now += 1_000;
    assert.equal((await h.get("/api/public/traces")).status, 200);
    assert.equal(await lastUsed(h.keyA.keyId), null, "not written per request");
    await h.authenticator.flushUses();
    assert.equal(await lastUsed(h.keyA.keyId), now, "the latest of the two uses");
    assert.equal(await lastUsed(h.keyB.keyId), null, "the other project's key was not used");
    // A use recorded with an older clock (another process) never moves it back.
    await h.store.recordApiKeyUse([{ keyId: h.keyA.keyId, atMs: now - 60_000 }]);
    assert.equal(await lastUsed(h.keyA.keyId), now);
    // A failed request does not count as a use.
    now += 1_000;
    assert.equal((await h.get("/api/public/traces", { ...h.keyA, authorization: basicAuth(h.keyA.publicKey, "sk-sl-wrong") })).status, 401);
    await h.authenticator.flushUses();
    assert.equal(await lastUsed(h.keyA.keyId), now - 1_000);
  });
});

describe("project isolation", () => {
  it("a project's keys never see another project's traces, observations, sessions or users", async () => {
    const h = await harness();
    const spans = buildSpans([
      { name: "a-secret-trace", attributes: { "user.id": "user-a", "session.id": "session-a" } },
      { name: "a-child", parent: 0 },
    ]);
    assert.equal((await h.post("/v1/traces", otlpJson(spans), JSON_TYPE, h.keyA)).status, 200);
    const traceId = spans[0]!.spanContext().traceId;
    const spanId = spans[0]!.spanContext().spanId;

    assert.equal((await h.get<ApiPage<ApiTrace>>("/api/public/traces", h.keyA)).body.data.length, 1);
    assert.equal((await h.get<ApiPage<ApiTrace>>("/api/public/traces", h.keyB)).body.data.length, 0);
    assert.equal((await h.get(`/api/public/traces/${traceId}`, h.keyB)).status, 404);
    assert.equal((await h.get(`/api/public/observations/${spanId}`, h.keyB)).status, 404);
    assert.equal((await h.get<ApiPage<unknown>>("/api/public/observations", h.keyB)).body.data.length, 0);
    assert.equal((await h.get<ApiPage<unknown>>("/api/public/sessions", h.keyB)).body.data.length, 0);
    assert.equal((await h.get("/api/public/sessions/session-a", h.keyB)).status, 404);
    assert.equal((await h.get<ApiPage<unknown>>("/api/public/users", h.keyB)).body.data.length, 0);
    assert.equal((await h.get<ApiPage<unknown>>("/api/public/users", h.keyA)).body.data.length, 1);
  });

  it("the same span ids sent by two projects are two separate traces", async () => {
    const h = await harness();
    const spans = buildSpans([{ name: "shared-ids" }]);
    await h.post("/v1/traces", otlpJson(spans), JSON_TYPE, h.keyA);
    await h.post("/v1/traces", otlpJson(spans), JSON_TYPE, h.keyB);
    const traceId = spans[0]!.spanContext().traceId;
    const a = await h.get<ApiTrace>(`/api/public/traces/${traceId}`, h.keyA);
    const b = await h.get<ApiTrace>(`/api/public/traces/${traceId}`, h.keyB);
    assert.equal(a.body.htmlPath, `/project/default/traces/${traceId}`);
    assert.equal(b.body.htmlPath, `/project/team-b/traces/${traceId}`);
  });
});

describe("API key material", () => {
  it("generates pk-sl-/sk-sl- keys with at least 128 random bits, different every time", () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    assert.match(a.publicKey, /^pk-sl-[0-9a-f]{48}$/);
    assert.match(a.secretKey, /^sk-sl-[0-9a-f]{48}$/);
    assert.notEqual(a.secretKey, b.secretKey);
  });

  it("stores only a salted hash that verifies the secret and nothing else", () => {
    const { secretKey } = generateKeyPair();
    const hash1 = hashSecretKey(secretKey);
    const hash2 = hashSecretKey(secretKey);
    assert.ok(!hash1.includes(secretKey));
    assert.notEqual(hash1, hash2, "a per-key salt");
    assert.equal(verifySecretKey(secretKey, hash1), true);
    assert.equal(verifySecretKey(`${secretKey}x`, hash1), false);
    assert.equal(verifySecretKey(secretKey, "garbage"), false);
    assert.equal(verifySecretKey(secretKey, "sha256$00$00"), false);
  });

  it("parses Basic credentials whose secret contains a colon", () => {
    const header = basicAuth("pk-lf-1", "sk:with:colons");
    assert.deepEqual(parseBasicAuthorization(header), { publicKey: "pk-lf-1", secretKey: "sk:with:colons" });
  });
});
