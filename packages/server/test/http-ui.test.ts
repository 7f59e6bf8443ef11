// The web UI's access and endpoints (/api/ui, and the public read API through the UI's session):
// open on loopback without a password, login with the admin password otherwise, API keys stay
// the only way to ingest, the trace structure for huge traces, static files with an SPA fallback.
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createApiKey, createApp, openSqliteStore, silentServerLogger } from "@sightline/server";
import type { SightlineApp, TraceStore } from "@sightline/server";
import { basicAuth } from "./support/http-harness.js";
import { BASE_NS, observation } from "./support/store-fixtures.js";

const TRACE = "0af7651916cd43dd8448eb211c80319c";

async function setup(config: { host?: string; adminPassword?: string }, webDir?: string): Promise<{ app: SightlineApp; store: TraceStore; auth: string }> {
  const store = await openSqliteStore({ file: ":memory:" });
  await store.migrate();
  await store.ensureProject({ id: "default", name: "Default" });
  await store.ensureProject({ id: "other", name: "Other" });
  const key = await createApiKey(store, "default");
  await store.insertObservations("default", [
    observation({ id: "aaaaaaaaaaaaaaaa", traceId: TRACE, name: "root", type: "AGENT", input: { q: "hi" } }),
    observation({
      id: "bbbbbbbbbbbbbbbb",
      traceId: TRACE,
      parentObservationId: "aaaaaaaaaaaaaaaa",
      name: "llm",
      type: "GENERATION",
      startTimeNs: BASE_NS + 1000n,
      endTimeNs: BASE_NS + 501_000n,
      model: "gpt-4o",
      usageDetails: { input: 3, output: 4, total: 7 },
      costDetails: { total: 0.25 },
      output: { role: "assistant", content: "hello" },
    }),
    observation({ id: "cccccccccccccccc", traceId: TRACE, parentObservationId: "never-exported00", name: "orphan", startTimeNs: BASE_NS + 2000n, endTimeNs: null }),
  ]);
  const app = createApp({ store, config, logger: silentServerLogger, webDir });
  return { app, store, auth: basicAuth(key.publicKey, key.secretKey) };
}

function cookieOf(res: Response): string {
  const header = res.headers.get("set-cookie") ?? "";
  return header.split(";")[0] ?? "";
}

describe("UI access when bound to loopback without an admin password", () => {
  let h: Awaited<ReturnType<typeof setup>>;
  before(async () => (h = await setup({ host: "127.0.0.1" })));
  after(() => h.store.close());

  it("reports open access in the UI config", async () => {
    const res = await h.app.request("/api/ui/config");
    assert.deepEqual(await res.json(), { version: "0.1.0", authMode: "none", authenticated: true });
  });

  it("serves the read API without credentials, in the project the header names", async () => {
    const res = await h.app.request("/api/public/traces");
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { data: unknown[] }).data.length, 1);
    const other = await h.app.request("/api/public/traces", { headers: { "x-sightline-project": "other" } });
    assert.equal(((await other.json()) as { data: unknown[] }).data.length, 0);
    const missing = await h.app.request("/api/public/traces", { headers: { "x-sightline-project": "nope" } });
    assert.equal(missing.status, 404);
  });

  it("still checks Basic credentials when they are sent, and never opens ingestion", async () => {
    const bad = await h.app.request("/api/public/traces", { headers: { authorization: basicAuth("pk-x", "sk-y") } });
    assert.equal(bad.status, 401);
    const ingest = await h.app.request("/v1/traces", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(ingest.status, 401);
  });

  it("returns a trace's structure as column arrays without inputs or outputs, orphans included", async () => {
    const res = await h.app.request(`/api/ui/traces/${TRACE}/tree`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { trace: { id: string }; tree: Record<string, unknown[]> & { baseUnixNano: string } };
    assert.equal(body.trace.id, TRACE);
    assert.deepEqual(body.tree.ids, ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"]);
    assert.deepEqual(body.tree.parentIds, [null, "aaaaaaaaaaaaaaaa", "never-exported00"]);
    assert.deepEqual(body.tree.startOffsetNs, [0, 1000, 2000]);
    assert.deepEqual(body.tree.endOffsetNs, [1_000_000, 501_000, null]);
    assert.deepEqual(body.tree.totalTokens, [0, 7, 0]);
    assert.deepEqual(body.tree.totalCost, [0, 0.25, 0]);
    assert.deepEqual(body.tree.models, [null, "gpt-4o", null]);
    assert.equal(body.tree.baseUnixNano, BASE_NS.toString());
    assert.ok(!JSON.stringify(body.tree).includes("hello"), "no IO in the structure");
  });

  it("returns one observation with its IO, and 404 for one of another trace", async () => {
    const res = await h.app.request(`/api/ui/traces/${TRACE}/observations/bbbbbbbbbbbbbbbb`);
    assert.deepEqual(((await res.json()) as { output: unknown }).output, { role: "assistant", content: "hello" });
    const wrong = await h.app.request(`/api/ui/traces/${"1".repeat(32)}/observations/bbbbbbbbbbbbbbbb`);
    assert.equal(wrong.status, 404);
  });

  it("creates, lists and revokes API keys; the created key works at once and stops at revocation", async () => {
    const created = await h.app.request("/api/ui/projects/default/keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ note: "ci" }),
    });
    assert.equal(created.status, 201);
    const key = (await created.json()) as { id: string; publicKey: string; secretKey: string };
    const auth = basicAuth(key.publicKey, key.secretKey);
    assert.equal((await h.app.request("/api/public/traces", { headers: { authorization: auth } })).status, 200);
    const list = (await (await h.app.request("/api/ui/projects/default/keys")).json()) as { data: Array<{ id: string; note: string | null }> };
    assert.ok(list.data.some((k) => k.id === key.id && k.note === "ci"));
    assert.ok(!JSON.stringify(list).includes(key.secretKey), "secrets are never listed");
    assert.equal((await h.app.request(`/api/ui/projects/default/keys/${key.id}`, { method: "DELETE" })).status, 200);
    assert.equal((await h.app.request("/api/public/traces", { headers: { authorization: auth } })).status, 401);
  });

  it("refuses a cross-site form POST (no JSON content type)", async () => {
    const res = await h.app.request("/api/ui/projects/default/keys", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "note=x" });
    assert.equal(res.status, 415);
  });
});

describe("UI access with an admin password", () => {
  let h: Awaited<ReturnType<typeof setup>>;
  before(async () => (h = await setup({ host: "0.0.0.0", adminPassword: "s3cret" })));
  after(() => h.store.close());

  it("refuses the UI and the read API without a session", async () => {
    assert.deepEqual(await (await h.app.request("/api/ui/config")).json(), { version: "0.1.0", authMode: "password", authenticated: false });
    assert.equal((await h.app.request("/api/public/traces")).status, 401);
    assert.equal((await h.app.request("/api/ui/projects")).status, 401);
    assert.equal((await h.app.request(`/api/ui/traces/${TRACE}/tree`)).status, 401);
  });

  it("rejects a wrong password and logs in with the right one (HttpOnly, SameSite=Lax cookie)", async () => {
    const login = (password: string) =>
      h.app.request("/api/ui/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password }) });
    assert.equal((await login("wrong")).status, 401);
    const ok = await login("s3cret");
    assert.equal(ok.status, 200);
    const setCookie = ok.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    const cookie = cookieOf(ok);
    const traces = await h.app.request("/api/public/traces", { headers: { cookie } });
    assert.equal(traces.status, 200);
    assert.deepEqual(await (await h.app.request("/api/ui/me", { headers: { cookie } })).json(), { authMode: "password", authenticated: true });

    await h.app.request("/api/ui/logout", { method: "POST", headers: { cookie, "content-type": "application/json" }, body: "{}" });
    assert.equal((await h.app.request("/api/public/traces", { headers: { cookie } })).status, 401);
  });

  it("marks the cookie Secure behind HTTPS", async () => {
    const res = await h.app.request("/api/ui/login", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
      body: JSON.stringify({ password: "s3cret" }),
    });
    assert.match(res.headers.get("set-cookie") ?? "", /Secure/);
  });
});

describe("UI access for an in-process app without host information", () => {
  it("keeps the read API behind API keys", async () => {
    const h = await setup({});
    assert.equal((await h.app.request("/api/public/traces")).status, 401);
    assert.equal((await h.app.request("/api/public/traces", { headers: { authorization: h.auth } })).status, 200);
    await h.store.close();
  });
});

describe("static UI", () => {
  const dir = mkdtempSync(join(tmpdir(), "sightline-static-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>UI</title>");
  writeFileSync(join(dir, "assets", "app-abc123.js"), "console.log(1)");
  let h: Awaited<ReturnType<typeof setup>>;
  before(async () => (h = await setup({ host: "127.0.0.1" }, dir)));
  after(async () => {
    await h.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves hashed assets with a long immutable cache", async () => {
    const res = await h.app.request("/assets/app-abc123.js");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /javascript/);
    assert.match(res.headers.get("cache-control") ?? "", /immutable/);
  });

  it("answers deep links with index.html, but unknown API paths and assets with 404", async () => {
    const deep = await h.app.request("/traces/abc?observation=x");
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<title>UI<\/title>/);
    assert.equal(deep.headers.get("cache-control"), "no-cache");
    assert.equal((await h.app.request("/api/nope")).status, 404);
    assert.equal((await h.app.request("/assets/missing.js")).status, 404);
  });

  it("never serves files outside the UI directory", async () => {
    const res = await h.app.request("/..%2f..%2f..%2fetc%2fpasswd");
    assert.ok(!(await res.text()).includes("root:"));
  });
});
